"""Import of data·inclusion v1 files (made here with the package's own models): filter to the
territory, (source, id) then SIRET, local edits kept and reported, all or nothing, round trip."""

import json
from datetime import date

import pytest
from data_inclusion.schema import v1
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError

from partners import data_inclusion
from partners.di_import import import_data_inclusion
from partners.models import Partner, Service
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

BASE_URL = "https://maillage.example.org"


def structure(number, **fields):
    values = {
        "source": "dora",
        "id": f"dora--s{number}",
        "nom": f"Structure {number}",
        "date_maj": date(2025, 3, number % 28 + 1),
        "description": "Association d'insertion du territoire.",
        "code_insee": "16015",
        "code_postal": "16000",
        "commune": "Angoulême",
        "adresse": f"{number} rue de la Démo",
        "telephone": "05 45 00 00 10",
        "courriel": f"contact{number}@example.org",
        "site_web": "https://example.org/",
        "horaires_accueil": "Mo-Fr 09:00-12:00",
        "reseaux_porteurs": ["mission-locale"],
        "latitude": 45.65,
        "longitude": 0.16,
        "lien_source": f"https://dora.example.org/structures/{number}",
    }
    values.update(fields)
    return v1.Structure(**values).model_dump(mode="json")


def service(number, structure_number, **fields):
    values = {
        "source": "dora",
        "structure_id": f"dora--s{structure_number}",
        "id": f"dora--v{number}",
        "nom": f"Service {number}",
        "description": "Un accompagnement vers l'emploi pour les jeunes du quartier.",
        "date_maj": date(2025, 4, 2),
        "type": "accompagnement",
        "thematiques": ["mobilite--preparer-un-permis", "trouver-un-emploi--maintien-dans-lemploi"],
        "publics": ["jeunes"],
        "frais": "gratuit",
        "modes_accueil": ["en-presentiel"],
        "modes_mobilisation": ["telephoner"],
        "mobilisable_par": ["usagers", "professionnels"],
        "zone_eligibilite": ["16015", "16"],
        "horaires_accueil": "Mo-Fr 09:00-12:00",
        "contact_nom_prenom": "Démo-Martin Léa",
        "lien_source": f"https://dora.example.org/services/{number}",
    }
    values.update(fields)
    return v1.Service(**values).model_dump(mode="json")


def canonical(records):
    """Records with their sets (v1 `set[...]` fields) sorted: the order of a set means nothing."""
    result = []
    for record in records:
        record = dict(record)
        for name, value in record.items():
            if isinstance(value, list) and name != "zone_eligibilite":
                record[name] = sorted(value)
        result.append(record)
    return sorted(result, key=lambda record: record["id"])


def write(tmp_path, name, records):
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path, territory):
    structures = [structure(1), structure(2, siret="13000548100010"), structure(3)]
    structures.append(structure(4, code_insee="24037"))  # Bergerac: outside the territory
    invalid_structure = structure(5)
    invalid_structure["nom"] = "AB"  # too short for v1
    structures.append(invalid_structure)
    services = [service(1, 1), service(2, 1), service(3, 2), service(4, 4)]
    invalid_service = service(5, 3)
    invalid_service["thematiques"] = ["se-former"]  # a category, not a v1 thématique
    services.append(invalid_service)
    return {
        "structures": write(tmp_path, "structures.json", structures),
        "services": write(tmp_path, "services.json", services),
        "structure_records": structures[:3],
        "service_records": services[:3],
    }


def run(files, territory, **options):
    return import_data_inclusion(
        structures=files["structures"], services=files["services"], territory=territory, **options
    )


def test_import_creates_the_territory_records_and_reports_what_it_skipped(files, territory):
    report = run(files, territory)
    assert report.written
    assert report.created == {"structure": 3, "service": 3}
    assert Partner.objects.filter(di_source="dora").count() == 3
    partner = Partner.objects.get(di_id="dora--s1")
    assert partner.territory == territory and partner.commune.insee_code == "16015"
    assert partner.phone == "+33545000010"  # stored in E.164
    assert partner.category.slug == "mission-locale"
    assert partner.opening_hours_osm == "Mo-Fr 09:00-12:00"
    assert Service.objects.get(di_id="dora--v1").partner == partner
    reasons = {(kind, record_id): reason for kind, record_id, reason in report.skipped_examples}
    assert reasons[("structure", "dora--s4")] == "commune hors du territoire"
    assert reasons[("structure", "dora--s5")].startswith("invalide (nom")
    assert reasons[("service", "dora--v4")] == "structure hors du territoire ou absente"
    assert reasons[("service", "dora--v5")].startswith("invalide (thematiques")
    assert any("Ignorés : " in line for line in report.lines())


def test_a_v1_file_round_trips(files, territory):
    run(files, territory)
    partners = Partner.objects.filter(di_source="dora")
    structures = canonical(data_inclusion.structures(BASE_URL, partners))
    services = canonical(data_inclusion.services(BASE_URL, partners))
    assert structures == canonical(files["structure_records"])
    assert services == canonical(files["service_records"])
    for record in structures:
        v1.Structure.model_validate(record)
    for record in services:
        v1.Service.model_validate(record)


def test_importing_the_same_files_again_changes_nothing(files, territory):
    run(files, territory)
    stamps = dict(Service.objects.values_list("pk", "updated_at"))
    report = run(files, territory)
    assert report.created.total() == 0 and report.updated.total() == 0
    assert report.unchanged == {"structure": 3, "service": 3}
    assert dict(Service.objects.values_list("pk", "updated_at")) == stamps


def test_local_edits_are_kept_and_the_report_says_so(files, territory, tmp_path):
    run(files, territory)
    partner = Partner.objects.get(di_id="dora--s1")
    partner.phone = "+33545999999"  # edited by the territory's coordination
    partner.save()
    edited = Service.objects.get(di_id="dora--v1")
    edited.name = "Service renommé ici"
    edited.save()
    structures = [
        structure(1, telephone="05 45 11 11 11", adresse="9 avenue Nouvelle"),
        *files["structure_records"][1:],
    ]
    services = [service(1, 1, nom="Service renommé à la source"), *files["service_records"][1:]]
    files = files | {
        "structures": write(tmp_path, "s2.json", structures),
        "services": write(tmp_path, "v2.json", services),
    }
    preview = run(files, territory, dry_run=True)
    assert not preview.written
    conflicts = {(kind, name) for kind, _id, name, _local, _new in preview.conflicts}
    assert conflicts == {("structure", "telephone"), ("service", "nom")}
    partner.refresh_from_db()
    assert partner.address == "1 rue de la Démo"  # the preview wrote nothing
    report = run(files, territory)
    assert report.conflict_count == 2
    partner.refresh_from_db()
    assert partner.phone == "+33545999999"  # kept
    assert partner.address == "9 avenue Nouvelle"  # not edited here: updated
    assert Service.objects.get(di_id="dora--v1").name == "Service renommé ici"
    # The export says what the portal shows: the local value, and the date of the local change.
    exported = next(data_inclusion.structures(BASE_URL, Partner.objects.filter(pk=partner.pk)))
    assert exported["telephone"] == "+33545999999"
    assert exported["date_maj"] != "2025-03-02"


def test_a_partner_typed_here_is_matched_by_siret_and_keeps_its_values(files, territory):
    local = PartnerFactory(
        territory=territory, name="ML typée ici", siret="13000548100010", website=""
    )
    report = run(files, territory)
    local.refresh_from_db()
    assert local.di_id == "dora--s2"
    assert local.name == "ML typée ici"  # filled here: kept, and reported
    assert local.website == "https://example.org/"  # empty here: filled
    assert ("structure", "dora--s2", "nom") in {c[:3] for c in report.conflicts}
    assert report.created["structure"] == 2 and report.updated["structure"] == 1


def test_import_is_all_or_nothing(files, territory, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disque plein")

    # The services' links are written last, after the partners and the services.
    monkeypatch.setattr("partners.di_import._insert_links", fail)
    with pytest.raises(DatabaseError):
        run(files, territory)
    assert not Partner.objects.filter(di_source="dora").exists()


def test_csv_files_import_too(files, territory, tmp_path, client):
    run(files, territory)
    structures_csv = client.get("/partenaires/export-structures.csv").content
    services_csv = client.get("/partenaires/export-services.csv").content
    Service.objects.all().delete()
    Partner.objects.filter(di_source="dora").delete()
    (tmp_path / "s.csv").write_bytes(structures_csv)
    (tmp_path / "v.csv").write_bytes(services_csv)
    report = import_data_inclusion(
        structures=str(tmp_path / "s.csv"), services=str(tmp_path / "v.csv"), territory=territory
    )
    assert report.created == {"structure": 3, "service": 3}


def test_command(files, territory, capsys):
    call_command(
        "import_data_inclusion",
        structures=files["structures"],
        services=files["services"],
        territory=territory.slug,
        dry_run=True,
    )
    out = capsys.readouterr().out
    assert "Structures — créations : 3" in out and "rien n'a été enregistré" in out
    assert not Partner.objects.filter(di_source="dora").exists()


ADMIN_URL = "/admin/partners/partner/importer-data-inclusion/"


def test_admin_preview_then_confirm(staff_client, files, territory):
    def uploads():
        return {
            "territory": territory.pk,
            "structures": SimpleUploadedFile(
                "structures.json", open(files["structures"], "rb").read()
            ),
            "services": SimpleUploadedFile("services.json", open(files["services"], "rb").read()),
        }

    preview = staff_client.post(ADMIN_URL, uploads())
    assert preview.status_code == 200
    text = preview.text
    assert "Structures — créations : 3" in text and "commune hors du territoire" in text
    assert not Partner.objects.filter(di_source="dora").exists()  # the preview writes nothing
    payload = preview.context["payload"]
    # Someone creates one of the records meanwhile: the confirmation writes nothing.
    other = PartnerFactory(territory=territory, slug="deja-la", di_source="dora", di_id="dora--s3")
    stale = staff_client.post(ADMIN_URL, {"payload": payload})
    assert stale.status_code == 200 and "ont changé depuis l" in stale.text
    assert Partner.objects.filter(di_source="dora").count() == 1
    other.delete()
    confirmed = staff_client.post(ADMIN_URL, {"payload": payload})
    assert confirmed.status_code == 302
    assert Partner.objects.filter(di_source="dora").count() == 3
    assert Service.objects.filter(di_source="dora").count() == 3


def test_admin_import_refuses_other_files(staff_client, territory):
    response = staff_client.post(
        ADMIN_URL,
        {
            "territory": territory.pk,
            "structures": SimpleUploadedFile("structures.xlsx", b"x"),
            "services": SimpleUploadedFile("services.json", b"[]"),
        },
    )
    assert "doit être un JSON ou un CSV" in response.text
    assert not Partner.objects.filter(di_source="dora").exists()


def test_admin_import_is_for_staff(coordinator_client):
    assert coordinator_client.get(ADMIN_URL).status_code == 302  # the admin's sign-in
