"""Core models: the database enforces the invariants; territory figures are derived."""

import pytest
from django.db import DataError, IntegrityError, transaction

from portal.models import EPCI, Commune, Membership, Territory
from tests.factories import (
    CommuneFactory,
    DepartmentFactory,
    EPCIFactory,
    MembershipFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(create):
    # A value too long for its column is a DataError on PostgreSQL, a check failure on SQLite.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        create()


@pytest.mark.parametrize("code", ["1601", "160155", "2C004", "2a004", "A6015", "16 15"])
def test_insee_code_format_is_enforced_by_the_database(code):
    refused(lambda: CommuneFactory(insee_code=code))


@pytest.mark.parametrize("code", ["16015", "2A004", "2B033", "97411"])
def test_valid_insee_codes(code):
    assert CommuneFactory(insee_code=code).insee_code == code


def test_insee_code_is_unique():
    CommuneFactory(insee_code="16015")
    refused(
        lambda: Commune.objects.create(
            insee_code="16015", name="Doublon", department=DepartmentFactory()
        )
    )


@pytest.mark.parametrize("siren", ["20007182", "2000718270", "20007182A"])
def test_epci_siren_has_nine_digits(siren):
    refused(lambda: EPCI.objects.create(siren=siren, name="X", kind=EPCI.Kind.CC))


def test_membership_is_unique_per_user_and_territory(territory):
    user = UserFactory()
    MembershipFactory(user=user, territory=territory)
    refused(
        lambda: Membership.objects.create(
            user=user, territory=territory, role=Membership.Role.COORDINATOR
        )
    )


def test_territory_slug_and_name_are_unique(territory):
    refused(lambda: Territory.objects.create(name="Autre nom", slug="grand-angouleme"))
    refused(lambda: Territory.objects.create(name="Grand Angoulême", slug="autre"))


def test_territory_figures_are_derived_from_the_communes_of_its_epcis(territory, other_epci):
    assert territory.figures() == {"commune_count": 3, "population": 56100}
    # A project territory of two EPCIs sums both.
    CommuneFactory(insee_code="24037", population=26000, epci=other_epci)
    territory.epcis.add(other_epci)
    assert territory.figures() == {"commune_count": 4, "population": 82100}
    # A commune's new population shows at once: nothing is typed in twice.
    Commune.objects.filter(insee_code="16015").update(population=42000)
    assert territory.figures()["population"] == 83100


def test_with_figures_annotates_each_territory(territory, other_territory):
    figures = {
        t.slug: (t.commune_count, t.population_total) for t in Territory.objects.with_figures()
    }
    assert figures == {"grand-angouleme": (3, 56100), "grand-bergeracois": (1, 26000)}


def test_territory_without_epci_has_no_commune():
    territory = TerritoryFactory()
    assert territory.figures() == {"commune_count": 0, "population": None}
    assert list(territory.communes) == []


def test_commune_search_ignores_accents_and_case(communes):
    assert [c.name for c in Commune.objects.search("ANGOULEME")] == ["Angoulême"]
    assert [c.name for c in Commune.objects.search("16800")] == ["Soyaux"]
    assert [c.name for c in Commune.objects.search("16015")] == ["Angoulême"]
    assert Commune.objects.search("").count() == 3


def test_commune_search_finds_corsican_codes():
    ajaccio = CommuneFactory(insee_code="2A004", name="Ajaccio", postal_codes="20000 20090")
    assert list(Commune.objects.search("2a0")) == [ajaccio]
    assert ajaccio.postal_code_list == ["20000", "20090"]
    assert ajaccio.main_postal_code == "20000"


def test_search_name_is_kept_in_step_with_the_name():
    commune = CommuneFactory(name="Saint-Étienne")
    assert commune.search_name == "saint-etienne"
    commune.name = "Île-d'Aix"
    commune.save()
    assert Commune.objects.get(pk=commune.pk).search_name == "ile-d'aix"


def test_role_and_strings(territory):
    membership = MembershipFactory(
        user=UserFactory(first_name="Nadia", last_name="Fontaine"),
        territory=territory,
        role=Membership.Role.COORDINATOR,
    )
    assert Membership.Role.COORDINATOR.can_edit
    assert not Membership.Role.REFERENT.can_edit
    assert str(membership) == "Nadia Fontaine — coordinateur (Grand Angoulême)"
    assert str(UserFactory(username="sans.nom", first_name="", last_name="")) == "sans.nom"
    assert str(territory) == "Grand Angoulême"
    assert str(DepartmentFactory()) == "Charente (16)"
    assert territory.sector_list == ["mécatronique", "filière de l'image"]
    assert territory.get_absolute_url() == "/territoires/grand-angouleme/"
    assert str(EPCIFactory(name="CC Lavalette Tude Dronne")) == "CC Lavalette Tude Dronne"


def _first_fixed_segments(prefix):
    """The fixed words that follow `prefix` in the URL conf where a territory slug also may."""
    from django.urls import get_resolver

    words = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != prefix:
            continue
        for sub in pattern.url_patterns:
            first = str(sub.pattern).split("/")[0]
            if first and "<" not in first and not first.endswith((".ics", ".csv", ".xlsx")):
                words.add(first)
    return words


@pytest.mark.parametrize("prefix", ["referents/", "feuilles-de-route/", "entreprises/"])
def test_reserved_slugs_cover_the_fixed_words_of_the_url_conf(prefix):
    from portal.models import RESERVED_TERRITORY_SLUGS

    assert _first_fixed_segments(prefix) <= RESERVED_TERRITORY_SLUGS
    assert {"guide", "rendez-vous"} <= _first_fixed_segments("referents/")


@pytest.mark.parametrize("slug", ["guide", "rendez-vous", "ajouter", "trame", "123"])
def test_a_territory_cannot_take_a_reserved_slug(slug):
    from django.core.exceptions import ValidationError

    territory = TerritoryFactory.build(slug=slug)
    with pytest.raises(ValidationError) as error:
        territory.full_clean(exclude=["epcis"])
    assert "est réservé par une page du portail" in str(error.value.message_dict["slug"])
