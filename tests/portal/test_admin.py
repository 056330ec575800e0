"""The portal's administration: importing communes, creating a territory from an EPCI."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import EPCI, Commune, Territory
from tests.factories import CommuneFactory, EPCIFactory, TerritoryFactory, UserFactory
from tests.portal.official_files import ANGOULEME, as_json, official_files

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:portal_commune_import")
FROM_EPCI_URL = reverse("admin:portal_territory_from_epci")


def upload(communes=None, epcis=None, **fields):
    default_communes, default_epcis = official_files()
    communes = default_communes if communes is None else communes
    epcis = default_epcis if epcis is None else epcis
    return {
        "communes": SimpleUploadedFile(
            "communes.json",
            communes if isinstance(communes, bytes) else as_json(communes),
            content_type="application/json",
        ),
        "epcis": SimpleUploadedFile("epci.json", as_json(epcis), content_type="application/json"),
        "only_epcis": "",
        "only_departments": "",
        **fields,
    }


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# Import of communes


def test_import_page_shows_the_upload_form(staff_client):
    response = staff_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert "Fichier communes.json" in response.text


def test_commune_list_links_to_the_import(staff_client):
    response = staff_client.get(reverse("admin:portal_commune_changelist"))
    assert IMPORT_URL in response.text


def test_import_of_good_files_creates_communes_and_says_what_changed(staff_client):
    response = staff_client.post(IMPORT_URL, upload(), follow=True)

    assert response.redirect_chain == [(reverse("admin:portal_commune_changelist"), 302)]
    assert Commune.objects.count() == 6
    assert EPCI.objects.count() == 4
    [message] = messages_of(response)
    assert "Import terminé" in message
    assert "Communes : 6 ajouts, 0 mise à jour, 0 sans changement" in message


def test_second_import_says_nothing_changed(staff_client):
    staff_client.post(IMPORT_URL, upload())
    response = staff_client.post(IMPORT_URL, upload(), follow=True)
    assert messages_of(response)[-1] == (
        "Rien à changer : les données étaient déjà à jour (6 communes)."
    )


def test_import_with_filters(staff_client):
    staff_client.post(IMPORT_URL, upload(only_epcis=f" {ANGOULEME} ", only_departments=""))
    assert set(Commune.objects.values_list("insee_code", flat=True)) == {"16015", "16374", "16102"}
    Commune.objects.all().delete()
    staff_client.post(IMPORT_URL, upload(only_departments="2a, 2B"))
    assert set(Commune.objects.values_list("insee_code", flat=True)) == {"2A004", "2B033"}


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"only_epcis": "20007182"}, "Numéro SIREN invalide (9 chiffres attendus) : 20007182."),
        ({"only_departments": "16 2C"}, "Code de département invalide : 2C."),
    ],
)
def test_bad_filters_are_refused_on_the_form(staff_client, fields, error):
    response = staff_client.post(IMPORT_URL, upload(**fields))
    assert response.status_code == 200
    assert error in response.text
    assert Commune.objects.count() == 0


def test_bad_file_shows_the_error_and_changes_nothing(staff_client):
    staff_client.post(IMPORT_URL, upload())
    communes, _epcis = official_files()
    communes[0]["nom"] = "Angoulême renommée"
    communes[3]["code"] = "1608"

    response = staff_client.post(IMPORT_URL, upload(communes=communes))

    assert response.status_code == 200
    assert "Import annulé, rien n&#x27;a été modifié." in response.text
    assert "communes.json, enregistrement n° 4 (1608 Cognac)" in response.text
    assert Commune.objects.get(insee_code="16015").name == "Angoulême"


def test_file_that_is_not_json_is_refused(staff_client):
    response = staff_client.post(IMPORT_URL, upload(communes=b"\x89PNG not json"))
    assert response.status_code == 200
    assert "communes.json : ce n&#x27;est pas un fichier JSON valide" in response.text
    assert Commune.objects.count() == 0


def test_missing_file_is_required(staff_client):
    data = upload()
    del data["epcis"]
    response = staff_client.post(IMPORT_URL, data)
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.text
    assert Commune.objects.count() == 0


# Creating a territory from an EPCI


@pytest.fixture
def epcis(db):
    EPCIFactory.create_batch(40)
    angouleme = EPCIFactory(siren=ANGOULEME, name="CA du Grand Angoulême", kind=EPCI.Kind.CA)
    CommuneFactory.create_batch(3, epci=angouleme)
    return angouleme


def test_from_epci_page_uses_an_autocomplete_not_a_huge_select(staff_client, epcis):
    response = staff_client.get(FROM_EPCI_URL)
    assert response.status_code == 200
    assert "admin-autocomplete" in response.text
    # Only the empty choice is rendered: the EPCIs come from the autocomplete view.
    assert response.text.count("<option") <= 1


def test_epci_autocomplete_finds_by_name_and_siren(staff_client, epcis):
    url = reverse("admin:autocomplete")
    params = {"app_label": "portal", "model_name": "territory", "field_name": "epcis"}
    for term in ["Angoul", ANGOULEME[:7]]:
        response = staff_client.get(url, {**params, "term": term})
        assert response.status_code == 200
        assert [result["text"] for result in response.json()["results"]] == [
            "CA du Grand Angoulême"
        ]


def test_territory_list_links_to_creation_from_epci(staff_client):
    response = staff_client.get(reverse("admin:portal_territory_changelist"))
    assert FROM_EPCI_URL in response.text


def test_create_territory_from_epci(staff_client, epcis):
    response = staff_client.post(FROM_EPCI_URL, {"epci": epcis.pk, "name": "", "slug": ""})

    territory = Territory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:portal_territory_change", args=[territory.pk])
    assert territory.name == "CA du Grand Angoulême"
    assert territory.slug == "ca-du-grand-angouleme"
    assert territory.kind == Territory.Kind.CA
    assert list(territory.epcis.all()) == [epcis]
    assert territory.communes.count() == 3
    message = messages_of(staff_client.get(response["Location"]))[0]
    assert "Territoire « CA du Grand Angoulême » créé" in message
    assert "(3 communes)" in message


def test_create_territory_with_chosen_name_and_slug(staff_client, epcis):
    staff_client.post(
        FROM_EPCI_URL, {"epci": epcis.pk, "name": "Grand Angoulême", "slug": "grand-angouleme"}
    )
    assert Territory.objects.get().slug == "grand-angouleme"


def test_territory_already_made_of_this_epci_is_refused(staff_client, epcis):
    TerritoryFactory(name="Grand Angoulême", slug="grand-angouleme", epcis=[epcis])
    response = staff_client.post(FROM_EPCI_URL, {"epci": epcis.pk, "name": "Autre", "slug": ""})
    assert response.status_code == 200
    assert "Le territoire « Grand Angoulême » est déjà formé de cet EPCI." in response.text
    assert Territory.objects.count() == 1


def test_duplicate_name_or_slug_is_refused(staff_client, epcis):
    TerritoryFactory(name="CA du Grand Angoulême", slug="angouleme")
    TerritoryFactory(name="Autre", slug="ca-du-grand-angouleme")
    response = staff_client.post(FROM_EPCI_URL, {"epci": epcis.pk, "name": "", "slug": ""})
    assert response.status_code == 200
    assert "Un territoire porte déjà ce nom." in response.text
    assert "Un territoire utilise déjà cet identifiant d&#x27;adresse." in response.text
    assert Territory.objects.count() == 2


def test_unknown_epci_is_refused(staff_client, epcis):
    response = staff_client.post(FROM_EPCI_URL, {"epci": 999999, "name": "", "slug": ""})
    assert response.status_code == 200
    assert "Choisissez un EPCI déjà importé." in response.text
    assert not Territory.objects.exists()


# Permissions


@pytest.mark.parametrize("url", [IMPORT_URL, FROM_EPCI_URL])
def test_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert not response.cookies.get("sessionid")


@pytest.mark.parametrize("url", [IMPORT_URL, FROM_EPCI_URL])
@pytest.mark.parametrize("persona", ["referent", "coordinator", "other_coordinator"])
def test_members_who_are_not_staff_cannot_use_the_admin(as_persona, persona, url):
    client = as_persona(persona)
    before = Commune.objects.count()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(url, upload() if url == IMPORT_URL else {"epci": 1})
    assert response.status_code == 302
    assert Commune.objects.count() == before
    assert not Territory.objects.exclude(slug__in=["grand-angouleme", "grand-bergeracois"]).exists()


@pytest.mark.parametrize("url", [IMPORT_URL, FROM_EPCI_URL])
def test_staff_without_the_permissions_gets_403(client, url):
    client.force_login(UserFactory(username="equipe", is_staff=True))
    assert client.get(url).status_code == 403


def test_staff_with_commune_permissions_may_import(client):
    user = UserFactory(username="equipe", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="portal",
            codename__in=[
                "add_commune",
                "change_commune",
                "view_commune",
                "add_epci",
                "change_epci",
                "add_department",
                "add_region",
            ],
        )
    )
    client.force_login(user)
    response = client.post(IMPORT_URL, upload())
    assert response.status_code == 302
    assert Commune.objects.count() == 6


def test_commune_admin_search_by_postal_code_and_name(staff_client):
    staff_client.post(IMPORT_URL, upload())
    url = reverse("admin:portal_commune_changelist")
    assert "Soyaux" in staff_client.get(url, {"q": "16800"}).text
    response = staff_client.get(url, {"q": "angouleme"})
    assert "Angoulême" in response.text
    assert "Soyaux" not in response.text


# Names of the apps


def test_admin_index_names_django_axes_apart_from_the_roadmap_axes(staff_client):
    """django-axes showed as « AXES » (its label, upper-cased by the admin) next to the
    roadmaps' « Axes »."""
    response = staff_client.get(reverse("admin:index"))
    names = {app["app_label"]: str(app["name"]) for app in response.context["app_list"]}
    assert names["axes"] == "Connexions et verrouillages"
    assert "Connexions et verrouillages" in response.content.decode()
    page = staff_client.get(reverse("admin:app_list", args=["axes"])).content.decode()
    assert "Connexions et verrouillages" in page
