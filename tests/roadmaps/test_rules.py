"""Status and progress rules: progress derived from steps, "en retard" computed, points d'étape."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from roadmaps.models import Action, Roadmap
from tests.factories import ActionFactory, RoadmapFactory, StepFactory

TODAY = datetime.date(2024, 6, 1)


def test_str_and_url_use_the_axis_number(action):
    action.axis.number = 2
    action.number = 3
    assert str(action) == "2.3 Micro-forums pour l'emploi"
    assert action.get_absolute_url() == f"/feuilles-de-route/grand-angouleme/actions/{action.pk}/"


def test_progress_is_entered_by_hand_without_steps(action):
    action.progress = 35
    assert action.effective_progress == 35


def test_progress_is_derived_from_steps_when_there_are_some(action):
    action.progress = 90
    action.save()
    StepFactory(action=action, done=True)
    StepFactory(action=action, done=False)
    StepFactory(action=action, done=False)
    assert Action.objects.get(pk=action.pk).effective_progress == 33
    assert Action.objects.step_counts(action.axis.roadmap) == {action.pk: (3, 1)}


@pytest.mark.parametrize(
    "end,status,late",
    [
        (datetime.date(2024, 5, 31), Action.Status.IN_PROGRESS, True),
        (datetime.date(2024, 5, 31), Action.Status.BLOCKED, True),
        (datetime.date(2024, 5, 31), Action.Status.DONE, False),
        (datetime.date(2024, 5, 31), Action.Status.ABANDONED, False),
        (datetime.date(2024, 6, 1), Action.Status.IN_PROGRESS, False),
        (None, Action.Status.IN_PROGRESS, False),  # amélioration continue
    ],
)
def test_late_is_computed(end, status, late):
    action = Action(end_date=end, status=status)
    assert action.is_late(TODAY) is late


def test_late_queryset_matches_the_property(actions):
    late = set(Action.objects.late(datetime.date(2025, 1, 1)))
    assert late == {a for a in actions if a.is_late(datetime.date(2025, 1, 1))}
    assert [a.title for a in late] == ["Marque employeur"]


def test_due_soon_means_within_30_days_and_not_closed():
    assert Action(end_date=TODAY + datetime.timedelta(days=30)).is_due_soon(TODAY)
    assert not Action(end_date=TODAY + datetime.timedelta(days=31)).is_due_soon(TODAY)
    assert not Action(end_date=TODAY, status=Action.Status.DONE).is_due_soon(TODAY)


def test_statuses_are_stored_as_agreed():
    assert [s.value for s in Action.Status] == [
        "a_venir",
        "en_cours",
        "realise",
        "en_pause",
        "bloque",
        "abandonne",
    ]


def test_progress_update_changes_status_and_progress(action, coordinator):
    action.record_progress(by=coordinator, note="Lancement", status="bloque", progress=40)
    action.refresh_from_db()
    assert (action.status, action.progress, action.version) == ("bloque", 40, 2)
    assert action.updates.get().author == coordinator


def test_progress_update_to_done_sets_progress_to_100(action, coordinator):
    action.record_progress(by=coordinator, note="Terminé", status=Action.Status.DONE)
    action.refresh_from_db()
    assert action.progress == 100


def test_a_note_alone_changes_nothing_else(action, coordinator):
    action.record_progress(by=coordinator, note="RAS")
    action.refresh_from_db()
    assert action.version == 1
    assert action.history.count() == 1


def test_database_refuses_progress_over_100(action):
    action.progress = 120
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


def test_database_refuses_end_before_start(action):
    action.end_date = datetime.date(2021, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


def test_one_current_roadmap_per_territory(roadmap):
    assert Roadmap.current_for(roadmap.territory) == roadmap
    with pytest.raises(IntegrityError), transaction.atomic():
        RoadmapFactory(territory=roadmap.territory)
    former = RoadmapFactory(territory=roadmap.territory, is_current=False)
    assert Roadmap.current_for(roadmap.territory) == roadmap != former


def test_referents_contract_query(actions, territory):
    """The referents app lists actions to discuss with exactly this query (via apps.get_model)."""
    from django.apps import apps

    model = apps.get_model("roadmaps", "Action")
    listed = model.objects.filter(axis__roadmap__territory=territory, to_discuss=True)
    assert [a.title for a in listed] == ["Parrainage"]


def test_axis_label_can_be_chantier_cle(roadmap):
    roadmap.axis_label = Roadmap.AxisLabel.WORKSTREAM
    assert roadmap.axis_label_singular == "chantier clé"
    assert roadmap.axis_label_plural == "chantiers clés"


def test_action_factory_defaults_are_consistent():
    action = ActionFactory.build()
    assert action.start_date <= action.end_date
