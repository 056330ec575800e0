"""A partner's services (data·inclusion v1 services): the record, the coordinators' forms, the
directory's search and filters (a category matches its sub-themes)."""

import pytest
from django.urls import reverse

from partners.models import Public, Service, Theme
from tests.conftest import submission_token
from tests.factories import PartnerFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SUBTHEME = "mobilite--preparer-un-permis"


def service_data(**overrides):
    data = {
        "name": "Aide au permis de conduire",
        "description": "Financement et préparation du permis B pour les jeunes en parcours.",
        "service_type": "aide-financiere",
        "themes": [Theme.objects.get(slug=SUBTHEME).pk],
        "publics": [Public.objects.get(slug="jeunes").pk],
        "fee": "gratuit",
        "reception_in_person": "on",
        "mobilise_phone": "on",
        "mobilisable_by_users": "on",
        "eligibility_zone": "16015, 16",
        "opening_hours_osm": "Mo-Fr 09:00-12:00",
        "position": "0",
    }
    data.update(overrides)
    return data


def test_record_shows_its_services(client, france_travail):
    service = ServiceFactory(
        partner=france_travail, name="Atelier CV", themes=[SUBTHEME], publics=["jeunes"]
    )
    service.opening_hours_osm = "Mo-Fr 09:00-12:00; We off"
    service.save()
    text = client.get(france_travail.get_absolute_url()).text
    assert f'id="service-{service.pk}"' in text
    assert "Atelier CV" in text
    assert "Mobilité · Préparer un permis" in " ".join(text.split())  # sub-theme, category
    assert "Gratuit" in text
    assert "9 h – 12 h" in text and "fermé" in text  # OSM hours in French
    assert reverse("partners:service_update", args=[france_travail.slug, service.pk]) not in text


def test_coordinator_adds_edits_and_deletes_a_service(coordinator_client, france_travail):
    url = reverse("partners:service_create", args=[france_travail.slug])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert "Préparer un permis" in page.text  # sub-themes offered, grouped by category
    response = coordinator_client.post(
        url, service_data() | {"submission": submission_token(page.text)}
    )
    service = Service.objects.get(partner=france_travail)
    assert response.status_code == 302
    assert response["Location"] == service.get_absolute_url()
    assert [theme.slug for theme in service.themes.all()] == [SUBTHEME]
    assert service.eligibility_zone == "16015 16"
    assert service.search_text.startswith("aide au permis")

    update = reverse("partners:service_update", args=[france_travail.slug, service.pk])
    response = coordinator_client.post(update, service_data(name="Permis solidaire"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Permis solidaire"

    delete = reverse("partners:service_delete", args=[france_travail.slug, service.pk])
    assert "Supprimer le service" in coordinator_client.get(delete).text
    assert Service.objects.filter(pk=service.pk).exists()  # GET only asks
    response = coordinator_client.post(delete)
    assert response.status_code == 302
    assert not Service.objects.filter(pk=service.pk).exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": "AB"}, "name", "au moins 3 caractères"),
        ({"description": "   "}, "description", "Ce champ est obligatoire"),
        ({"opening_hours_osm": "lundi 9h-12h"}, "opening_hours_osm", "format OpenStreetMap"),
        ({"eligibility_zone": "Angoulême"}, "eligibility_zone", "Code de zone inconnu"),
        ({"fee": "cher"}, "fee", "Sélectionnez un choix valide"),
        ({"mobilise_link": "on"}, "mobilisation_link", "Indiquez le lien de mobilisation"),
    ],
)
def test_bad_service_input_gets_a_french_message_and_writes_nothing(
    coordinator_client, france_travail, overrides, field, message
):
    url = reverse("partners:service_create", args=[france_travail.slug])
    response = coordinator_client.post(url, service_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Service.objects.exists()


def test_all_publics_is_exclusive_on_a_service(coordinator_client, france_travail):
    url = reverse("partners:service_create", args=[france_travail.slug])
    publics = [Public.objects.get(slug=slug).pk for slug in ("tous-publics", "jeunes")]
    response = coordinator_client.post(url, service_data(publics=publics))
    assert "ne se combine pas" in str(response.context["form"].errors["publics"])


def test_a_service_of_another_partner_is_404(coordinator_client, france_travail, territory):
    other = ServiceFactory(partner=PartnerFactory(territory=territory))
    url = reverse("partners:service_update", args=[france_travail.slug, other.pk])
    assert coordinator_client.get(url).status_code == 404


def test_directory_finds_partners_by_their_services(client, france_travail, territory):
    PartnerFactory(territory=territory, name="Sans service")
    ServiceFactory(
        partner=france_travail,
        name="Garage solidaire",
        description="Réparations à prix réduit.",
        themes=[SUBTHEME],
        publics=["seniors"],
    )
    url = reverse("partners:list")

    def names(params):
        response = client.get(url, params)
        return [partner.name for partner in response.context["page"].object_list]

    assert names({"q": "garage solidaire"}) == ["France Travail Angoulême"]
    assert names({"theme": SUBTHEME}) == ["France Travail Angoulême"]
    # A category matches its sub-themes: "mobilite" finds the service's "mobilite--…".
    france_travail.themes.clear()
    assert names({"theme": "mobilite"}) == ["France Travail Angoulême"]
    assert names({"public": "seniors"}) == ["France Travail Angoulême"]
    assert "Garage solidaire" in client.get(url, {"q": "garage"}).text


def test_directory_theme_choices_group_sub_themes_under_their_category(client, db):
    text = client.get(reverse("partners:list")).text
    assert '<optgroup label="Mobilité">' in text
    assert '<option value="mobilite">Mobilité : toute la catégorie</option>' in text
    assert f'<option value="{SUBTHEME}">Préparer un permis</option>' in text
