"""The register's pages: the list of the territory's establishments and an establishment's page."""

from django.urls import reverse

from tests.factories import EstablishmentFactory


def test_list_shows_the_territory_establishments_only(coordinator_client, establishment, bergerac):
    EstablishmentFactory(commune=bergerac, name="Tonnellerie de Bergerac")
    response = coordinator_client.get(reverse("companies:list"))
    assert response.status_code == 200
    assert establishment.name in response.text
    assert "Tonnellerie de Bergerac" not in response.text


def test_detail_links_to_the_annuaire_by_siren(referent_client, establishment):
    response = referent_client.get(establishment.get_absolute_url())
    assert response.status_code == 200
    annuaire = f"https://annuaire-entreprises.data.gouv.fr/entreprise/{establishment.siren}"
    assert annuaire in response.text
