"""The API's French documentation page (/api/v1/) and its OpenAPI description (/api/v1/schema/)."""

import pytest
from django.urls import reverse
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_is_a_valid_openapi_description(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert set(schema["paths"]) == {
        "/api/v1/structures/",
        "/api/v1/services/",
        "/api/v1/evenements/",
        "/api/v1/feuilles-de-route/",
        "/api/v1/feuilles-de-route/{territoire}/actions/",
    }


def test_documentation_lists_every_endpoint_in_french(client):
    response = client.get(reverse("api:api-root"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "API ouverte de Maillage" in text
    for path in (
        "/api/v1/structures/",
        "/api/v1/services/",
        "/api/v1/evenements/",
        "/api/v1/feuilles-de-route/",
    ):
        assert path in text
    for parameter in ("territoire", "commune", "modifie_depuis", "curseur", "taille"):
        assert f"<code>{parameter}</code>" in text
    assert reverse("api:schema") in text


def test_documentation_loads_nothing_from_elsewhere(client):
    text = client.get(reverse("api:api-root")).content.decode()
    assert "cdn" not in text.lower()
    assert 'src="http' not in text


def test_documentation_reads_no_data(client, django_assert_num_queries, territory):
    # The page is made from the OpenAPI description: no query whatever the data.
    with django_assert_num_queries(0):
        assert client.get(reverse("api:api-root")).status_code == 200
