"""`manage.py import_communes`: the official files in, a summary out, all or nothing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal import imports
from portal.models import EPCI, Commune, Department, Region
from tests.portal.official_files import (
    AJACCIO,
    ANGOULEME,
    BASTIA,
    COGNAC,
    commune,
    epci,
    official_files,
)

pytestmark = pytest.mark.django_db


def write(directory, communes=None, epcis=None, **others):
    default_communes, default_epcis = official_files()
    files = {
        "communes.json": default_communes if communes is None else communes,
        "epci.json": default_epcis if epcis is None else epcis,
        **others,
    }
    for name, data in files.items():
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def run(directory, *args):
    out = StringIO()
    call_command("import_communes", str(directory), *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Everything the import may write, to compare before and after a failed import."""
    return (
        list(Region.objects.values_list("code", "name")),
        list(Department.objects.values_list("code", "name", "region__code")),
        list(EPCI.objects.values_list("siren", "name", "kind")),
        list(
            Commune.objects.values_list(
                "insee_code",
                "name",
                "postal_codes",
                "population",
                "department__code",
                "epci__siren",
            )
        ),
    )


def test_import_creates_current_communes_and_their_epcis(tmp_path):
    output = run(write(tmp_path))

    assert "Communes : 6 ajouts, 0 mise à jour, 0 sans changement" in output
    assert "EPCI : 4 ajouts" in output
    assert "Import terminé." in output
    angouleme = Commune.objects.select_related("epci", "department").get(insee_code="16015")
    assert angouleme.name == "Angoulême"
    assert angouleme.search_name == "angouleme"
    assert angouleme.population == 41000
    assert angouleme.epci.siren == ANGOULEME
    assert angouleme.epci.kind == EPCI.Kind.CA
    assert angouleme.department.code == "16"
    assert set(EPCI.objects.get(siren=ANGOULEME).communes.values_list("insee_code", flat=True)) == {
        "16015",
        "16374",
        "16102",
    }


def test_non_current_communes_are_skipped(tmp_path):
    run(write(tmp_path))
    assert not Commune.objects.filter(insee_code__in=["16233", "13201"]).exists()
    assert not Department.objects.filter(code="13").exists()


def test_corsican_codes_2a_and_2b_are_imported(tmp_path):
    run(write(tmp_path))
    ajaccio = Commune.objects.get(insee_code="2A004")
    bastia = Commune.objects.get(insee_code="2B033")
    assert ajaccio.department.code == "2A"
    assert bastia.department.code == "2B"
    assert ajaccio.postal_code_list == ["20000", "20090"]
    assert bastia.epci.siren == BASTIA
    assert list(Commune.objects.search("2A")) == [ajaccio]


def test_department_and_region_names_come_from_their_files_when_present(tmp_path):
    write(
        tmp_path,
        **{
            "departements.json": [
                {"code": "16", "nom": "Charente", "region": "75"},
                {"code": "2A", "nom": "Corse-du-Sud", "region": "94"},
                {"code": "2B", "nom": "Haute-Corse", "region": "94"},
            ],
            "regions.json": [
                {"code": "75", "nom": "Nouvelle-Aquitaine"},
                {"code": "94", "nom": "Corse"},
            ],
        },
    )
    run(tmp_path)
    charente = Department.objects.select_related("region").get(code="16")
    assert charente.name == "Charente"
    assert charente.region.name == "Nouvelle-Aquitaine"
    assert Department.objects.get(code="2B").region.name == "Corse"


def test_second_import_changes_nothing_and_says_so(tmp_path):
    write(tmp_path)
    run(tmp_path)
    before = snapshot()

    output = run(tmp_path)

    assert "Communes : 0 ajout, 0 mise à jour, 6 sans changement" in output
    assert "EPCI : 0 ajout, 0 mise à jour, 4 sans changement" in output
    assert "Rien à changer" in output
    assert snapshot() == before


def test_renamed_and_reattached_communes_are_updated(tmp_path):
    run(write(tmp_path))
    communes, epcis = official_files()
    communes[1]["nom"] = "Soyaux-sur-Charente"  # renamed
    communes[1]["population"] = 9700
    # Champniers leaves Grand Angoulême for Grand Cognac.
    epcis[0]["membres"] = [{"code": "16015"}, {"code": "16374"}]
    epcis[1]["membres"] = [{"code": "16089"}, {"code": "16102"}]
    epcis[1]["nom"] = "CA Grand Cognac"

    output = run(write(tmp_path, communes, epcis))

    assert "Communes : 0 ajout, 2 mises à jour, 4 sans changement" in output
    assert "EPCI : 0 ajout, 1 mise à jour, 3 sans changement" in output
    soyaux = Commune.objects.get(insee_code="16374")
    assert (soyaux.name, soyaux.search_name, soyaux.population) == (
        "Soyaux-sur-Charente",
        "soyaux-sur-charente",
        9700,
    )
    assert Commune.objects.get(insee_code="16102").epci.siren == COGNAC
    assert EPCI.objects.get(siren=COGNAC).name == "CA Grand Cognac"


def test_a_commune_that_leaves_every_epci_is_detached(tmp_path):
    run(write(tmp_path))
    communes, epcis = official_files()
    epcis[3]["membres"] = []
    run(write(tmp_path, communes, epcis))
    assert Commune.objects.get(insee_code="2B033").epci is None


def test_epci_filter_imports_only_that_epci_and_its_communes(tmp_path):
    output = run(write(tmp_path), "--epci", ANGOULEME)

    assert "Communes : 3 ajouts" in output
    assert list(EPCI.objects.values_list("siren", flat=True)) == [ANGOULEME]
    assert set(Commune.objects.values_list("insee_code", flat=True)) == {"16015", "16374", "16102"}


def test_epci_filter_is_repeatable(tmp_path):
    run(write(tmp_path), "--epci", ANGOULEME, "--epci", BASTIA)
    assert set(EPCI.objects.values_list("siren", flat=True)) == {ANGOULEME, BASTIA}
    assert Commune.objects.count() == 4


def test_unknown_epci_in_filter_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="EPCI inconnu.*123456789"):
        run(write(tmp_path), "--epci", "123456789")
    assert Commune.objects.count() == 0


def test_departement_filter_imports_only_its_communes_and_their_epcis(tmp_path):
    run(write(tmp_path), "--departement", "2A", "--departement", "2B")

    assert set(Commune.objects.values_list("insee_code", flat=True)) == {"2A004", "2B033"}
    assert set(EPCI.objects.values_list("siren", flat=True)) == {AJACCIO, BASTIA}
    assert set(Department.objects.values_list("code", flat=True)) == {"2A", "2B"}


def test_filters_combined(tmp_path):
    run(write(tmp_path), "--epci", ANGOULEME, "--departement", "2A")
    assert Commune.objects.count() == 0


@pytest.mark.parametrize(
    ("communes", "epcis", "expected"),
    [
        pytest.param(
            "[{not json", None, r"communes\.json : ce n'est pas un fichier JSON valide", id="json"
        ),
        pytest.param(
            None, "{}", r"epci\.json : une liste d'enregistrements est attendue", id="not-a-list"
        ),
        pytest.param(
            [commune("16015", "Angoulême"), commune("1601", "Code trop court")],
            None,
            r"communes\.json, enregistrement n° 2 \(1601 Code trop court\) : champ « code »",
            id="short-insee",
        ),
        pytest.param(
            [commune("2C004", "Corse imaginaire", departement="2A")],
            None,
            r"communes\.json, enregistrement n° 1 \(2C004 Corse imaginaire\) : champ « code »",
            id="bad-corsica",
        ),
        pytest.param(
            [commune("16015", "Angoulême"), {**commune("16374", "Soyaux"), "nom": ""}],
            None,
            r"communes\.json, enregistrement n° 2 \(16374\) : champ « nom » manquant",
            id="missing-name",
        ),
        pytest.param(
            [commune("16015", "Angoulême", population=-3)],
            None,
            r"enregistrement n° 1 \(16015 Angoulême\) : champ « population »",
            id="negative-population",
        ),
        pytest.param(
            [commune("16015", "Angoulême", postal=("1600",))],
            None,
            r"champ « codesPostaux »",
            id="bad-postal-code",
        ),
        pytest.param(
            [commune("16015", "Angoulême", departement="1")],
            None,
            r"champ « departement »",
            id="bad-department",
        ),
        pytest.param(
            [commune("16015", "Angoulême"), "texte"],
            None,
            r"communes\.json, enregistrement n° 2 : un objet est attendu",
            id="not-an-object",
        ),
        pytest.param(
            None,
            [epci(ANGOULEME, "CA du Grand Angoulême", ["16015"], kind="SIVOM")],
            r"epci\.json, enregistrement n° 1 \(200071827 CA du Grand Angoulême\) : champ « type »",
            id="bad-epci-kind",
        ),
        pytest.param(
            None,
            [epci("2000718", "Siren trop court", [])],
            r"epci\.json, enregistrement n° 1 .* champ « code »",
            id="bad-siren",
        ),
        # Values the database would refuse (DataError on PostgreSQL), checked before writing.
        pytest.param(
            [commune("16015", "Angoulême"), commune("16374", "Soy\x00aux")],
            None,
            r"communes\.json, enregistrement n° 2 \(16374 Soyaux\) : champ « nom » contient un "
            r"caractère nul",
            id="nul-in-name",
        ),
        pytest.param(
            [commune("16015", "A" * 201)],
            None,
            r"communes\.json, enregistrement n° 1 .* champ « nom » trop long \(200 caractères",
            id="long-name",
        ),
        pytest.param(
            [commune("16015", "Angoulême", population=10**20)],
            None,
            r"enregistrement n° 1 \(16015 Angoulême\) : champ « population » trop grand",
            id="huge-population",
        ),
        pytest.param(
            [commune("16015\n", "Angoulême")],
            None,
            r"communes\.json, enregistrement n° 1 .* champ « code »",
            id="code-with-line-break",
        ),
        pytest.param(
            None,
            [epci(ANGOULEME, "CA", ["16015"], kind=["CA"])],
            r"epci\.json, enregistrement n° 1 .* champ « type »",
            id="kind-not-a-string",
        ),
        pytest.param(
            "[" * 100_000 + "]" * 100_000,
            None,
            r"communes\.json : ce n'est pas un fichier JSON valide \(imbrication trop profonde\)",
            id="nested-100000-deep",
        ),
    ],
)
def test_malformed_file_is_refused_and_changes_nothing(tmp_path, communes, epcis, expected):
    run(write(tmp_path))
    before = snapshot()
    good_communes, good_epcis = official_files()
    if communes is not None:
        # Records after the bad one would otherwise have been written: a rename among them.
        good_communes[0]["nom"] = "Angoulême renommée"
    write(
        tmp_path,
        communes if communes is not None else good_communes,
        epcis if epcis is not None else good_epcis,
    )

    with pytest.raises(CommandError, match=expected) as error:
        run(tmp_path)

    assert "la base n'a pas été modifiée" in str(error.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "records", "expected"),
    [
        pytest.param(
            "departements.json",
            [{"code": "16", "nom": "Charente", "region": ["x"]}],
            r"departements\.json, enregistrement n° 1 \(16 Charente\) : champ « region »",
            id="region-a-list",
        ),
        pytest.param(
            "departements.json",
            [{"code": "16", "nom": "C" * 101, "region": "75"}],
            r"departements\.json, enregistrement n° 1 .* champ « nom » trop long \(100 caractères",
            id="department-name-over-100",
        ),
        pytest.param(
            "regions.json",
            [{"code": "75", "nom": "Nouvelle\x00Aquitaine"}],
            r"regions\.json, enregistrement n° 1 .* champ « nom » contient un caractère nul",
            id="nul-in-region-name",
        ),
        pytest.param(
            "regions.json",
            [{"code": "1" * 40, "nom": "Région"}],
            r"regions\.json, enregistrement n° 1 .* champ « code »",
            id="region-code-too-long",
        ),
    ],
)
def test_malformed_department_or_region_is_refused_and_changes_nothing(
    tmp_path, name, records, expected
):
    run(write(tmp_path))
    before = snapshot()
    write(tmp_path, **{name: records})
    with pytest.raises(CommandError, match=expected):
        run(tmp_path)
    assert snapshot() == before


def test_control_characters_are_removed_from_imported_names(tmp_path):
    communes, epcis = official_files()
    communes[0]["nom"] = "Angou\x0blême\x08"
    epcis[0]["nom"] = "CA du\x0cGrand Angoulême"
    run(write(tmp_path, communes, epcis))
    assert Commune.objects.get(insee_code="16015").name == "Angou lême"
    assert EPCI.objects.get(siren=ANGOULEME).name == "CA du Grand Angoulême"


def test_a_failure_while_writing_rolls_everything_back(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(imports, "_sync_communes", fail)
    with pytest.raises(RuntimeError):
        run(write(tmp_path))
    # Regions, departments and EPCIs were written before the communes: all rolled back.
    assert snapshot() == ([], [], [], [])


def test_missing_directory_or_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="dossier introuvable"):
        run(tmp_path / "absent")
    (tmp_path / "communes.json").write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match=r"epci\.json : fichier introuvable"):
        run(tmp_path)


def test_extract_communes_writes_only_the_chosen_epcis(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    write(
        source,
        **{
            "departements.json": [
                {"code": "16", "nom": "Charente", "region": "75"},
                {"code": "2A", "nom": "Corse-du-Sud", "region": "94"},
            ],
            "regions.json": [
                {"code": "75", "nom": "Nouvelle-Aquitaine"},
                {"code": "94", "nom": "Corse"},
            ],
        },
    )
    out = StringIO()
    call_command(
        "extract_communes", str(source), str(tmp_path / "extrait"), "--epci", ANGOULEME, stdout=out
    )

    assert "3 communes, 1 EPCI" in out.getvalue()
    extract = json.loads((tmp_path / "extrait" / "communes.json").read_text(encoding="utf-8"))
    assert {record["code"] for record in extract} == {"16015", "16374", "16102"}
    regions = json.loads((tmp_path / "extrait" / "regions.json").read_text(encoding="utf-8"))
    assert [record["code"] for record in regions] == ["75"]
    # The extract imports as is.
    run(tmp_path / "extrait")
    assert Commune.objects.count() == 3


def test_official_upper_case_epci_types_are_stored_lower_case(tmp_path):
    """The files say "CA", "METRO"; the database stores "ca", "metro" like every other choice."""
    communes, epcis = official_files()
    epcis[1]["type"] = "METRO"

    run(write(tmp_path, communes, epcis))

    assert EPCI.objects.get(siren=ANGOULEME).kind == "ca"
    assert EPCI.objects.get(siren=epcis[1]["code"]).kind == "metro"
    assert set(EPCI.objects.values_list("kind", flat=True)) <= set(EPCI.Kind.values)
