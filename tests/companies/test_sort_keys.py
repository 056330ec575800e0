"""The register's sort keys, copies on the establishment (`commune_search_name`, the commune's
search name; `workforce_rank`, the band's position + 1, 0 when unknown): the orders they give,
and every write keeping them current (by hand, import, administration, demo, commune renamed)."""

import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from bench import _sirene as sirene_files
from companies import demo
from companies.models import Establishment, WorkforceBand, band_ranks
from portal import demo as portal_demo
from portal.models import Commune
from tests.companies.test_import_sirene import SIREN_A, SIREN_D, default_rows, run, stock
from tests.companies.test_register_pages import CREATE, valid_data
from tests.factories import CommuneFactory, EstablishmentFactory, LegalUnitFactory, luhn_number
from tests.portal.official_files import official_files

pytestmark = pytest.mark.django_db

LIST = reverse("companies:list", args=["grand-angouleme"])


def names(response):
    return [item.display_name for item in response.context["page"].object_list]


def keys(establishment):
    establishment.refresh_from_db()
    return establishment.commune_search_name, establishment.workforce_rank


def band(code):
    return WorkforceBand.objects.get(code=code)


def assert_keys_current():
    """Every establishment's keys are its commune's search name and its band's rank."""
    for item in Establishment.objects.select_related("commune", "workforce_band"):
        rank = item.workforce_band.position + 1 if item.workforce_band else 0
        assert (item.commune_search_name, item.workforce_rank) == (item.commune.search_name, rank)


def test_sort_by_band_largest_first_non_employer_then_unknown_last(coordinator_client, angouleme):
    for name, code in [
        ("Aa Sans Tranche", None),
        ("Bb Non Employeuse", "NN"),
        ("Cc Petite", "01"),
        ("Dd Grande", "22"),
        ("Ee Grande", "22"),
        ("Ff Zéro Salarié", "00"),
    ]:
        EstablishmentFactory(
            commune=angouleme,
            name=name,
            workforce_band=band(code) if code else None,
            legal_unit=LegalUnitFactory(name="Même Entreprise " + name[:2]),
        )
    assert names(coordinator_client.get(LIST, {"tri": "effectif"})) == [
        "Dd Grande",  # ties in the name order
        "Ee Grande",
        "Cc Petite",
        "Ff Zéro Salarié",
        "Bb Non Employeuse",
        "Aa Sans Tranche",
    ]


def test_sort_by_commune_ignores_accents_then_names_then_siret(coordinator_client, angouleme):
    soyaux = Commune.objects.get(insee_code="16374")
    champniers = Commune.objects.get(insee_code="16102")
    ecuras = CommuneFactory(insee_code="16124", name="Écuras", epci=angouleme.epci)
    unit = LegalUnitFactory(name="Forges Réunies")
    first = EstablishmentFactory(commune=soyaux, legal_unit=unit, name="Forge")
    second = EstablishmentFactory(
        commune=soyaux, legal_unit=unit, name="Forge", siret=luhn_number(f"{unit.siren}0002")
    )
    others = [(ecuras, "Zinguerie"), (champniers, "Boulangerie"), (angouleme, "Studio")]
    for commune, name in others:
        EstablishmentFactory(commune=commune, name=name)
    response = coordinator_client.get(LIST, {"tri": "commune"})
    assert names(response) == ["Studio", "Boulangerie", "Zinguerie", "Forge", "Forge"]
    forges = [item.pk for item in response.context["page"].object_list][-2:]
    assert forges == [first.pk, second.pk]  # same name, same legal unit: by SIRET
    assert first.siret < second.siret


def test_band_filter_reads_the_band(coordinator_client, angouleme):
    EstablishmentFactory(commune=angouleme, name="Grande", workforce_band=band("22"))
    EstablishmentFactory(commune=angouleme, name="Petite", workforce_band=band("01"))
    EstablishmentFactory(commune=angouleme, name="Inconnue", workforce_band=None)
    assert names(coordinator_client.get(LIST, {"effectif": "22"})) == ["Grande"]
    assert names(coordinator_client.get(LIST, {"effectif": "01", "tri": "effectif"})) == ["Petite"]


def test_keys_of_an_establishment_added_by_hand(coordinator_client, angouleme):
    response = coordinator_client.post(CREATE, valid_data(angouleme, workforce_band="12"))
    assert response.status_code == 302
    item = Establishment.objects.get()
    assert keys(item) == ("angouleme", band("12").position + 1)
    assert band_ranks()["NN"] == 1  # below every employing band, above an unknown one (0)


def test_keys_follow_a_save_and_an_administration_change(staff_client, angouleme):
    item = EstablishmentFactory(commune=angouleme, workforce_band=band("01"))
    assert keys(item) == ("angouleme", band("01").position + 1)
    soyaux = Commune.objects.get(insee_code="16374")
    url = reverse("admin:companies_establishment_change", args=[item.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(commune=soyaux.pk, workforce_band="", naf="62.01Z", legal_unit=item.legal_unit_id)
    data.pop("created_by", None)
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert keys(item) == ("soyaux", 0)
    # update_fields (update_or_create's save) writes the keys too.
    item.workforce_band = band("22")
    item.save(update_fields=["workforce_band"])
    assert keys(item) == ("soyaux", band("22").position + 1)


def test_keys_written_and_updated_by_the_sirene_import(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    run(stock(tmp_path, establishments, units))
    head = Establishment.objects.get(siret=sirene_files.siret_of(SIREN_A, 1))
    sole = Establishment.objects.get(siret=sirene_files.siret_of(SIREN_D))
    assert keys(head) == ("angouleme", band("11").position + 1)
    assert keys(sole) == ("soyaux", 1)  # NN, the non-employer band
    establishments[0].update(trancheEffectifsEtablissement="", codeCommuneEtablissement="16374")
    report = run(stock(tmp_path, establishments, units))
    assert report.updated == 1
    assert keys(head) == ("soyaux", 0)
    assert_keys_current()


def test_keys_follow_a_commune_renamed_one_by_one(angouleme):
    soyaux = Commune.objects.get(insee_code="16374")
    here, there = EstablishmentFactory(commune=angouleme), EstablishmentFactory(commune=soyaux)
    angouleme.name = "Angoulême-sur-Charente"
    angouleme.save()
    assert keys(here)[0] == "angouleme-sur-charente"
    assert keys(there)[0] == "soyaux"


def test_keys_follow_communes_renamed_by_the_communes_import(tmp_path, angouleme):
    soyaux = Commune.objects.get(insee_code="16374")
    here, there = EstablishmentFactory(commune=soyaux), EstablishmentFactory(commune=angouleme)
    communes, epcis = official_files()
    for item in communes:
        if item["code"] == "16374":
            item["nom"] = "Soyaux-sur-Charente"
    for name, data in {"communes.json": communes, "epci.json": epcis}.items():
        (tmp_path / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("import_communes", str(tmp_path), stdout=None)
    assert keys(here)[0] == "soyaux-sur-charente"
    assert keys(there)[0] == "angouleme"
    assert_keys_current()


def test_keys_of_the_demo_establishments():
    portal_demo.load()
    demo.load()
    assert Establishment.objects.exclude(workforce_rank=0).exists()
    assert_keys_current()


def test_the_migration_fills_the_keys_of_existing_rows(angouleme):
    EstablishmentFactory(commune=angouleme, workforce_band=band("22"))
    EstablishmentFactory(commune=angouleme, workforce_band=None)
    Establishment.objects.update(commune_search_name="", workforce_rank=7)
    migration = importlib.import_module("companies.migrations.0004_establishment_sort_keys")
    migration.fill_sort_keys(apps, None)
    assert_keys_current()
