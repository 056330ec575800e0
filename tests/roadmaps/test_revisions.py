"""Revising the roadmap: a new version with the committee decision (date, body, summary) and the
signals that led to it; the roadmap's page says « révisée le … » and why."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bench._data import build_large
from roadmaps.models import Roadmap, RoadmapVersion, Signal
from roadmaps.services import versions
from tests.factories import SignalFactory

SLUG = "grand-angouleme"
URL = reverse("roadmaps:validate", args=[SLUG])


@pytest.fixture
def first(roadmap, actions, coordinator):
    return versions.validate_roadmap(
        roadmap=roadmap,
        name="Validation par les élus (02/2022)",
        validated_on=datetime.date(2022, 2, 17),
        validated_by="conseil communautaire",
        by=coordinator,
    )


@pytest.fixture
def signals(territory, other_territory):
    return {
        "welders": SignalFactory(
            territory=territory,
            text="Trois employeurs de la mécatronique cherchent des soudeurs",
            status=Signal.Status.TAKEN,
            observed_on=datetime.date(2023, 3, 2),
        ),
        "closure": SignalFactory(
            territory=territory,
            text="Fermeture annoncée : atelier de 40 salariés",
            status=Signal.Status.TO_EXAMINE,
        ),
        "new": SignalFactory(territory=territory, status=Signal.Status.NEW),
        "filed": SignalFactory(territory=territory, status=Signal.Status.FILED),
        "foreign": SignalFactory(territory=other_territory, status=Signal.Status.TAKEN),
    }


def revision(**data):
    return {
        "name": "Révision du comité de pilotage (06/2023)",
        "validated_on": "2023-06-15",
        "validated_by": "comité de pilotage",
        "summary": "Le recrutement est devenu le principal problème.",
        **data,
    }


def revise(roadmap, signals, **fields):
    """A revision of June 2023 by the service, on `signals`."""
    return versions.validate_roadmap(
        roadmap=roadmap,
        **{
            "name": "Révision de juin",
            "validated_on": datetime.date(2023, 6, 15),
            "validated_by": "comité de pilotage",
            "summary": "Le recrutement est devenu le principal problème.",
            **fields,
        },
        signals=signals,
    )


def test_the_form_says_revise_once_a_version_exists(coordinator_client, roadmap, actions):
    assert "Valider la feuille de route" in coordinator_client.get(URL).text
    versions.validate_roadmap(roadmap=roadmap, name="V1", validated_on=datetime.date(2022, 1, 1))
    page = coordinator_client.get(URL).text
    assert "Réviser la feuille de route" in page and "Instance qui a décidé" in page


def test_the_form_offers_the_territory_signals_to_examine_or_taken(
    coordinator_client, first, signals
):
    page = coordinator_client.get(URL).text
    assert signals["welders"].text in page and signals["closure"].text in page
    for name in ("new", "filed", "foreign"):
        assert f'value="{signals[name].pk}"' not in page


def test_revising_records_the_decision_and_its_signals(coordinator_client, first, signals, roadmap):
    response = coordinator_client.post(
        URL, revision(signals=[signals["welders"].pk, signals["closure"].pk])
    )
    assert response.status_code == 302
    version = roadmap.versions.first()
    assert version.pk != first.pk
    assert (version.validated_on, version.validated_by, version.summary) == (
        datetime.date(2023, 6, 15),
        "comité de pilotage",
        "Le recrutement est devenu le principal problème.",
    )
    assert set(version.signals.all()) == {signals["welders"], signals["closure"]}
    assert version.snapshot["format"] == 2


def test_the_roadmap_page_says_revised_when_and_why(coordinator_client, first, signals, roadmap):
    coordinator_client.post(URL, revision(signals=[signals["welders"].pk]))
    last = roadmap.versions.first()
    page = coordinator_client.get(roadmap.get_absolute_url()).text
    assert "Révisée le 15 juin 2023" in page and "par comité de pilotage" in page
    assert "Le recrutement est devenu le principal problème." in page
    compare = f"{reverse('roadmaps:versions', args=[SLUG])}?de={first.pk}&amp;a={last.pk}"
    assert compare in page
    assert "Ce qui a changé depuis « Validation par les élus (02/2022) »" in page
    assert signals["welders"].text in page
    assert "Réviser la feuille de route" in page


def test_a_first_validation_is_not_a_revision(coordinator_client, first, roadmap):
    assert "Révisée le" not in coordinator_client.get(roadmap.get_absolute_url()).text


def test_the_signals_of_a_revision_link_to_their_page(referent_client, first, signals, roadmap):
    revise(roadmap, [signals["welders"]])
    link = reverse("roadmaps:signal", args=[SLUG, signals["welders"].pk])
    assert f'href="{link}"' in referent_client.get(roadmap.get_absolute_url()).text
    versions_page = referent_client.get(reverse("roadmaps:versions", args=[SLUG])).text
    assert f'href="{link}"' in versions_page


def test_the_versions_page_lists_each_version_with_its_reason(
    referent_client, first, signals, roadmap
):
    revise(roadmap, [signals["closure"]])
    page = referent_client.get(reverse("roadmaps:versions", args=[SLUG])).text
    assert "Révisée le 15 juin 2023" in page and "Validée le 17 février 2022" in page
    assert "Le recrutement est devenu le principal problème." in page
    assert signals["closure"].text in page
    assert "Réviser la feuille de route" not in page  # a référent reads, does not revise


def unchanged(roadmap):
    return (RoadmapVersion.objects.count(), Roadmap.objects.get(pk=roadmap.pk).version)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"validated_on": "2099-01-01"},
            "validated_on",
            "La date de la décision ne peut pas être à venir.",
        ),
        (
            {"summary": "  ", "signals": "welders"},
            "summary",
            "Résumez la décision : elle dit ce que les signaux liés ont fait changer.",
        ),
        (
            {"signals": "foreign"},
            "signals",
            "Ce signal n&#x27;est pas un signal du territoire à examiner ou pris en compte.",
        ),
        (
            {"signals": "new"},
            "signals",
            "Ce signal n&#x27;est pas un signal du territoire à examiner ou pris en compte.",
        ),
        ({"signals": "99999999999999999999"}, "signals", "n&#x27;est pas un signal."),
    ],
)
def test_bad_input_says_why_and_writes_nothing(
    coordinator_client, first, signals, roadmap, data, field, message
):
    if "signals" in data and data["signals"] in signals:
        data = {**data, "signals": [signals[data["signals"]].pk]}
    before = unchanged(roadmap)
    response = coordinator_client.post(URL, revision(**data))
    assert response.status_code == 400
    assert message in response.text
    assert response.context["form"].has_error(field)
    assert unchanged(roadmap) == before
    assert not Signal.objects.filter(revisions__isnull=False).exists()


def test_a_decision_taken_today_is_accepted(coordinator_client, first, roadmap):
    today = timezone.localdate()
    response = coordinator_client.post(URL, revision(validated_on=today.isoformat()))
    assert response.status_code == 302
    assert roadmap.versions.first().validated_on == today


def test_the_service_refuses_a_signal_of_another_territory(first, signals, roadmap):
    before = unchanged(roadmap)
    with pytest.raises(ValueError, match="another territory"):
        revise(roadmap, [signals["foreign"]])
    assert unchanged(roadmap) == before  # the transaction is rolled back


def test_a_referent_cannot_revise(referent_client, first, signals, roadmap):
    assert referent_client.get(URL).status_code == 403
    response = referent_client.post(URL, revision(signals=[signals["welders"].pk]))
    assert response.status_code == 403
    assert roadmap.versions.count() == 1


def test_another_territory_gets_404(other_coordinator_client, first, roadmap):
    assert other_coordinator_client.get(URL).status_code == 404
    assert other_coordinator_client.post(URL, revision()).status_code == 404
    versions_url = reverse("roadmaps:versions", args=[SLUG])
    assert other_coordinator_client.get(versions_url).status_code == 404


@pytest.mark.parametrize("size", ["small", "large"])
def test_roadmap_page_with_a_revision_query_count(
    referent_client, first, roadmap, territory, django_assert_num_queries, size
):
    count = 1 if size == "small" else 20
    linked = [SignalFactory(territory=territory, status=Signal.Status.TAKEN) for _ in range(count)]
    if size == "large":
        build_large(roadmap)
    revise(roadmap, linked)
    # 1 session, 2 user, 3 memberships with their territories, 4 content version, 5 roadmap
    # with its territory, 6 axes, 7 actions, 8 step counts, 9 diagnostic indicators, 10 the
    # two latest versions, 11 the signals of those, 12 the open signals' counts
    with django_assert_num_queries(12):
        response = referent_client.get(roadmap.get_absolute_url())
    assert "Révisée le 15 juin 2023" in response.text
