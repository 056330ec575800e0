"""Which existing partner each row of a CSV import updates (partners/imports.py), unit level."""

import pytest

from partners import imports
from partners.imports import RowAction
from partners.models import Category, Partner
from portal.models import Commune
from tests.factories import PartnerFactory, reference

pytestmark = pytest.mark.django_db


def read(text, **rights):
    return imports.read_import(text.encode(), **rights)


def only_row(text, **rights):
    result = read(text, **rights)
    assert len(result.rows) == 1
    return result.rows[0]


def ccas(territory, name="CCAS", slug="ccas", commune=None, **fields):
    return PartnerFactory(
        territory=territory,
        name=name,
        slug=slug,
        commune=commune,
        category=reference(Category, "ccas-cias"),
        **fields,
    )


def test_identifiant_finds_the_partner_even_renamed(france_travail):
    row = only_row(
        "identifiant;nom;categorie;territoire\n"
        "france-travail-angouleme;France Travail Angoulême Ma Campagne;france-travail;"
        "grand-angouleme\n"
    )
    assert not row.errors
    assert row.partner.pk == france_travail.pk
    assert row.action == RowAction.UPDATE and row.changed == ["name"]
    assert row.partner.slug == "france-travail-angouleme"  # the address never changes


def test_unknown_identifiant_creates_the_partner_with_it(territory):
    row = only_row(
        "identifiant;nom;categorie;territoire\nccas-soyaux;CCAS;ccas-cias;grand-angouleme\n"
    )
    assert not row.errors
    assert row.action == RowAction.CREATE and row.partner.slug == "ccas-soyaux"


@pytest.mark.parametrize("key", ["CCAS", "ccas soyaux", "caf-é", "nouveau", "x" * 221])
def test_invalid_identifiant_is_refused(territory, key):
    row = only_row(f"identifiant;nom;categorie;territoire\n{key};CCAS;ccas-cias;grand-angouleme\n")
    assert "Identifiant invalide" in " ".join(row.errors)


def test_name_matches_ignoring_case_accents_and_spaces(france_travail):
    row = only_row(
        "nom;categorie;territoire\n  FRANCE   travail angouleme ;france-travail;grand-angouleme\n"
    )
    assert row.partner.pk == france_travail.pk
    # The name is part of the file: written as the file spells it (spaces collapsed).
    assert row.action == RowAction.UPDATE and row.changed == ["name"]
    assert row.partner.name == "FRANCE travail angouleme"


def test_name_matches_within_the_row_territory_only(territory, other_territory):
    ccas(other_territory)
    row = only_row("nom;categorie;territoire\nCCAS;ccas-cias;grand-angouleme\n")
    assert row.action == RowAction.CREATE
    assert row.partner.slug == "ccas-2"  # "ccas" is taken by the other territory's CCAS


def test_code_insee_column_makes_the_commune_part_of_the_key(territory, angouleme, soyaux):
    ccas(territory, slug="ccas-angouleme", commune=angouleme)
    ccas(territory, slug="ccas-soyaux", commune=soyaux)
    result = read(
        "nom;categorie;territoire;code_insee\n"
        "CCAS;ccas-cias;grand-angouleme;16374\n"
        "CCAS;ccas-cias;grand-angouleme;16102\n"
    )
    assert result.is_valid
    soyaux_row, champniers_row = result.rows
    assert soyaux_row.partner.slug == "ccas-soyaux" and soyaux_row.action == RowAction.UNCHANGED
    assert champniers_row.action == RowAction.CREATE


def test_ambiguous_name_is_refused_with_the_identifiants(territory, angouleme, soyaux):
    ccas(territory, slug="ccas-angouleme", commune=angouleme)
    ccas(territory, slug="ccas-soyaux", commune=soyaux)
    row = only_row("nom;categorie;territoire\nCCAS;ccas-cias;grand-angouleme\n")
    assert row.errors == [
        "Plusieurs partenaires de ce territoire portent ce nom (identifiants : ccas-angouleme, "
        "ccas-soyaux) : indiquez lequel dans la colonne identifiant."
    ]
    assert row.action == ""


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        (  # by name, then by identifiant
            ";France Travail Angoulême;france-travail;grand-angouleme\n"
            "france-travail-angouleme;France Travail;france-travail;grand-angouleme\n",
            "Même partenaire que la ligne 2.",
        ),
        (
            "ccas-1;CCAS Nord;ccas-cias;grand-angouleme\n"
            "ccas-1;CCAS Sud;ccas-cias;grand-angouleme\n",
            "Identifiant déjà à la ligne 2.",
        ),
    ],
)
def test_a_partner_or_identifiant_named_twice_is_refused(france_travail, rows, error):
    result = read("identifiant;nom;categorie;territoire\n" + rows)
    assert result.rows[1].errors == [error]


def test_same_new_name_twice_needs_an_identifiant_or_a_commune(territory):
    text = (
        "nom;categorie;territoire\nCCAS;ccas-cias;grand-angouleme\nCCAS;ccas-cias;grand-angouleme\n"
    )
    result = read(text)
    assert not result.is_valid
    assert "Même nom que la ligne 2" in result.rows[1].errors[0]

    with_keys = read(
        "identifiant;nom;categorie;territoire\n"
        "ccas-nord;CCAS;ccas-cias;grand-angouleme\nccas-sud;CCAS;ccas-cias;grand-angouleme\n"
    )
    assert with_keys.is_valid
    with_communes = read(
        "nom;categorie;territoire;code_insee\n"
        "CCAS;ccas-cias;grand-angouleme;16015\nCCAS;ccas-cias;grand-angouleme;16374\n"
    )
    assert with_communes.is_valid
    assert [row.partner.slug for row in with_communes.rows] == ["ccas", "ccas-2"]


def test_identifiant_of_another_territory_is_refused(bergerac_partner, territory):
    row = only_row(
        "identifiant;nom;categorie;territoire\ncluster-b;Cluster.b;club-entreprises;grand-angouleme\n"
    )
    assert row.errors == [
        "Le partenaire « cluster-b » appartient à un autre territoire que « grand-angouleme » : "
        "l'import ne change pas le territoire gestionnaire (modifiez-le sur la fiche)."
    ]


def test_only_the_file_columns_are_compared(france_travail):
    row = only_row(
        "identifiant;nom;categorie;territoire;telephone;publics\n"
        "france-travail-angouleme;France Travail Angoulême;france-travail;grand-angouleme;"
        "05 00 00 00 10;demandeurs-emploi|jeunes\n"
    )
    assert row.action == RowAction.UNCHANGED and row.outcome == "inchangé"
    assert set(row.values) == {"name", "category", "territory", "phone"}
    assert set(row.relations) == {"publics"}


def test_changes_are_listed_by_label(france_travail):
    row = only_row(
        "identifiant;nom;categorie;territoire;courriel;publics;thematiques;national\n"
        "france-travail-angouleme;France Travail Angoulême;france-travail;grand-angouleme;"
        "ft@example.org;demandeurs-emploi|jeunes;;non\n"
    )
    assert row.action == RowAction.UPDATE
    assert row.outcome == "mis à jour (champs : courriel, thématiques)"
    assert row.links_added["themes"] == [] and len(row.links_removed["themes"]) == 2


def test_line_ends_do_not_count_as_a_change(france_travail):
    Partner.objects.filter(pk=france_travail.pk).update(opening_hours="Lundi\r\nMardi")
    row = only_row(
        "identifiant;nom;categorie;territoire;horaires\n"
        'france-travail-angouleme;France Travail Angoulême;france-travail;grand-angouleme;"Lundi\n'
        'Mardi"\n'
    )
    assert row.action == RowAction.UNCHANGED


def test_multi_line_cells_keep_their_line_breaks(territory):
    row = only_row(
        'nom;categorie;territoire;horaires\nCCAS;ccas-cias;grand-angouleme;"Lundi\nMardi"\n'
    )
    assert row.partner.opening_hours == "Lundi\nMardi"


def test_rights_are_checked_per_row(france_travail):
    text = (
        "identifiant;nom;categorie;territoire\n"
        "france-travail-angouleme;France Travail Ma Campagne;france-travail;grand-angouleme\n"
        "ccas;CCAS;ccas-cias;grand-angouleme\n"
    )
    update, create = read(text, can_create=False, can_update=False).rows
    assert update.errors == ["Vous n'avez pas le droit de modifier des partenaires."]
    assert create.errors == ["Vous n'avez pas le droit de créer des partenaires."]
    assert read(text, can_create=True, can_update=True).is_valid


def test_unknown_national_word_is_refused(territory):
    row = only_row("nom;categorie;territoire;national\nCCAS;ccas-cias;grand-angouleme;peut-être\n")
    assert row.errors == ["National : « peut-être » non reconnu (oui ou non)."]


def test_zone_columns_are_matched_by_code(france_travail):
    row = only_row(
        "identifiant;nom;categorie;territoire;zone_communes;zone_departements\n"
        "france-travail-angouleme;France Travail Angoulême;france-travail;grand-angouleme;"
        "16015 16374;16\n"
    )
    assert row.changed == ["zone_communes", "zone_departments"]
    soyaux = Commune.objects.get(insee_code="16374")
    assert row.links_added["zone_communes"] == [soyaux.pk]
