"""CSV and XLSX of the current search (members), data·inclusion JSON (public)."""

import csv
import io
import json

import pytest
from data_inclusion.schema import v1
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_csv_export_of_the_current_search(referent_client, france_travail, bergerac_partner):
    response = referent_client.get(reverse("partners:export_csv"), {"q": "pole emploi"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="partenaires-')
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Nom", "Autres noms", "Catégorie", "Échelle"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Nom"] == "France Travail Angoulême"
    assert row["Code INSEE"] == "16015"
    assert row["Publics"] == "Demandeurs d'emploi, Jeunes"
    assert row["Adresse de la fiche"] == "http://testserver/partenaires/france-travail-angouleme/"
    assert "Démo-Rivière" not in content  # contact persons are never exported


def test_csv_neutralises_formulas(referent_client, territory):
    PartnerFactory(territory=territory, name='=HYPERLINK("http://x")', phone="+33 5 00")
    content = referent_client.get(reverse("partners:export_csv")).content.decode()
    assert ";'=HYPERLINK" in content or "\"'=HYPERLINK" in content
    assert "'+33 5 00" in content


def test_xlsx_export(referent_client, france_travail):
    response = referent_client.get(reverse("partners:export_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Nom"
    assert sheet["A2"].value == "France Travail Angoulême"


def test_json_export_is_data_inclusion_v1_structures(client, france_travail):
    """The structure carries only v1 Structure fields (no `presentation_detail`, no service
    fields: those are the services' export), and validates with the package's model."""
    france_travail.siret = "13000548100010"
    france_travail.opening_hours_osm = "Mo-Fr 08:30-12:30"
    france_travail.save()
    response = client.get(reverse("partners:export_json"), {"commune": "16015"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert len(data) == 1
    structure = data[0]
    assert set(structure) == set(v1.Structure.model_fields)
    v1.Structure.model_validate(structure)
    assert structure["source"] == "maillage"
    assert structure["id"] == "france-travail-angouleme"
    assert structure["nom"] == "France Travail Angoulême"
    assert structure["code_insee"] == "16015"
    assert structure["code_postal"] == "16000"
    assert structure["reseaux_porteurs"] == ["france-travail"]
    assert structure["telephone"] == "+33500000010"
    assert structure["siret"] == "13000548100010"
    assert structure["horaires_accueil"] == "Mo-Fr 08:30-12:30"
    assert len(structure["date_maj"]) == 10
    assert "Démo" not in json.dumps(structure["nom"])


def test_local_categories_have_no_data_inclusion_network(client, bergerac_partner):
    data = json.loads(client.get(reverse("partners:export_json")).content)
    assert data[0]["reseaux_porteurs"] is None
    v1.Structure.model_validate(data[0])


def test_export_with_bad_input_is_empty_not_an_error(referent_client, france_travail):
    response = referent_client.get(reverse("partners:export_csv"), {"public": "inconnu"})
    assert response.status_code == 200
    assert len(response.content.decode().strip().splitlines()) == 1
