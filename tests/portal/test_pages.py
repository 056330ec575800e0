import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_visitor_home_explains_portal_and_sets_no_cookie(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Se connecter" in response.text
    assert response.cookies == {}
    assert '<html lang="fr">' in response.text


def test_member_home_shows_territory_figures(referent_client, territory):
    response = referent_client.get("/")
    assert response.status_code == 200
    assert "Grand Angoulême" in response.text
    # 41 000 + 9 500 + 5 600 inhabitants, derived from the communes
    assert "56\xa0100" in response.text  # French thousands separator
    assert "mécatronique" in response.text


@pytest.mark.parametrize("url", ["/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"])
def test_legal_pages_are_public(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Accessibilité : non conforme" in response.text


# The partner directory is public (partners app); the other sections need an account.
@pytest.mark.parametrize("name", ["referents:list", "roadmaps:list"])
def test_sections_require_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/connexion/?next=")


def test_health_ok(client):
    response = client.get("/sante/")
    assert response.status_code == 200


def test_home_query_count_is_constant(django_assert_num_queries, referent_client, territory):
    from tests.factories import CommuneFactory

    # 1 session, 2 user, 3 memberships, 4 territories, 5 territory, 6 its EPCIs, 7 figures
    with django_assert_num_queries(7):
        referent_client.get("/")
    epci = territory.epcis.first()
    CommuneFactory.create_batch(50, epci=epci)
    with django_assert_num_queries(7):
        referent_client.get("/")
