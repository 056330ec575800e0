"""The signals the portal raises from the référent network: orientation needs no known partner
serves in a commune, communes that lost their référents (referents/detectors.py)."""

import datetime

import pytest
from django.utils import timezone

from partners.models import Theme
from referents.detectors import communes_without_referent, unmet_orientation_needs
from referents.models import OrientationCount
from roadmaps.models import Signal
from roadmaps.services.raised_signals import raise_signals
from tests.factories import ReferentFactory


@pytest.fixture
def month():
    """The month just ended (the command's default)."""
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def interviews(territory, commune, day, number, *, unmet=("sante",), needs=None):
    themes = list(Theme.objects.filter(slug__in=unmet))
    ticked = list(Theme.objects.filter(slug__in=needs)) if needs else themes
    for _index in range(number):
        count = OrientationCount.objects.create(territory=territory, commune=commune, date=day)
        count.needs.set(ticked)
        count.unmet_needs.set(themes)


# --- Orientation needs with no partner serving the commune -------------------------------------


def test_three_interviews_with_an_unmet_need_raise_a_signal(territory, communes, month):
    soyaux = communes[1]
    interviews(territory, soyaux, month + datetime.timedelta(days=3), 3)
    interviews(
        territory, soyaux, month + datetime.timedelta(days=4), 1, unmet=(), needs=["mobilite"]
    )

    [finding] = unmet_orientation_needs(territory, month)

    assert finding.rule_key == "16374:sante"
    assert finding.text.startswith("Soyaux, ")
    assert "moins de 5 entretiens d'orientation ont relevé le besoin « Santé »" in finding.text
    assert finding.evidence["rows"] == [
        ["Soyaux", "Santé", "moins de 5", "moins de 5", "moins de 5"]
    ]
    assert finding.communes == [soyaux.pk]
    assert finding.themes == [Theme.objects.get(slug="sante").pk]


def test_counts_of_five_or_more_are_written_as_numbers(territory, communes, month):
    interviews(territory, communes[0], month, 6, unmet=("sante", "mobilite"))
    interviews(territory, communes[0], month, 2, unmet=(), needs=["sante"])

    findings = unmet_orientation_needs(territory, month)

    assert [finding.rule_key for finding in findings] == ["16015:mobilite", "16015:sante"]
    assert "6 entretiens d'orientation ont relevé le besoin « Santé »" in findings[1].text
    assert findings[1].evidence["rows"] == [["Angoulême", "Santé", 8, 8, 6]]


def test_fewer_than_three_interviews_raise_nothing(territory, communes, month):
    interviews(territory, communes[1], month, 2)
    interviews(territory, communes[2], month, 2)  # 4 in the territory, never 3 in one commune
    interviews(territory, communes[1], month - datetime.timedelta(days=1), 3)  # month before

    assert unmet_orientation_needs(territory, month) == []


def test_other_territory_interviews_are_not_counted(territory, other_territory, month):
    bergerac = other_territory.communes.get()
    interviews(other_territory, bergerac, month, 4)

    assert unmet_orientation_needs(territory, month) == []
    assert raise_signals(territory=territory, month=month).created == 0
    assert raise_signals(territory=other_territory, month=month).created == 1
    assert Signal.objects.get().territory == other_territory


def test_unmet_needs_signal_is_raised_once(territory, communes, month):
    interviews(territory, communes[1], month, 3)

    first = raise_signals(territory=territory, month=month)
    second = raise_signals(territory=territory, month=month)

    assert (first.created, second.created, second.updated, second.unchanged) == (1, 0, 0, 1)
    signal = Signal.objects.get()
    assert (signal.rule, signal.period, signal.source) == (
        "besoin-sans-partenaire",
        month,
        "portail",
    )
    assert list(signal.communes.all()) == [communes[1]]
    assert [theme.slug for theme in signal.themes.all()] == ["sante"]


# --- A commune that lost its référents ----------------------------------------------------------


def test_a_commune_whose_last_referent_left_raises_a_signal(territory, communes, month):
    ReferentFactory(commune=communes[1], mandate_end=month + datetime.timedelta(days=9))
    ReferentFactory(commune=communes[1], mandate_end=month + datetime.timedelta(days=20))

    [finding] = communes_without_referent(territory, month)

    assert finding.rule_key == "16374"
    assert "Soyaux n'a plus de référent en activité : 2 mandats ont pris fin en" in finding.text
    assert finding.evidence["columns"] == ["Qualité", "Fin du mandat"]
    assert [row[0] for row in finding.evidence["rows"]] == ["élu·e", "élu·e"]
    assert finding.communes == [communes[1].pk]
    # no name: a signal states facts, never a person's identity
    assert "Prénom" not in str(finding.evidence) and "Nom" not in str(finding.evidence)


def test_a_commune_that_keeps_a_referent_raises_nothing(territory, communes, month):
    ReferentFactory(commune=communes[1], mandate_end=month + datetime.timedelta(days=9))
    ReferentFactory(commune=communes[1])  # still in office
    ReferentFactory(commune=communes[2], mandate_end=month - datetime.timedelta(days=1))  # before

    assert communes_without_referent(territory, month) == []


def test_a_commune_that_never_had_a_referent_raises_nothing(territory, communes, month):
    assert communes_without_referent(territory, month) == []


def test_commune_without_referent_is_raised_once_per_territory(
    territory, other_territory, communes, month
):
    ReferentFactory(commune=communes[1], mandate_end=month + datetime.timedelta(days=9))
    ReferentFactory(
        commune=other_territory.communes.get(), mandate_end=month + datetime.timedelta(days=2)
    )

    assert raise_signals(territory=territory, month=month).created == 1
    assert raise_signals(territory=territory, month=month).unchanged == 1
    signal = Signal.objects.get()
    assert (signal.territory, signal.rule_key) == (territory, "16374")
    assert [finding.rule_key for finding in communes_without_referent(other_territory, month)] == [
        "24037"
    ]
