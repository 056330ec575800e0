"""The register's pages: the list of a territory's establishments (search, filters, sort,
pages, exports), an establishment's page, adding one by hand."""

import csv
import io

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from companies.models import Establishment, LegalUnit, NafCode, Need, WorkforceBand
from portal import pagination
from portal.models import Membership
from tests.factories import (
    EstablishmentFactory,
    LegalUnitFactory,
    MembershipFactory,
    NeedFactory,
    luhn_number,
)

LIST = reverse("companies:list", args=["grand-angouleme"])
CREATE = reverse("companies:create", args=["grand-angouleme"])
EXPORT_CSV = reverse("companies:export_csv", args=["grand-angouleme"])
EXPORT_XLSX = reverse("companies:export_xlsx", args=["grand-angouleme"])


def names(response):
    return [item.display_name for item in response.context["page"].object_list]


@pytest.fixture
def register(angouleme, territory, establishment):
    """Four establishments of the territory besides `establishment` (Atelier du Port, 62.01Z)."""
    soyaux = territory.communes.get(insee_code="16374")
    return {
        "cafe": EstablishmentFactory(
            commune=soyaux,
            name="Café de l'Éperon",
            naf=NafCode.objects.get(code="56.30Z"),
            workforce_band=WorkforceBand.objects.get(code="01"),
            is_employer=True,
        ),
        "bank": EstablishmentFactory(
            commune=angouleme,
            legal_unit=LegalUnitFactory(name="Banque Mutuelle d'Essai", is_ess=True),
            naf=NafCode.objects.get(code="64.19Z"),
            workforce_band=WorkforceBand.objects.get(code="22"),
        ),
        "solo": EstablishmentFactory(
            commune=angouleme,
            legal_unit=LegalUnitFactory(name="Zoé Graphiste", legal_category="1000"),
            naf=NafCode.objects.get(code="74.10Z"),
            is_employer=False,
        ),
        "closed": EstablishmentFactory(commune=soyaux, name="Ancienne Forge", is_active=False),
    }


def test_list_shows_the_territory_establishments_only(coordinator_client, establishment, bergerac):
    EstablishmentFactory(commune=bergerac, name="Tonnellerie de Bergerac")
    response = coordinator_client.get(LIST)
    assert response.status_code == 200
    assert names(response) == ["Atelier du Port"]
    assert "Tonnellerie de Bergerac" not in response.text


def test_another_territory_named_is_a_404(other_coordinator_client, territory):
    assert other_coordinator_client.get(LIST).status_code == 404


def test_the_menu_address_goes_to_the_current_territory(coordinator_client, territory):
    response = coordinator_client.get(reverse("companies:legacy_list"), {"q": "atelier"})
    assert (response.status_code, response["Location"]) == (302, f"{LIST}?q=atelier")
    response = coordinator_client.get(
        reverse("companies:legacy_list"), {"territoire": territory.slug}
    )
    assert response["Location"] == LIST


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_list_is_kept_per_kind_of_viewer(
    territory, coordinator, referent, other_coordinator, register, angouleme
):
    """Colleagues share the list from the cache; a référent gets a copy without the
    coordination's button and whose « besoin » filter reads only the open recruitment needs;
    another territory's coordinator gets a 404, even once kept; a new establishment shows at
    once."""
    create = reverse("companies:create", args=[territory.slug])
    colleague = MembershipFactory(territory=territory, role=Membership.Role.COORDINATOR).user
    NeedFactory(territory=territory, establishment=register["cafe"], kind=Need.Kind.TRAINING)
    mine = signed_in(coordinator)
    assert create in mine.get(LIST).text
    response = signed_in(colleague).get(LIST)
    assert response.wsgi_request.page_cache == "hit"
    assert create in response.text
    response = signed_in(referent).get(LIST)
    assert response.wsgi_request.page_cache == "miss"
    assert create not in response.text
    assert names(mine.get(LIST, {"besoin": "tous"})) == ["Café de l'Éperon"]
    assert names(signed_in(referent).get(LIST, {"besoin": "tous"})) == []
    assert signed_in(other_coordinator).get(LIST).status_code == 404
    EstablishmentFactory(commune=angouleme, name="Tout Nouveau")
    assert "Tout Nouveau" in mine.get(LIST).text


def test_list_reads_only_its_filters_and_page(coordinator_client, register):
    response = coordinator_client.get(LIST, {"q": "cafe", "page": "1", "fbclid": "x"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?q=cafe&page=1"
    assert "Café de l&#x27;Éperon" in coordinator_client.get(response["Location"]).text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cafe de l'eperon", ["Café de l'Éperon"]),
        ("ÉPERON", ["Café de l'Éperon"]),
        ("mutuelle", ["Banque Mutuelle d'Essai"]),
        ("programmation informatique", ["Atelier du Port"]),  # the NAF label of 62.01Z
        ("debits de boissons", ["Café de l'Éperon"]),  # « Débits de boissons », 56.30Z
    ],
)
def test_search_ignores_accents_and_reads_names_and_naf_labels(
    coordinator_client, register, query, expected
):
    assert names(coordinator_client.get(LIST, {"q": query})) == expected


def test_search_by_siret_or_siren(coordinator_client, register):
    bank = register["bank"]
    assert names(coordinator_client.get(LIST, {"q": bank.siret})) == [bank.display_name]
    spaced = f"{bank.siren[:3]} {bank.siren[3:6]} {bank.siren[6:]}"
    assert names(coordinator_client.get(LIST, {"q": spaced})) == [bank.display_name]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"section": "I"}, ["Café de l'Éperon"]),
        ({"division": "64"}, ["Banque Mutuelle d'Essai"]),
        ({"effectif": "22"}, ["Banque Mutuelle d'Essai"]),
        ({"employeur": "non"}, ["Zoé Graphiste"]),
        ({"ess": "oui"}, ["Banque Mutuelle d'Essai"]),
        ({"etat": "fermes"}, ["Ancienne Forge"]),
        ({"section": "J", "etat": "tous"}, ["Ancienne Forge", "Atelier du Port"]),
    ],
)
def test_filters(coordinator_client, register, params, expected):
    assert names(coordinator_client.get(LIST, params)) == expected


def test_filter_by_commune(coordinator_client, register, territory):
    soyaux = territory.communes.get(insee_code="16374")
    assert names(coordinator_client.get(LIST, {"commune": soyaux.pk})) == ["Café de l'Éperon"]


def test_closed_establishments_are_hidden_unless_asked(coordinator_client, register):
    assert "Ancienne Forge" not in names(coordinator_client.get(LIST))


def test_sort(coordinator_client, register):
    by_name = names(coordinator_client.get(LIST))
    assert by_name == sorted(by_name, key=lambda name: name.lower().replace("é", "e"))
    by_band = names(coordinator_client.get(LIST, {"tri": "effectif"}))
    assert by_band[:2] == ["Banque Mutuelle d'Essai", "Café de l'Éperon"]


def test_bad_filter_values_get_a_message_not_an_error(coordinator_client, register):
    response = coordinator_client.get(LIST, {"commune": "abc", "tri": "prix", "q": "x" * 300})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "corrigez les champs signalés" in response.text


def test_pages(coordinator_client, angouleme, monkeypatch):
    monkeypatch.setattr("companies.views.register.PAGE_SIZE", 2)
    for number in range(5):
        EstablishmentFactory(commune=angouleme, name=f"Entreprise {number}")
    response = coordinator_client.get(LIST, {"page": 3, "q": "entreprise"})
    assert names(response) == ["Entreprise 4"]
    assert "Page 3 sur 3" in response.text
    assert coordinator_client.get(LIST, {"page": "zzz"}).status_code == 200


def export_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_export_follows_the_filters(referent_client, register):
    response = referent_client.get(EXPORT_CSV, {"ess": "oui"})
    assert response["Content-Type"].startswith("text/csv")
    rows = export_rows(response)
    assert rows[0][:3] == ["SIRET", "SIREN", "Nom"]
    assert len(rows) == 2
    bank = register["bank"]
    assert rows[1][0] == bank.siret and rows[1][2] == "Banque Mutuelle d'Essai"
    assert rows[1][-1] == f"https://annuaire-entreprises.data.gouv.fr/entreprise/{bank.siren}"


def test_xlsx_export(referent_client, register):
    response = referent_client.get(EXPORT_XLSX, {"q": "eperon"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "SIRET" and len(rows) == 2
    assert rows[1][2] == "Café de l'Éperon"


def test_export_neutralises_formulas(referent_client, angouleme):
    EstablishmentFactory(commune=angouleme, name="=HYPERLINK(1)")
    rows = export_rows(referent_client.get(EXPORT_CSV))
    assert rows[1][2] == "'=HYPERLINK(1)"


def test_detail_shows_the_identity_and_links_to_the_annuaire(referent_client, establishment):
    response = referent_client.get(establishment.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    annuaire = f"https://annuaire-entreprises.data.gouv.fr/entreprise/{establishment.siren}"
    assert annuaire in text
    assert establishment.siret in text and "Programmation informatique" in text
    assert "Mécanique de la Charente" in text
    assert "companies/_followup.html" in [t.name for t in response.templates]


def test_detail_of_another_territory_is_a_404(other_coordinator_client, establishment):
    assert other_coordinator_client.get(establishment.get_absolute_url()).status_code == 404


def test_detail_of_an_unknown_or_malformed_siret(coordinator_client):
    assert coordinator_client.get("/entreprises/00000000000000/").status_code == 404
    assert coordinator_client.get("/entreprises/123/").status_code == 404


def test_partial_diffusion_shows_no_name(referent_client, angouleme):
    hidden = EstablishmentFactory(
        commune=angouleme,
        legal_unit=LegalUnitFactory(name="", legal_category="1000", is_partially_diffused=True),
        is_partially_diffused=True,
        address="",
    )
    response = referent_client.get(hidden.get_absolute_url())
    assert "Établissement non diffusible (diffusion partielle)" in response.text
    assert "l'adresse n'est pas publiée" in response.text.replace("&#x27;", "'")


def valid_data(angouleme, **changes):
    data = {
        "siret": luhn_number(luhn_number("00009999") + "0001"),
        "legal_unit_name": "Nouvelle Entreprise",
        "name": "",
        "naf_code": "2562b",
        "commune": angouleme.pk,
        "address": "3 rue Neuve",
        "postal_code": "16000",
        "workforce_band": "11",
        "is_employer": "true",
        "is_head_office": "on",
        "is_ess": "unknown",
    }
    data.update(changes)
    return data


def test_add_an_establishment_by_hand(coordinator_client, coordinator, angouleme):
    data = valid_data(angouleme)
    siret = data["siret"]
    data["siret"] = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    response = coordinator_client.post(CREATE, data)
    assert response.status_code == 302, response.context["form"].errors
    item = Establishment.objects.get(siret=siret)
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert (item.naf_id, item.source, item.created_by) == ("25.62B", "manuel", coordinator)
    assert item.legal_unit.name == "Nouvelle Entreprise" and item.is_employer is True
    assert "mecanique industrielle" in item.search_text


def test_add_keeps_the_sirene_name_of_a_known_legal_unit(coordinator_client, angouleme):
    unit = LegalUnitFactory(name="Nom Sirene")
    siret = luhn_number(f"{unit.siren}0002")
    coordinator_client.post(CREATE, valid_data(angouleme, siret=siret))
    assert Establishment.objects.get(siret=siret).legal_unit == unit
    unit.refresh_from_db()
    assert unit.name == "Nom Sirene"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"siret": "12345678901234"}, "n'est pas un numéro SIRET valide"),
        ({"siret": "1234"}, "n'est pas un numéro SIRET valide"),
        ({"naf_code": "99.99Q"}, "Code NAF « 99.99Q » inconnu"),
        ({"naf_code": "62.01"}, "Code NAF « 62.01 » inconnu"),
        ({"postal_code": "1600"}, "Un code postal a 5 chiffres."),
        ({"legal_unit_name": ""}, "Ce champ est obligatoire."),
    ],
)
def test_add_refuses_bad_input_with_a_message(coordinator_client, angouleme, changes, message):
    response = coordinator_client.post(CREATE, valid_data(angouleme, **changes))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'").replace("&laquo;", "«")
    assert not Establishment.objects.exists() and not LegalUnit.objects.exists()


def test_add_refuses_a_commune_outside_the_territory(coordinator_client, angouleme, bergerac):
    response = coordinator_client.post(CREATE, valid_data(angouleme, commune=bergerac.pk))
    assert response.status_code == 200 and not Establishment.objects.exists()
    assert response.context["form"].errors["commune"]


def test_add_refuses_a_siret_already_in_the_register(coordinator_client, establishment, angouleme):
    response = coordinator_client.post(CREATE, valid_data(angouleme, siret=establishment.siret))
    assert "déjà dans le registre" in response.content.decode()
    assert Establishment.objects.count() == 1


def test_add_is_for_coordinators(referent_client, angouleme):
    assert referent_client.post(CREATE, valid_data(angouleme)).status_code == 403
    assert not Establishment.objects.exists()


def test_filters_keep_their_values_in_the_form(coordinator_client, register):
    response = coordinator_client.get(LIST, {"section": "I", "etat": "tous", "q": "<b>"})
    text = response.content.decode()
    assert '<option value="I" selected>I — HÉBERGEMENT ET RESTAURATION</option>' in text
    assert '<option value="tous" selected>Tous</option>' in text
    assert "<b>" not in text.split('name="q"')[1][:200]


def test_sort_by_creation_puts_unknown_dates_last(coordinator_client, register):
    import datetime

    Establishment.objects.filter(pk=register["bank"].pk).update(
        created_on=datetime.date(2024, 5, 1)
    )
    Establishment.objects.filter(pk=register["cafe"].pk).update(
        created_on=datetime.date(2020, 5, 1)
    )
    Establishment.objects.exclude(pk__in=[register["bank"].pk, register["cafe"].pk]).update(
        created_on=None
    )
    found = names(coordinator_client.get(LIST, {"tri": "creation"}))
    assert found[:2] == ["Banque Mutuelle d'Essai", "Café de l'Éperon"]


def test_count_is_bounded_and_says_more_than(coordinator_client, register, monkeypatch):
    response = coordinator_client.get(LIST)
    assert "4 établissements" in response.text  # closed ones are left out: exact below the bound
    monkeypatch.setattr(pagination, "COUNT_BOUND", 3)
    caches["default"].clear()  # the page kept above was counted with the real bound
    response = coordinator_client.get(LIST)
    assert response.context["page"].paginator.has_more
    assert "Plus de 2 établissements" in response.text
    assert "(10 000 au plus)" in response.text or "(10\u00a0000 au plus)" in response.text
    assert len(names(response)) == 2  # the pages reachable within the bound
