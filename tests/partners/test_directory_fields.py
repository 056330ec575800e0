"""The directory's fields on the partner's row (Partner.directory_ids, Partner.services_text):
right after every kind of write, read by the filters, and filled by the migration."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from partners import services
from partners.di_import import import_data_inclusion
from partners.models import (
    ZONE_DEPARTMENT,
    ZONE_EPCI,
    Partner,
    Public,
    Service,
    Theme,
    refresh_directory_fields,
)
from partners.search import sorted_apart
from tests.factories import PartnerFactory, ServiceFactory, reference
from tests.partners.test_di_import import service as di_service
from tests.partners.test_di_import import structure as di_structure
from tests.partners.test_di_import import write
from tests.partners.test_search import names

pytestmark = pytest.mark.django_db
DIRECTORY = reverse("partners:list")


def expected_zone(partner):
    zone = set(partner.zone_communes.values_list("pk", flat=True))
    for territory in partner.zone_territories.all():
        zone |= {ZONE_EPCI + pk for pk in territory.epcis.values_list("pk", flat=True)}
    zone |= {ZONE_DEPARTMENT + pk for pk in partner.zone_departments.values_list("pk", flat=True)}
    for region in partner.zone_regions.all():
        zone |= {ZONE_DEPARTMENT + pk for pk in region.departments.values_list("pk", flat=True)}
    return sorted(zone)


def expected(partner):
    """What the fields should hold, read the slow way from the link tables."""
    themes = set(partner.themes.values_list("pk", flat=True))
    publics = {-pk for pk in partner.publics.values_list("pk", flat=True)}
    for service in partner.offers.order_by("pk"):
        themes |= set(service.themes.values_list("pk", flat=True))
        publics |= {-pk for pk in service.publics.values_list("pk", flat=True)}
    text = " ".join(partner.offers.order_by("pk").values_list("search_text", flat=True))
    return sorted(themes | publics), text


def stored(partner):
    row = Partner.objects.values_list("directory_ids", "services_text").get(pk=partner.pk)
    return list(row[0]), row[1]


def assert_fresh(*partners):
    for partner in partners:
        assert stored(partner) == expected(partner), partner.name
        assert Partner.objects.get(pk=partner.pk).zone_ids == expected_zone(partner), partner.name


def found(client, **params):
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    return set(names(response))


@pytest.fixture
def partner(territory):
    return PartnerFactory(territory=territory, name="Atelier Demo", themes=["mobilite"])


def test_integer_set_field_round_trip_and_overlaps(partner):
    Partner.objects.filter(pk=partner.pk).update(directory_ids=[5, -3, 5, 12])
    assert stored(partner)[0] == [-3, 5, 12]  # a set, sorted
    matching = Partner.objects.filter(pk=partner.pk)
    assert matching.filter(directory_ids__overlaps=[12, 99]).exists()
    assert matching.filter(directory_ids__overlaps=[-3]).exists()
    assert not matching.filter(directory_ids__overlaps=[3, 99]).exists()
    assert not matching.filter(directory_ids__overlaps=[]).exists()
    Partner.objects.filter(pk=partner.pk).update(directory_ids=[])
    assert not matching.filter(directory_ids__overlaps=[12]).exists()


def test_partner_links_forward_and_reverse(partner):
    assert_fresh(partner)
    jeunes, seniors = reference(Public, "jeunes"), reference(Public, "seniors")
    partner.publics.add(jeunes)
    assert_fresh(partner)
    partner.themes.remove(reference(Theme, "mobilite"))
    assert_fresh(partner)
    seniors.partner_set.add(partner)  # from the public's side: pk_set names partners
    assert_fresh(partner)
    jeunes.partner_set.remove(partner)
    assert_fresh(partner)
    seniors.partner_set.clear()  # a clear from the other side names no pk
    assert stored(partner)[0] == []
    partner.themes.set([reference(Theme, "numerique")])
    partner.themes.clear()
    assert_fresh(partner)


def test_services_text_and_links(partner, territory):
    other = PartnerFactory(territory=territory, name="Autre")
    service = ServiceFactory(
        partner=partner, name="Garage solidaire", themes=["mobilite--preparer-un-permis"]
    )
    assert "garage solidaire" in stored(partner)[1]
    assert_fresh(partner)
    service.publics.add(reference(Public, "jeunes"))
    assert_fresh(partner)
    reference(Theme, "numerique").services.add(service)  # reverse, pk_set names services
    assert_fresh(partner)
    reference(Theme, "numerique").services.clear()
    assert_fresh(partner)
    service.description = "Réparation de vélos à prix réduit."
    service.save()
    assert "reparation de velos" in stored(partner)[1]
    ServiceFactory(partner=other, name="Permis B", publics=["jeunes"])
    assert_fresh(partner, other)
    service.delete()
    assert stored(partner) == (sorted(expected(partner)[0]), "")
    assert_fresh(partner, other)


def test_a_stale_copy_saved_later_does_not_write_back_old_fields(partner):
    stale = Partner.objects.get(pk=partner.pk)  # loaded before the service exists
    ServiceFactory(partner=partner, name="Auto-école sociale", publics=["jeunes"])
    stale.description = "Mise à jour de la présentation."
    stale.save()
    assert "auto-ecole sociale" in stored(partner)[1]
    assert_fresh(partner)


def test_filters_read_the_fields(client, territory):
    own = PartnerFactory(territory=territory, name="Par lui-même", publics=["jeunes"])
    by_service = PartnerFactory(territory=territory, name="Par un service")
    ServiceFactory(
        partner=by_service,
        name="Atelier permis",
        description="Code de la route en groupe.",
        themes=["mobilite--preparer-un-permis"],
        publics=["jeunes"],
    )
    PartnerFactory(territory=territory, name="Sans rapport", themes=["numerique"])
    assert found(client, public="jeunes") == {own.name, by_service.name}
    assert found(client, theme="mobilite") == {by_service.name}  # a category: its sub-themes
    assert found(client, theme="mobilite--preparer-un-permis") == {by_service.name}
    assert found(client, q="code route") == {by_service.name}  # the service's description
    assert found(client, q="permis lui-meme") == set()  # every word, on one partner


def test_file_import_fills_the_fields(staff_client, territory, other_territory):
    text = (
        "nom;categorie;territoire;code_insee;publics;thematiques\n"
        "Mission locale Arc Charente;mission-locale;grand-angouleme;16015;jeunes;mobilite\n"
    )
    result = services.import_partners(data=text.encode(), user=None)
    assert result.is_valid and result.created == 1
    partner = Partner.objects.get(name="Mission locale Arc Charente")
    assert_fresh(partner)
    assert found(staff_client, public="jeunes", theme="mobilite") == {partner.name}


def test_data_inclusion_import_fills_the_fields(client, tmp_path, territory):
    structures = write(tmp_path, "structures.json", [di_structure(1)])
    services_file = write(tmp_path, "services.json", [di_service(1, 1)])
    report = import_data_inclusion(
        structures=structures, services=services_file, territory=territory
    )
    assert report.written
    partner = Partner.objects.get(di_id="dora--s1")
    assert_fresh(partner)
    assert stored(partner)[0]  # the service's themes and public
    assert found(client, theme="mobilite--preparer-un-permis", public="jeunes") == {partner.name}


def test_refresh_is_a_fixed_number_of_queries(territory, django_assert_num_queries):
    partners = [PartnerFactory(territory=territory, themes=["mobilite"]) for _ in range(3)]
    for partner in partners:
        ServiceFactory(partner=partner, publics=["jeunes"])
    with django_assert_num_queries(3):  # links (UNION ALL), services' texts, one UPDATE
        refresh_directory_fields([partner.pk for partner in partners])
    assert_fresh(*partners)


def test_migration_fills_existing_partners(partner):
    ServiceFactory(partner=partner, name="Covoiturage", publics=["jeunes"])
    Partner.objects.update(directory_ids=[], services_text="")
    migration = importlib.import_module("partners.migrations.0012_directory_fields")
    migration.fill(apps, SimpleNamespace(connection=connection))  # fill() runs no DDL
    assert_fresh(partner)
    assert "covoiturage" in stored(partner)[1]


def test_service_rows_keep_their_own_search_text(partner):
    service = ServiceFactory(partner=partner, name="Bilan de compétences")
    assert Service.objects.search("bilan").get() == service


def test_few_matches_sorted_apart_keep_the_name_order(client, territory):
    for name in ["Zénith emploi", "atelier bois", "Bureau emploi", "Accueil emploi"]:
        PartnerFactory(territory=territory, name=name, publics=["jeunes"])
    response = client.get(DIRECTORY, {"public": "jeunes"})
    names = [partner.name for partner in response.context["page"].object_list]
    assert names == list(Partner.objects.order_by("name", "pk").values_list("name", flat=True))
    assert sorted_apart(Partner.objects.order_by("verified_at")).query.order_by == (
        "verified_at",
    )  # only the name sort is sorted apart
    assert "|| ''" in str(sorted_apart(Partner.objects.order_by("name", "pk")).query)


def test_zone_from_every_side(partner, territory, other_territory, soyaux):
    from portal.models import EPCI, Department, Region

    partner.zone_communes.add(soyaux)
    partner.zone_territories.add(other_territory)
    assert_fresh(partner)
    charente = Department.objects.get(code="16")
    partner.zone_departments.add(charente)
    charente.region.served_by.add(partner)  # from the région's side
    assert_fresh(partner)
    assert ZONE_DEPARTMENT + charente.pk in stored_zone(partner)
    # A chosen territory's EPCIs decide the communes reached, from either side of the link.
    extra = EPCI.objects.create(siren="200000172", name="CC de Démo")
    other_territory.epcis.add(extra)
    assert ZONE_EPCI + extra.pk in stored_zone(partner)
    extra.territories.clear()
    assert ZONE_EPCI + extra.pk not in stored_zone(partner)
    assert_fresh(partner)
    Region.objects.get(pk=charente.region_id).served_by.clear()
    partner.zone_territories.clear()
    assert_fresh(partner)


def stored_zone(partner):
    return Partner.objects.values_list("zone_ids", flat=True).get(pk=partner.pk)


def test_commune_filter_reads_the_zone(client, territory, other_territory, soyaux, angouleme):
    chosen = PartnerFactory(territory=other_territory, name="Commune choisie")
    chosen.zone_communes.add(soyaux)
    by_territory = PartnerFactory(territory=other_territory, name="Par le territoire")
    by_territory.zone_territories.add(territory)
    PartnerFactory(territory=other_territory, name="Ailleurs")
    assert found(client, commune=soyaux.insee_code) == {chosen.name, by_territory.name}
    assert found(client, commune=angouleme.insee_code) == {by_territory.name}
