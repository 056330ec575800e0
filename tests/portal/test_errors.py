"""Custom 403, 404 and 500 pages, in the site's layout; the 500 page needs no database."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from tests.portal.test_pages import assert_in_layout

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]


@pytest.mark.parametrize("persona", ["visitor", "referent", "staff"])
def test_404_page_is_in_the_layout(as_persona, persona):
    response = as_persona(persona).get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert_in_layout(response)
    assert "<h1>Page introuvable</h1>" in response.text


@pytest.mark.parametrize("persona", ["visitor", "referent"])
def test_403_page_is_in_the_layout(as_persona, persona):
    response = as_persona(persona).get("/test/interdit/")
    assert response.status_code == 403
    assert_in_layout(response)
    assert "<h1>Accès refusé</h1>" in response.text


def test_database_down_page_is_in_the_layout_and_needs_no_database():
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("base arrêtée"),
    ):
        response = client.get("/test/panne/")
    assert response.status_code == 503
    assert "<h1>Service momentanément indisponible</h1>" in response.text
    assert '<html lang="fr">' in response.text
    assert 'href="#contenu"' in response.text
    assert "Accessibilité : non conforme" in response.text
    assert "/static/css/maillage.css" in response.text


def test_500_page_for_a_signed_in_user(referent):
    client = Client(raise_request_exception=False)
    client.force_login(referent)
    response = client.get("/test/panne/")
    assert response.status_code == 500
    assert response.text.count("<h1") == 1
    assert "<h1>Une erreur est survenue</h1>" in response.text


def test_database_down_during_a_page_gives_503_not_500(db, rf):
    from unittest import mock

    from django.db import OperationalError
    from django.test import Client

    client = Client(raise_request_exception=False)
    with mock.patch("portal.views.render", side_effect=OperationalError("connection refused")):
        response = client.get("/mentions-legales/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Service momentanément indisponible" in response.content.decode()


@pytest.mark.parametrize("query", ["?territoire=a%00b", "?q=%00", "?%00=1"])
def test_nul_byte_in_query_string_is_a_400_in_the_layout(referent_client, query):
    response = referent_client.get("/" + query)
    assert response.status_code == 400
    assert "<h1>Requête invalide</h1>" in response.text
    assert 'href="#contenu"' in response.text
