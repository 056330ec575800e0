"""Versions frozen at validation, and what moved between two of them or since one."""

import datetime

from django.urls import reverse

from roadmaps.models import Action, Roadmap, RoadmapVersion
from roadmaps.services import versions, writes
from tests.factories import ActionFactory

SLUG = "grand-angouleme"


def test_validating_freezes_a_named_dated_version(coordinator_client, actions, roadmap):
    response = coordinator_client.post(
        reverse("roadmaps:validate", args=[SLUG]),
        {"name": "Comité de mars", "validated_on": "2024-03-12", "validated_by": "conseil"},
    )
    assert response.status_code == 302
    version = RoadmapVersion.objects.get()
    assert (version.name, version.validated_on) == ("Comité de mars", datetime.date(2024, 3, 12))
    assert [a["code"] for a in version.snapshot["actions"]] == ["1.1", "1.2", "2.1"]
    roadmap.refresh_from_db()
    assert roadmap.status == Roadmap.Status.VALIDATED
    assert roadmap.validated_by == "conseil"


def test_validation_with_bad_input_creates_nothing(coordinator_client, actions):
    response = coordinator_client.post(
        reverse("roadmaps:validate", args=[SLUG]), {"name": "", "validated_on": "hier"}
    )
    assert response.status_code == 400
    assert not RoadmapVersion.objects.exists()


def test_compare_added_removed_moved_replanned_and_status(actions, axes, roadmap, coordinator):
    march = versions.validate_roadmap(
        roadmap=roadmap, name="Mars", validated_on=datetime.date(2024, 3, 1), by=coordinator
    )
    micro, mentoring, branding = actions
    writes.move_action_to_axis(action=mentoring, axis=axes[1], by=coordinator)
    branding.refresh_from_db()
    branding.end_date = datetime.date(2025, 12, 31)
    branding.status = Action.Status.IN_PROGRESS
    branding.save()
    added = ActionFactory(axis=axes[0], number=5, title="Guide du référent")
    Action.objects.filter(pk=micro.pk).delete()

    comparison = versions.compare(march.snapshot, versions.snapshot(roadmap))
    assert [a["title"] for a in comparison.added] == [added.title]
    assert [a["title"] for a in comparison.removed] == ["Micro-forums pour l'emploi"]
    assert [(a["title"], a["before"], a["after"]) for a in comparison.moved] == [
        ("Parrainage", "1. Accompagner les jeunes", "2. Faciliter le recrutement")
    ]
    assert [(a["title"], a["before"], a["after"]) for a in comparison.replanned] == [
        ("Marque employeur", "01/01/2020 → 30/06/2020", "01/01/2020 → 31/12/2025")
    ]
    assert [(a["title"], a["before"], a["after"]) for a in comparison.status_changed] == [
        ("Marque employeur", "à venir", "en cours")
    ]
    assert comparison.count == 5


def test_compare_identical_is_empty(actions, roadmap):
    snap = versions.snapshot(roadmap)
    assert versions.compare(snap, snap).is_empty


def test_versions_page_compares_a_version_with_today(referent_client, actions, roadmap):
    version = versions.validate_roadmap(
        roadmap=roadmap, name="Février 2022", validated_on=datetime.date(2022, 2, 17)
    )
    ActionFactory(axis=actions[0].axis, number=9, title="Campagne marque employeur")
    url = reverse("roadmaps:versions", args=[SLUG])
    response = referent_client.get(url, {"de": version.pk, "a": "aujourdhui"})
    assert response.status_code == 200
    assert "1 action ajoutée" in response.text
    assert "Campagne marque employeur" in response.text


def test_versions_page_compares_two_versions(referent_client, actions, roadmap):
    first = versions.validate_roadmap(
        roadmap=roadmap, name="V1", validated_on=datetime.date(2022, 1, 1)
    )
    actions[2].status = Action.Status.ABANDONED
    actions[2].save()
    second = versions.validate_roadmap(
        roadmap=roadmap, name="V2", validated_on=datetime.date(2023, 1, 1)
    )
    response = referent_client.get(
        reverse("roadmaps:versions", args=[SLUG]), {"de": first.pk, "a": second.pk}
    )
    assert "1 changement de statut" in response.text
    assert "à venir → abandonnée" in response.text


def test_versions_page_rejects_unknown_versions(referent_client, actions, roadmap, other_roadmap):
    versions.validate_roadmap(roadmap=roadmap, name="V1", validated_on=datetime.date(2022, 1, 1))
    foreign = versions.validate_roadmap(
        roadmap=other_roadmap, name="Autre", validated_on=datetime.date(2022, 1, 1)
    )
    url = reverse("roadmaps:versions", args=[SLUG])
    assert referent_client.get(url, {"de": foreign.pk, "a": "aujourdhui"}).status_code == 400
    assert referent_client.get(url, {"de": "abc", "a": "x"}).status_code == 400
