"""The register's pages run a constant number of queries, whatever the number of establishments."""

import pytest
from django.urls import reverse

from companies.models import NafCode, WorkforceBand
from tests.factories import EstablishmentFactory, LegalUnitFactory

pytestmark = pytest.mark.django_db

PARAMS = {"q": "entreprise", "section": "C", "tri": "effectif", "etat": "tous"}


def add_establishments(territory, count, start):
    communes = list(territory.communes)
    naf = NafCode.objects.get(code="25.62B")
    band = WorkforceBand.objects.get(code="12")
    for number in range(start, start + count):
        EstablishmentFactory(
            commune=communes[number % len(communes)],
            legal_unit=LegalUnitFactory(name=f"Entreprise {number:03d}"),
            naf=naf,
            workforce_band=band,
        )


def test_list_queries_are_constant(django_assert_num_queries, coordinator_client, territory):
    url = reverse("companies:list", args=[territory.slug])
    add_establishments(territory, 3, 0)
    # The nomenclatures are read once per process (another sort: another page in the cache).
    coordinator_client.get(url, {**PARAMS, "tri": "nom"})
    # 1 session, 2 user, 3 memberships with their territories, 4 content versions (page
    # cache), 5 communes of the territory (filter), 6 count, 7 the page's ids, 8 their rows
    # with legal unit, NAF, workforce band and commune; from the cache, the first four only.
    with django_assert_num_queries(8):
        response = coordinator_client.get(url, PARAMS)
    assert response.context["page"].paginator.count == 3
    with django_assert_num_queries(4):
        assert coordinator_client.get(url, PARAMS).wsgi_request.page_cache == "hit"
    add_establishments(territory, 60, 3)
    with django_assert_num_queries(8):
        response = coordinator_client.get(url, PARAMS)
    assert response.context["page"].paginator.count == 63
    with django_assert_num_queries(4):
        assert "63 établissements" in coordinator_client.get(url, PARAMS).text
    with django_assert_num_queries(8):
        coordinator_client.get(url, {**PARAMS, "page": 2})
    with django_assert_num_queries(4):
        coordinator_client.get(url, {**PARAMS, "page": 2})


def test_export_queries_are_constant(django_assert_num_queries, referent_client, territory):
    url = reverse("companies:export_csv", args=[territory.slug])
    add_establishments(territory, 3, 0)
    referent_client.get(url)
    # 1 session, 2 user, 3 memberships, 4 communes of the territory, 5 the establishments.
    with django_assert_num_queries(5):
        referent_client.get(url, PARAMS)
    add_establishments(territory, 30, 3)
    with django_assert_num_queries(5):
        response = referent_client.get(url, PARAMS)
    assert response.content.decode("utf-8-sig").count("\r\n") == 34


def test_detail_queries_are_constant(django_assert_num_queries, referent_client, establishment):
    url = establishment.get_absolute_url()
    # 1 session, 2 user, 3 memberships, 4 the establishment with its legal unit, NAF codes,
    # workforce band and commune, 5 the territories of its commune; its follow-up
    # (tests/companies/test_followup_queries.py with échanges): 6 échanges, 7 needs, 8 contacts.
    with django_assert_num_queries(8):
        referent_client.get(url)
    add_establishments(establishment.commune.epci.territories.get(), 20, 0)
    with django_assert_num_queries(8):
        referent_client.get(url)
