"""Coordinators' forms: happy paths, reordering and moving, and bad input that saves nothing."""

import datetime

import pytest
from django.urls import reverse

from roadmaps.models import Action, Axis, IndicatorValue, ProgressUpdate, Step
from tests.factories import IndicatorFactory, StepFactory

SLUG = "grand-angouleme"


def action_data(action, **changes):
    data = {
        "axis": action.axis_id,
        "title": action.title,
        "description": action.description,
        "expected_results": "",
        "status": action.status,
        "priority": action.priority,
        "progress": action.progress,
        "start_date": action.start_date.isoformat() if action.start_date else "",
        "end_date": action.end_date.isoformat() if action.end_date else "",
        "pilot_name": action.pilot_name,
        "funders": "",
        "version": action.version,
    }
    data.update(changes)
    return data


def state():
    return list(Action.objects.order_by("pk").values()), list(Step.objects.values())


def test_create_axis_numbers_it_last(coordinator_client, axes, roadmap):
    response = coordinator_client.post(
        reverse("roadmaps:axis_create", args=[SLUG]), {"title": "Mobilité", "objectives": ""}
    )
    assert response.status_code == 302
    assert roadmap.axes.last().number == 3


def test_create_action_numbers_it_last_in_its_axis(coordinator_client, actions, axes):
    url = reverse("roadmaps:action_create", args=[SLUG, 1])
    response = coordinator_client.post(
        url,
        {
            "axis": axes[0].pk,
            "title": "Guide du référent",
            "status": "a_venir",
            "priority": "haute",
            "progress": 0,
            "start_date": "2023-01-01",
            "end_date": "",
        },
    )
    created = Action.objects.get(title="Guide du référent")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.code == "1.3"
    assert created.is_continuous
    assert created.history.get().history_user.username == "coordination"


def test_update_action(coordinator_client, action):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    response = coordinator_client.post(url, action_data(action, title="Micro-forums 2023"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.version) == ("Micro-forums 2023", 2)


def test_done_status_sets_progress_to_100(coordinator_client, action):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    coordinator_client.post(url, action_data(action, status="realise", progress=10))
    action.refresh_from_db()
    assert action.progress == 100


def test_changing_axis_in_the_form_renumbers_both_axes(coordinator_client, actions, axes):
    first = actions[0]
    url = reverse("roadmaps:action_update", args=[SLUG, first.pk])
    coordinator_client.post(url, action_data(first, axis=axes[1].pk))
    assert [a.code for a in Action.objects.filter(axis=axes[0])] == ["1.1"]  # Parrainage moved up
    assert Action.objects.get(pk=first.pk).code == "2.2"


def test_move_action_to_another_axis(coordinator_client, actions, axes):
    url = reverse("roadmaps:action_move_axis", args=[SLUG, actions[0].pk])
    coordinator_client.post(url, {"axis": axes[1].pk})
    moved = Action.objects.get(pk=actions[0].pk)
    assert (moved.axis_id, moved.number, moved.version) == (axes[1].pk, 2, 2)
    assert Action.objects.get(pk=actions[1].pk).number == 1


def test_reorder_actions_and_axes(coordinator_client, actions, axes):
    coordinator_client.post(reverse("roadmaps:action_move", args=[SLUG, actions[1].pk, "monter"]))
    assert list(Action.objects.filter(axis=axes[0]).values_list("title", flat=True)) == [
        "Parrainage",
        "Micro-forums pour l'emploi",
    ]
    coordinator_client.post(reverse("roadmaps:axis_move", args=[SLUG, 1, "descendre"]))
    assert list(Axis.objects.values_list("title", flat=True)) == [
        "Faciliter le recrutement",
        "Accompagner les jeunes",
    ]
    # moving the first one up changes nothing
    coordinator_client.post(reverse("roadmaps:axis_move", args=[SLUG, 1, "monter"]))
    assert Axis.objects.first().title == "Faciliter le recrutement"


def test_add_step_progress_update_indicator_and_value(coordinator_client, action, coordinator):
    base = [SLUG, action.pk]
    coordinator_client.post(
        reverse("roadmaps:step_create", args=base), {"title": "Réserver la salle", "due_date": ""}
    )
    step = action.steps.get()
    coordinator_client.post(reverse("roadmaps:step_mark", args=[*base, step.pk]), {"done": "1"})
    assert Step.objects.get().done
    coordinator_client.post(
        reverse("roadmaps:progress_create", args=base),
        {"date": "2024-02-01", "note": "Salle réservée", "status": "en_cours", "progress": ""},
    )
    assert ProgressUpdate.objects.get().author == coordinator
    coordinator_client.post(
        reverse("roadmaps:indicator_create", args=base),
        {"label": "Participants", "unit": "personnes", "baseline": "0", "target": "200"},
    )
    indicator = action.indicators.get()
    coordinator_client.post(
        reverse("roadmaps:indicator_value_create", args=[*base, indicator.pk]),
        {"date": "2024-03-01", "value": "50"},
    )
    assert IndicatorValue.objects.get().value == 50
    assert indicator.target_ratio() == 25
    page = coordinator_client.get(action.get_absolute_url()).text
    assert "Salle réservée" in page and "Réserver la salle" in page and "Participants" in page


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes,field,message",
    [
        (
            {"start_date": "2024-05-01", "end_date": "2024-01-01"},
            "end_date",
            "La date de fin ne peut pas précéder la date de début.",
        ),
        ({"progress": "120"}, "progress", "L’avancement doit être compris entre 0 et 100"),
        ({"progress": "-5"}, "progress", "supérieure ou égale à 0"),
        ({"axis": "999999"}, "axis", "Cet axe n’existe pas dans la feuille de route."),
        ({"title": "x" * 301}, "title", "au plus 300 caractères"),
        ({"description": "x" * 6000}, "description", "au plus 5000 caractères"),
        ({"start_date": "pas une date"}, "start_date", "Saisissez une date valide."),
    ],
)
def test_bad_action_input_gets_a_message_and_saves_nothing(
    coordinator_client, action, changes, field, message
):
    before = state()
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    response = coordinator_client.post(url, action_data(action, **changes))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message.replace("’", "'") in errors.replace("’", "'")
    assert state() == before


def test_axis_of_another_roadmap_is_unknown(coordinator_client, action, other_roadmap):
    foreign = other_roadmap.axes.get()
    before = state()
    response = coordinator_client.post(
        reverse("roadmaps:action_update", args=[SLUG, action.pk]),
        action_data(action, axis=foreign.pk),
    )
    assert response.status_code == 400
    assert state() == before
    response = coordinator_client.post(
        reverse("roadmaps:action_move_axis", args=[SLUG, action.pk]), {"axis": foreign.pk}
    )
    assert response.status_code == 400
    assert "n'existe pas" in response.text.replace("&#x27;", "'")
    assert state() == before


@pytest.mark.parametrize("due", ["2021-12-31", "2031-01-01"])
def test_step_due_outside_the_action_is_refused(coordinator_client, action, due):
    response = coordinator_client.post(
        reverse("roadmaps:step_create", args=[SLUG, action.pk]),
        {"title": "Trop tôt", "due_date": due},
    )
    assert response.status_code == 400
    assert "échéance" in response.context["form"].errors["due_date"][0]
    assert not Step.objects.exists()


def test_new_dates_cannot_leave_steps_outside(coordinator_client, action):
    StepFactory(action=action, due_date=datetime.date(2025, 6, 1))
    before = state()
    response = coordinator_client.post(
        reverse("roadmaps:action_update", args=[SLUG, action.pk]),
        action_data(action, end_date="2024-12-31"),
    )
    assert response.status_code == 400
    assert "hors des dates" in str(response.context["form"].non_field_errors())
    assert state() == before


def test_progress_update_over_100_is_refused(coordinator_client, action):
    response = coordinator_client.post(
        reverse("roadmaps:progress_create", args=[SLUG, action.pk]),
        {"date": "2024-02-01", "note": "Trop", "status": "", "progress": "120"},
    )
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()
    action.refresh_from_db()
    assert action.progress == 0


def test_huge_note_is_refused(coordinator_client, action):
    response = coordinator_client.post(
        reverse("roadmaps:progress_create", args=[SLUG, action.pk]),
        {"date": "2024-02-01", "note": "x" * 10000, "status": ""},
    )
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


def test_bad_indicator_value_is_refused(coordinator_client, action):
    indicator = IndicatorFactory(action=action)
    response = coordinator_client.post(
        reverse("roadmaps:indicator_value_create", args=[SLUG, action.pk, indicator.pk]),
        {"date": "2024-03-01", "value": "beaucoup"},
    )
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()


def test_failure_midway_saves_nothing(coordinator_client, actions, axes, monkeypatch):
    """Moving an action renumbers the old axis in the same transaction: all or nothing."""
    from roadmaps.services import writes

    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(writes, "_close_gap", broken)
    before = state()
    with pytest.raises(RuntimeError):
        writes.move_action_to_axis(action=actions[0], axis=axes[1])
    assert state() == before


def test_steps_make_progress_read_only_in_the_form(coordinator_client, action):
    StepFactory(action=action, done=True, due_date=None)
    response = coordinator_client.get(reverse("roadmaps:action_update", args=[SLUG, action.pk]))
    assert "progress" not in response.context["form"].fields
    assert action.__class__.objects.get(pk=action.pk).effective_progress == 100


def test_coordinator_creates_the_roadmap_then_edits_it(coordinator_client, territory, coordinator):
    url = reverse("roadmaps:update", args=[SLUG])
    data = {"title": "Feuille de route 2024", "axis_label": "chantier", "status": "brouillon"}
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    roadmap = territory.roadmaps.get()
    assert roadmap.is_current and roadmap.axis_label == "chantier"
    coordinator_client.post(url, data | {"title": "Feuille de route 2024-2028", "version": 1})
    assert territory.roadmaps.get().title == "Feuille de route 2024-2028"
    assert roadmap.history.first().history_user == coordinator
    page = coordinator_client.get(reverse("roadmaps:detail", args=[SLUG])).text
    assert "Ajouter un chantier clé" in page


def test_bad_roadmap_and_axis_input(coordinator_client, axes, roadmap):
    response = coordinator_client.post(
        reverse("roadmaps:update", args=[SLUG]),
        {"title": "", "axis_label": "axe", "status": "inconnu", "diagnostic": "x" * 6000},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "status", "diagnostic"}
    response = coordinator_client.post(
        reverse("roadmaps:axis_create", args=[SLUG]), {"title": "x" * 400}
    )
    assert response.status_code == 400
    assert roadmap.axes.count() == 2
    roadmap.refresh_from_db()
    assert roadmap.title == "Feuille de route pour l'emploi et l'insertion"
