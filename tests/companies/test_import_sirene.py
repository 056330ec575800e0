"""import_sirene: small stock files in INSEE's format, generated here (bench/_sirene.py)."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bench import _sirene as sirene_files
from companies.models import Establishment, LegalUnit
from companies.sirene import ImportFailed, import_sirene
from portal.models import ContentVersion

SIREN_A = sirene_files.fictional_siren(1)  # a company of Angoulême with two establishments
SIREN_B = sirene_files.fictional_siren(2)  # a company of Bergerac (the other territory)
SIREN_C = sirene_files.fictional_siren(3)  # a company of Paris: outside every territory
SIREN_D = sirene_files.fictional_siren(4)  # a sole trader of Soyaux


def stock(tmp_path, establishments, legal_units, columns=None, name="StockEtablissement_utf8.csv"):
    """Write the two files; return their paths."""
    etab = tmp_path / name
    units = tmp_path / "StockUniteLegale_utf8.csv"
    sirene_files.write(etab, sirene_files.ESTABLISHMENT_HEADER, establishments, columns)
    sirene_files.write(units, sirene_files.LEGAL_UNIT_HEADER, legal_units)
    return etab, units


def default_rows():
    establishments = [
        sirene_files.establishment(SIREN_A, 1, enseigne1Etablissement="ATELIER DU PORT"),
        sirene_files.establishment(
            SIREN_A,
            2,
            etablissementSiege="false",
            codeCommuneEtablissement="16374",
            codePostalEtablissement="16800",
            activitePrincipaleEtablissement="28.29B",
            activitePrincipaleNAF25Etablissement="28.29Y",
        ),
        sirene_files.establishment(
            SIREN_B,
            codeCommuneEtablissement="24037",
            codePostalEtablissement="24100",
            coordonneeLambertAbscisseEtablissement="",
            coordonneeLambertOrdonneeEtablissement="",
        ),
        sirene_files.establishment(SIREN_C, codeCommuneEtablissement="75056"),
        sirene_files.establishment(
            SIREN_D,
            codeCommuneEtablissement="16374",
            trancheEffectifsEtablissement="NN",
            caractereEmployeurEtablissement="N",
            activitePrincipaleEtablissement="96.02A",
            activitePrincipaleNAF25Etablissement="",
        ),
    ]
    units = [
        sirene_files.legal_unit(SIREN_A, denominationUniteLegale="MÉCANIQUE CHARENTAISE"),
        sirene_files.legal_unit(
            SIREN_B, denominationUniteLegale="TONNELLERIE", economieSocialeSolidaireUniteLegale="O"
        ),
        sirene_files.legal_unit(SIREN_C),
        sirene_files.legal_unit(
            SIREN_D,
            categorieJuridiqueUniteLegale="1000",
            denominationUniteLegale="",
            nomUniteLegale="MARTIN",
            prenom1UniteLegale="CAMILLE",
        ),
    ]
    return establishments, units


@pytest.fixture
def files(tmp_path, territory, other_territory):
    return stock(tmp_path, *default_rows())


def run(files, **kwargs):
    etab, units = files
    return import_sirene(establishments=etab, legal_units=units, **kwargs)


def test_keeps_the_establishments_of_the_territories_communes(files):
    report = run(files)
    assert report.created == 4 and report.lines_read == 5 and report.kept == 4
    assert set(Establishment.objects.values_list("commune__insee_code", flat=True)) == {
        "16015",
        "16374",
        "24037",
    }
    assert not LegalUnit.objects.filter(siren=SIREN_C).exists()
    head = Establishment.objects.get(siret=sirene_files.siret_of(SIREN_A, 1))
    assert head.name == "ATELIER DU PORT"
    assert head.legal_unit.name == "MÉCANIQUE CHARENTAISE"
    assert head.is_head_office and head.is_active and head.is_employer
    assert head.address == "12 RUE DES ESSAIS"
    assert (head.naf_id, head.naf25_id, head.workforce_band_id) == ("25.62B", "25.62Y", "11")
    assert head.created_on == datetime.date(2010, 3, 1)
    # Lambert-93 (477500, 6506300) is in Angoulême: 0.14° E, 45.62° N.
    assert head.longitude == pytest.approx(0.144, abs=0.01)
    assert head.latitude == pytest.approx(45.62, abs=0.01)
    assert "mecanique charentaise" in head.search_text
    assert "mecanique industrielle" in head.search_text  # the NAF label (25.62B), unaccented
    bergerac = Establishment.objects.get(siret=sirene_files.siret_of(SIREN_B))
    assert bergerac.longitude is None and bergerac.legal_unit.is_ess is True


def test_a_second_run_changes_nothing(files):
    run(files)
    before = list(Establishment.objects.order_by("siret").values())
    token = ContentVersion.objects.values_list("token", flat=True).first()
    report = run(files)
    assert not report.changed
    assert report.unchanged == 4
    assert list(Establishment.objects.order_by("siret").values()) == before
    assert ContentVersion.objects.values_list("token", flat=True).first() == token


def test_updates_and_closes(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    run(stock(tmp_path, establishments, units))
    establishments[0]["trancheEffectifsEtablissement"] = "21"
    establishments[1].update(etatAdministratifEtablissement="F", dateDebut="2025-06-30")
    del establishments[2]  # Bergerac's establishment is no longer in the file
    report = run(stock(tmp_path, establishments, units))
    assert (report.created, report.updated, report.closed) == (0, 2, 1)
    assert (
        Establishment.objects.get(siret=sirene_files.siret_of(SIREN_A, 1)).workforce_band_id == "21"
    )
    closed = Establishment.objects.get(siret=sirene_files.siret_of(SIREN_A, 2))
    assert (closed.is_active, closed.closed_on) == (False, datetime.date(2025, 6, 30))
    assert not Establishment.objects.get(siret=sirene_files.siret_of(SIREN_B)).is_active
    assert not run(stock(tmp_path, establishments, units)).changed


def test_an_establishment_added_by_hand_is_not_closed(files, angouleme):
    from tests.factories import EstablishmentFactory

    manual = EstablishmentFactory(commune=angouleme, source=Establishment.Source.MANUAL)
    run(files)
    manual.refresh_from_db()
    assert manual.is_active


def test_partial_diffusion_keeps_no_name_address_or_coordinates(tmp_path, territory):
    establishments = [
        sirene_files.establishment(
            SIREN_D,
            statutDiffusionEtablissement="P",
            enseigne1Etablissement="[ND]",
            numeroVoieEtablissement="[ND]",
            libelleVoieEtablissement="RUE CACHEE",  # even when the file leaves it
            coordonneeLambertAbscisseEtablissement="[ND]",
            coordonneeLambertOrdonneeEtablissement="[ND]",
        )
    ]
    units = [
        sirene_files.legal_unit(
            SIREN_D,
            statutDiffusionUniteLegale="P",
            categorieJuridiqueUniteLegale="1000",
            denominationUniteLegale="",
            nomUniteLegale="DUPONT",
            prenom1UniteLegale="[ND]",
        )
    ]
    run(stock(tmp_path, establishments, units))
    item = Establishment.objects.select_related("legal_unit").get()
    assert (item.name, item.address, item.longitude, item.legal_unit.name) == ("", "", None, "")
    assert item.is_partially_diffused and item.legal_unit.is_partially_diffused
    assert "DUPONT" not in item.search_text.upper() and "CACHEE" not in str(vars(item)).upper()
    assert item.display_name == "Établissement non diffusible (diffusion partielle)"
    assert item.postal_code == "16000"  # the commune stays: it is published


def test_a_sole_trader_is_named_when_sirene_publishes_the_name(files):
    run(files)
    trader = LegalUnit.objects.get(siren=SIREN_D)
    assert (trader.name, trader.is_sole_trader) == ("CAMILLE MARTIN", True)
    assert Establishment.objects.get(legal_unit=trader).is_employer is False


def test_columns_are_read_by_name(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    columns = ["colonneAjouteeParLInsee", *reversed(sirene_files.ESTABLISHMENT_HEADER)]
    report = run(stock(tmp_path, establishments, units, columns=columns))
    assert report.created == 4
    assert Establishment.objects.get(siret=sirene_files.siret_of(SIREN_A, 1)).naf_id == "25.62B"


def test_an_older_file_without_coordinates_nor_naf_2025(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    columns = [
        name
        for name in sirene_files.ESTABLISHMENT_HEADER
        if "Lambert" not in name and "NAF25" not in name
    ]
    assert run(stock(tmp_path, establishments, units, columns=columns)).created == 4
    assert not Establishment.objects.filter(longitude__isnull=False).exists()


def test_a_code_of_an_older_nomenclature_is_kept_without_label(
    tmp_path, territory, other_territory
):
    establishments, units = default_rows()
    establishments[0].update(
        activitePrincipaleEtablissement="74.1G",
        nomenclatureActivitePrincipaleEtablissement="NAFRev1",
    )
    run(stock(tmp_path, establishments, units))
    item = Establishment.objects.get(siret=sirene_files.siret_of(SIREN_A, 1))
    assert (item.naf_id, item.activity_code, item.activity_nomenclature) == (
        None,
        "74.1G",
        "NAFRev1",
    )


def test_bad_rows_write_nothing_and_are_named(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    siret = establishments[0]["siret"]
    establishments[0]["siret"] = siret[:13] + str((int(siret[13]) + 1) % 10)  # wrong key
    establishments[1]["activitePrincipaleEtablissement"] = "99.99Q"
    etab, unit_file = stock(tmp_path, establishments, units)
    with open(etab, "a", encoding="utf-8") as handle:
        handle.write(f"{SIREN_A},00099,{SIREN_A}00099,O,2010-01-01")  # truncated last line
    with pytest.raises(ImportFailed) as failure:
        run((etab, unit_file))
    assert Establishment.objects.count() == 0 and LegalUnit.objects.count() == 0
    assert "3 erreurs" in str(failure.value), failure.value.errors
    messages = " | ".join(failure.value.errors)
    assert "ligne 2 : SIRET" in messages and "invalide" in messages
    assert "ligne 3 : code NAF rév. 2 « 99.99Q » inconnu" in messages
    assert "ligne 7 : ligne tronquée" in messages


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("dateCreationEtablissement", "2010-13-45", "date invalide"),
        ("dateCreationEtablissement", "0999-01-01", "date invalide"),
        ("trancheEffectifsEtablissement", "99", "tranche d'effectif « 99 » inconnue"),
        ("coordonneeLambertAbscisseEtablissement", "abc", "coordonnées"),
        ("libelleVoieEtablissement", "X" * 400, "« adresse » trop long"),
    ],
)
def test_a_bad_value_refuses_the_run(tmp_path, territory, other_territory, column, value, message):
    establishments, units = default_rows()
    establishments[0][column] = value
    with pytest.raises(ImportFailed) as failure:
        run(stock(tmp_path, establishments, units))
    assert message in failure.value.errors[0]
    assert not Establishment.objects.exists()


def test_a_missing_legal_unit_refuses_the_run(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    with pytest.raises(ImportFailed) as failure:
        run(stock(tmp_path, establishments, units[1:]))
    assert f"unité légale {SIREN_A} absente du fichier" in failure.value.errors[0]
    assert not Establishment.objects.exists()


def test_a_file_without_a_required_column_is_refused(tmp_path, territory):
    columns = [c for c in sirene_files.ESTABLISHMENT_HEADER if c != "codeCommuneEtablissement"]
    with pytest.raises(ImportFailed, match="colonnes absentes : codeCommuneEtablissement"):
        run(stock(tmp_path, *default_rows(), columns=columns))


def test_one_territory_only(files, territory):
    report = run(files, territory=territory)
    assert report.created == 3
    assert not Establishment.objects.filter(commune__insee_code="24037").exists()


def test_command_shows_progress_and_the_report(files, monkeypatch):
    monkeypatch.setattr("companies.sirene.PROGRESS_EVERY", 2)
    out = StringIO()
    etab, units = files
    call_command("import_sirene", etablissements=str(etab), unites_legales=str(units), stdout=out)
    text = out.getvalue()
    assert "StockEtablissement_utf8.csv : 2 lignes lues" in text
    assert "Établissements : 4 ajoutés, 0 mis à jour, 0 fermé, 0 sans changement." in text
    assert "Import terminé." in text
    out = StringIO()
    call_command(
        "import_sirene", "--etablissements", str(etab), "--unites-legales", str(units), stdout=out
    )
    assert "Rien à changer" in out.getvalue()


def test_command_errors_are_french_and_write_nothing(tmp_path, territory):
    establishments, units = default_rows()
    establishments[0]["siret"] = "123"
    etab, unit_file = stock(tmp_path, establishments, units)
    with pytest.raises(CommandError, match="Import annulé, la base n'a pas été modifiée"):
        call_command("import_sirene", etablissements=str(etab), unites_legales=str(unit_file))
    with pytest.raises(CommandError, match="fichier illisible"):
        call_command(
            "import_sirene", etablissements="/nulle/part.csv", unites_legales=str(unit_file)
        )
    with pytest.raises(CommandError, match="Territoire « inconnu » inconnu"):
        call_command(
            "import_sirene",
            etablissements=str(etab),
            unites_legales=str(unit_file),
            territory="inconnu",
        )
    assert not Establishment.objects.exists()


def test_an_unknown_naf_2025_code_is_a_warning(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    establishments[0]["activitePrincipaleNAF25Etablissement"] = "99.99Y"
    out = StringIO()
    etab, unit_file = stock(tmp_path, establishments, units)
    call_command(
        "import_sirene", etablissements=str(etab), unites_legales=str(unit_file), stdout=out
    )
    assert "code NAF 2025 « 99.99Y » inconnu, ignoré" in out.getvalue()
    assert Establishment.objects.get(siret=sirene_files.siret_of(SIREN_A, 1)).naf25_id is None


def test_a_quoted_field_with_a_comma_and_a_line_break(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    establishments[0]["enseigne1Etablissement"] = "ATELIER, PORT\nEST"
    establishments[1]["libelleVoieEtablissement"] = 'DU "QUAI"'
    report = run(stock(tmp_path, establishments, units))
    assert report.created == 4 and report.lines_read == 6
    names = set(Establishment.objects.values_list("name", flat=True))
    assert "ATELIER, PORT EST" in names
    assert Establishment.objects.filter(address='12 RUE DU "QUAI"').exists()


def test_an_unclosed_quote_refuses_the_run(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    etab, unit_file = stock(tmp_path, establishments, units)
    with open(etab, "a", encoding="utf-8") as handle:
        handle.write(f'{SIREN_A},00099,"{SIREN_A}00099,O\n')
    with pytest.raises(ImportFailed) as failure:
        run((etab, unit_file))
    assert "ligne 7 : guillemet ouvert jamais fermé" in failure.value.errors[0]
    assert not Establishment.objects.exists()


def test_the_establishments_carry_their_legal_unit_s_ess(tmp_path, territory, other_territory):
    establishments, units = default_rows()
    run(stock(tmp_path, establishments, units))
    assert Establishment.objects.get(siret=sirene_files.siret_of(SIREN_B)).is_ess is True
    units[1]["economieSocialeSolidaireUniteLegale"] = "N"
    report = run(stock(tmp_path, establishments, units))
    assert (report.legal_units_updated, report.updated) == (1, 1)
    assert Establishment.objects.get(siret=sirene_files.siret_of(SIREN_B)).is_ess is False
