"""data·inclusion schema v1: vocabularies from the official package, every exported structure and
service validated by the package's own pydantic models, `check_data_inclusion`."""

import csv
import io
import json

import pytest
from data_inclusion.schema import v1
from django.core.management import CommandError, call_command
from django.urls import reverse

from partners.models import (
    Category,
    Fee,
    MobilisationMode,
    Public,
    ReceptionMode,
    ServiceType,
    Theme,
)
from tests.factories import PartnerFactory, ServiceFactory, reference

pytestmark = pytest.mark.django_db


# --- Vocabularies -------------------------------------------------------------------------------


def test_every_v1_value_is_a_reference_item_and_local_ones_are_marked():
    standard = set(Category.objects.filter(is_standard=True).values_list("slug", flat=True))
    assert standard == {item.value for item in v1.ReseauPorteur}
    assert set(Public.objects.filter(is_standard=True).values_list("slug", flat=True)) == {
        item.value for item in v1.Public
    }
    categories = Theme.objects.filter(is_standard=True, parent__isnull=True)
    assert set(categories.values_list("slug", flat=True)) == {item.value for item in v1.Categorie}
    subthemes = Theme.objects.filter(parent__isnull=False)
    assert set(subthemes.values_list("slug", flat=True)) == {item.value for item in v1.Thematique}
    assert len(v1.Thematique) == 69
    for theme in subthemes.select_related("parent"):
        assert theme.slug.startswith(theme.parent.slug + "--")
    assert not Public.objects.get(slug="employeurs").is_standard
    assert not Theme.objects.get(slug="recruter").is_standard
    assert not Category.objects.get(slug="club-entreprises").is_standard


def test_choices_come_from_the_package():
    assert set(ReceptionMode.values) == {item.value for item in v1.ModeAccueil}
    assert set(MobilisationMode.values) == {item.value for item in v1.ModeMobilisation}
    assert set(ServiceType.values) == {item.value for item in v1.TypeService}
    assert set(Fee.values) == {item.value for item in v1.Frais}
    assert ReceptionMode("a-distance").field_name == "reception_remote"


# --- Exports ------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(france_travail, bergerac_partner):
    """Partners and services of every kind: local category, public and theme included."""
    PartnerFactory(
        territory=france_travail.territory,
        name="CCAS sans commune",
        category=reference(Category, "ccas-cias"),
        description="",
        phone="",
        publics=["tous-publics"],
    )
    ServiceFactory(
        partner=france_travail,
        name="Atelier CV",
        themes=["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"],
        publics=["demandeurs-emploi", "jeunes"],
    )
    full = ServiceFactory(
        partner=france_travail,
        name="Aide au permis",
        themes=["mobilite--preparer-un-permis", "mobilite", "recruter"],
        publics=["jeunes", "employeurs"],
    )
    full.eligibility_zone = "16015 16 200071827 france"
    full.opening_hours_osm = "Mo-Fr 09:00-12:00; PH off"
    full.mobilise_link = True
    full.mobilisation_link = "https://example.org/permis"
    full.save()
    ServiceFactory(
        partner=bergerac_partner, name="Recrutement", themes=["recruter"], publics=["employeurs"]
    )
    return full


def test_every_exported_structure_and_service_validates(client, catalogue):
    structures = json.loads(client.get(reverse("partners:export_json")).content)
    services = json.loads(client.get(reverse("partners:export_services_json")).content)
    assert len(structures) == 3 and len(services) == 3
    for record in structures:
        v1.Structure.model_validate(record, context={"ignore_warnings": False})
    for record in services:
        v1.Service.model_validate(record, context={"ignore_warnings": False})
    ids = {record["id"] for record in structures}
    assert all(record["structure_id"] in ids for record in services)


def test_local_values_are_never_exported_as_data_inclusion_values(client, catalogue):
    services = json.loads(client.get(reverse("partners:export_services_json")).content)
    permis = next(record for record in services if record["nom"] == "Aide au permis")
    # the category `mobilite` and the local `recruter` are not v1 thématiques; `employeurs`
    # is not a v1 public
    assert permis["thematiques"] == ["mobilite--preparer-un-permis"]
    assert permis["publics"] == ["jeunes"]
    assert permis["zone_eligibilite"] == ["16015", "16", "200071827", "france"]
    assert permis["modes_mobilisation"] == ["telephoner", "utiliser-lien-mobilisation"]
    recruitment = next(record for record in services if record["nom"] == "Recrutement")
    assert recruitment["thematiques"] is None and recruitment["publics"] is None
    assert "presentation_detail" not in json.dumps(services)


def _csv_records(response):
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    for row in rows:
        for name, value in list(row.items()):
            if value == "":
                row[name] = None
    return rows


LIST_FIELDS = {
    "reseaux_porteurs",
    "thematiques",
    "publics",
    "modes_accueil",
    "zone_eligibilite",
    "modes_mobilisation",
    "mobilisable_par",
}


def test_csv_exports_validate_too(client, catalogue):
    for name, model in (
        ("partners:export_structures_csv", v1.Structure),
        ("partners:export_services_csv", v1.Service),
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        records = _csv_records(response)
        assert records and list(records[0]) == list(model.model_fields)
        for record in records:
            for field in LIST_FIELDS & set(record):
                if record[field] is not None:
                    record[field] = record[field].split(",")
            model.model_validate(record)
    structures = _csv_records(client.get(reverse("partners:export_structures_csv")))
    assert "+33500000010" in {record["telephone"] for record in structures}  # not neutralised


def test_check_data_inclusion_lists_every_invalid_record(catalogue, capsys):
    call_command("check_data_inclusion")
    assert "Tous les enregistrements sont valides" in capsys.readouterr().out
    PartnerFactory(territory=catalogue.partner.territory, name="AB", slug="ab")
    ServiceFactory(partner=catalogue.partner, name="Xy")
    with pytest.raises(CommandError, match="invalides au format v1 : 2"):
        call_command("check_data_inclusion")
    out = capsys.readouterr().out
    assert "structure ab (AB)" in out and "nom" in out
    assert "service france-travail-angouleme--" in out
