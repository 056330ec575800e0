"""Lost updates are impossible (optimistic locking), and every change is in the history."""

import pytest
from django.urls import reverse

from roadmaps.models import Action
from roadmaps.services import history, writes
from tests.factories import StepFactory
from tests.roadmaps.test_editing import action_data

SLUG = "grand-angouleme"


def test_second_of_two_concurrent_edits_is_refused(client, action, coordinator, staff):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    # Two people open the same form: both carry version 1.
    client.force_login(coordinator)
    first_form = client.get(url).context["form"]
    client.force_login(staff)
    second_form = client.get(url).context["form"]
    assert first_form["version"].value() == second_form["version"].value() == 1

    client.force_login(coordinator)
    response = client.post(url, action_data(action, title="Titre de la coordination", version=1))
    assert response.status_code == 302

    client.force_login(staff)
    response = client.post(
        url, action_data(action, title="Titre de l'admin", priority="basse", version=1)
    )
    assert response.status_code == 409
    action.refresh_from_db()
    assert (action.title, action.priority, action.version) == (
        "Titre de la coordination",
        "moyenne",
        2,
    )
    page = response.text
    assert "Quelqu" in page and "modifié cette action" in page
    conflict = response.context["conflict"]
    assert [(c.field, c.old, c.new) for c in conflict] == [
        ("title", "Micro-forums pour l'emploi", "Titre de la coordination")
    ]
    assert conflict[0].user == coordinator
    # The form keeps the admin's input and now carries the current version: saving again is a
    # deliberate overwrite.
    assert response.context["form"]["title"].value() == "Titre de l'admin"
    assert response.context["form"]["version"].value() == 2
    response = client.post(url, action_data(action, title="Titre de l'admin", version=2))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.version) == ("Titre de l'admin", 3)


def test_after_a_conflict_the_form_merges_both_sets_of_changes(client, action, coordinator, staff):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    client.force_login(coordinator)
    client.post(
        url, action_data(action, title="Titre de la coordination", to_discuss="on", version=1)
    )
    client.force_login(staff)
    response = client.post(url, action_data(action, funders="Département", version=1))
    assert response.status_code == 409
    form = response.context["form"]
    assert form["title"].value() == "Titre de la coordination"  # theirs, untouched by me
    assert form["to_discuss"].value() is True
    assert form["funders"].value() == "Département"  # mine
    assert Action.objects.get(pk=action.pk).funders == ""  # nothing written yet
    data = {name: form[name].value() for name in ("title", "funders", "status", "priority")}
    response = client.post(url, action_data(action, **data, to_discuss="on", version=2))
    action.refresh_from_db()
    assert (action.title, action.funders, action.to_discuss) == (
        "Titre de la coordination",
        "Département",
        True,
    )


def test_a_reorder_in_between_also_counts_as_a_concurrent_change(
    coordinator_client, actions, coordinator
):
    first = actions[0]
    url = reverse("roadmaps:action_update", args=[SLUG, first.pk])
    writes.move_action(action=actions[1], direction=-1, by=coordinator)
    response = coordinator_client.post(url, action_data(first, title="Nouveau", version=1))
    assert response.status_code == 409
    assert Action.objects.get(pk=first.pk).title == "Micro-forums pour l'emploi"


def test_service_guard_is_a_conditional_update(action, coordinator):
    """The UPDATE … WHERE version = n touches no row when the version moved on."""
    Action.objects.filter(pk=action.pk).update(version=5)
    from roadmaps.forms import ActionForm

    form = ActionForm(action_data(action, title="X"), instance=action, roadmap=action.axis.roadmap)
    assert form.is_valid(), form.errors
    try:
        writes.save_action(form=form, expected_version=1, by=coordinator)
    except writes.ConcurrentEdit:
        pass
    else:
        raise AssertionError("the stale save went through")
    assert Action.objects.get(pk=action.pk).title == "Micro-forums pour l'emploi"


def test_history_records_who_what_and_when(coordinator_client, action, coordinator):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    coordinator_client.post(
        url, action_data(action, status="bloque", end_date="2029-06-30", to_discuss="on")
    )
    step = StepFactory(action=action, title="Réserver la salle", due_date=None)
    coordinator_client.post(
        reverse("roadmaps:step_mark", args=[SLUG, action.pk, step.pk]), {"done": "1"}
    )

    entries = history.action_history(action)
    update = next(e for e in entries if e.subject == "l'action" and e.kind == "modification")
    assert update.user == coordinator
    changes = {c.field: (c.old, c.new) for c in update.changes}
    assert changes["status"] == ("en cours", "bloquée")
    assert changes["end_date"] == ("31/12/2030", "30/06/2029")
    assert changes["to_discuss"] == ("non", "oui")
    assert "version" not in changes
    step_entry = next(e for e in entries if "Réserver la salle" in e.subject and e.changes)
    assert [(c.field, c.old, c.new) for c in step_entry.changes] == [("done", "non", "oui")]

    page = coordinator_client.get(action.get_absolute_url()).text
    assert "Historique des modifications" in page
    assert "bloquée" in page and "30/06/2029" in page and str(coordinator) in page


def test_moving_an_action_is_in_its_history_with_axis_names(coordinator_client, actions, axes):
    coordinator_client.post(
        reverse("roadmaps:action_move_axis", args=[SLUG, actions[0].pk]), {"axis": axes[1].pk}
    )
    entries = history.action_history(actions[0])
    changes = {c.field: (c.old, c.new) for e in entries for c in e.changes}
    assert changes["axis"] == ("1. Accompagner les jeunes", "2. Faciliter le recrutement")
    assert changes["number"] == ("1", "2")


def test_roadmap_and_axis_changes_are_recorded(coordinator_client, axes, roadmap, coordinator):
    coordinator_client.post(
        reverse("roadmaps:axis_update", args=[SLUG, 1]), {"title": "Les jeunes", "objectives": ""}
    )
    record = axes[0].history.first()
    assert (record.title, record.history_user) == ("Les jeunes", coordinator)
    assert roadmap.history.count() == 1


# --- A form that does not say its version, a repeated save --------------------------------


@pytest.mark.parametrize("version", [None, "", "abc", "0", "-1", "2.5", "9" * 40])
def test_a_save_without_a_valid_version_is_refused_like_a_stale_one(
    coordinator_client, action, version
):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    data = action_data(action, title="Écrasé sans version")
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = coordinator_client.post(url, data)
    assert response.status_code == 409
    action.refresh_from_db()
    assert (action.title, action.version) == ("Micro-forums pour l'emploi", 1)
    assert action.history.count() == 1  # nothing recorded
    assert "ne dit pas de quelle version" in response.text
    # The form keeps the input and now carries the current version: saving is deliberate.
    form = response.context["form"]
    assert form["title"].value() == "Écrasé sans version" and form["version"].value() == 1
    assert coordinator_client.post(url, action_data(action, title="Voulu")).status_code == 302
    assert Action.objects.get(pk=action.pk).title == "Voulu"


def test_a_repeated_save_of_the_same_form_is_a_success(coordinator_client, action):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    data = action_data(action, title="Micro-forums 2024", to_discuss="on", version=1)
    first = coordinator_client.post(url, data)
    second = coordinator_client.post(url, data)  # the same form again, still saying version 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == action.get_absolute_url()
    action.refresh_from_db()
    assert (action.title, action.to_discuss, action.version) == ("Micro-forums 2024", True, 2)
    page = coordinator_client.get(second["Location"]).text
    assert "Quelqu" not in page and "est enregistrée" in page


def test_a_conflict_with_ones_own_earlier_save_does_not_blame_someone_else(
    coordinator_client, action
):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    coordinator_client.post(url, action_data(action, title="Premier envoi", version=1))
    response = coordinator_client.post(url, action_data(action, title="Second", version=1))
    assert response.status_code == 409
    page = response.text.replace("&#x27;", "'")
    assert "Quelqu'un" not in page and "l'autre personne" not in page
    assert "Vous avez vous-même enregistré" in page
    assert "Ce que vous avez changé entre-temps" in page
    assert Action.objects.get(pk=action.pk).title == "Premier envoi"


def test_a_conflict_with_someone_else_still_names_them(client, action, coordinator, staff):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    client.force_login(staff)
    client.post(url, action_data(action, title="Par l'admin", version=1))
    client.force_login(coordinator)
    response = client.post(url, action_data(action, title="Par la coordination", version=1))
    page = response.text.replace("&#x27;", "'")
    assert response.status_code == 409
    assert "Quelqu'un a modifié cette action" in page and "Vous avez vous-même" not in page


def roadmap_data(roadmap, **changes):
    return {
        "title": roadmap.title,
        "axis_label": roadmap.axis_label,
        "status": roadmap.status,
        "version": roadmap.version,
    } | changes


@pytest.mark.parametrize("version", [None, "", "abc", "9" * 40])
def test_a_roadmap_edit_without_a_valid_version_is_refused(coordinator_client, roadmap, version):
    url = reverse("roadmaps:update", args=[SLUG])
    data = roadmap_data(roadmap, title="Écrasée")
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = coordinator_client.post(url, data)
    assert response.status_code == 409
    roadmap.refresh_from_db()
    assert roadmap.title != "Écrasée" and roadmap.version == 1
    assert response.context["form"]["version"].value() == 1


def test_a_stale_roadmap_edit_is_refused_and_a_resend_is_a_success(client, roadmap, coordinator):
    url = reverse("roadmaps:update", args=[SLUG])
    client.force_login(coordinator)
    data = roadmap_data(roadmap, title="Feuille de route 2024-2028")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form again: already stored
    response = client.post(url, data | {"period": "2024-2028"})  # still version 1
    assert response.status_code == 409
    roadmap.refresh_from_db()
    assert (roadmap.title, roadmap.period, roadmap.version) == ("Feuille de route 2024-2028", "", 2)


def test_validating_the_roadmap_makes_an_open_edit_form_stale(coordinator_client, roadmap):
    url = reverse("roadmaps:update", args=[SLUG])
    data = roadmap_data(roadmap, title="Nouveau titre")  # opened while a draft
    coordinator_client.post(
        reverse("roadmaps:validate", args=[SLUG]),
        {"name": "Comité", "validated_on": "2024-03-01", "validated_by": ""},
    )
    assert coordinator_client.post(url, data).status_code == 409
    roadmap.refresh_from_db()
    assert roadmap.status == "validee"


def test_history_sentences_keep_french_articles(coordinator_client, action):
    """« création d'une étape », « modification de l'étape », never « création de étape »."""
    step = StepFactory(action=action, title="Réserver la salle", due_date=None)
    coordinator_client.post(
        reverse("roadmaps:step_mark", args=[SLUG, action.pk, step.pk]), {"done": "1"}
    )
    coordinator_client.post(
        reverse("roadmaps:action_update", args=[SLUG, action.pk]),
        action_data(action, status="bloque"),
    )
    labels = [entry.label for entry in history.action_history(action)]
    assert "création d'une étape : « Réserver la salle »" in labels
    assert "modification de l'étape « Réserver la salle »" in labels
    assert "modification de l'action" in labels

    page = coordinator_client.get(action.get_absolute_url()).text
    assert "création d&#x27;une étape : « Réserver la salle »" in page
    assert "modification de l&#x27;action" in page
    assert " de étape" not in page and "de l&#x27;étape" in page
