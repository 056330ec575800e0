"""The directory's bounded count: exact below 1,001 matches, « Plus de 1 000 » from there,
in one query (COUNT over a LIMITed subquery), pages within the bound still reachable."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Partner
from partners.search import directory_queryset
from partners.views import directory
from portal import pagination
from portal.pagination import BoundedPaginator
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
URL = reverse("partners:list")


def make_partners(territory, count, prefix="Lot"):
    """`count` partners in one INSERT batch (the factory builds them, bulk_create saves)."""
    Partner.objects.bulk_create(
        [
            PartnerFactory.build(
                territory=territory, name=f"{prefix} {number:04d}", slug=f"lot-{number}"
            )
            for number in range(count)
        ],
        batch_size=500,
    )


def result_heading(response):
    text = response.text
    start = text.index('id="resultats"')
    heading = text[text.index(">", start) + 1 : text.index("</h2>", start)]
    return re.sub(r"[ \n]+", " ", heading).strip()  # keeps the thousands separator


def test_count_is_one_query_with_the_limit_inside_a_subquery(territory):
    make_partners(territory, 3)
    paginator = BoundedPaginator(directory_queryset({}), 20)
    with CaptureQueriesContext(connection) as queries:
        assert (paginator.count, paginator.has_more) == (3, False)
        assert paginator.num_pages == 1
    (query,) = queries.captured_queries
    sql = query["sql"].upper()
    assert sql.startswith("SELECT COUNT(*) FROM (SELECT")
    assert "LIMIT 1001)" in sql
    assert "ORDER BY" not in sql


def test_exact_count_below_the_bound(client, territory):
    make_partners(territory, 1000)
    response = client.get(URL)
    assert result_heading(response) == "1\xa0000 partenaires"
    assert response.context["page"].paginator.has_more is False
    assert "Page 1 sur 50" in response.text


def test_more_than_1000_at_the_bound_and_pages_within_it(client, territory):
    make_partners(territory, 1001)
    response = client.get(URL)
    assert result_heading(response) == "Plus de 1\xa0000 partenaires"
    assert "Page 1 sur 50" in response.text
    # Page 50 is the last one reachable: the 981st to the 1,000th partner.
    page = client.get(URL, {"page": 50}).context["page"]
    assert [partner.name for partner in page.object_list] == [
        f"Lot {number:04d}" for number in range(980, 1000)
    ]
    assert not page.has_next()
    # Beyond the bound, the last page (as for any page out of range), never an error.
    response = client.get(URL, {"page": 51})
    assert response.status_code == 200
    assert response.context["page"].number == 50


def test_small_bound_keeps_navigation_and_the_search(client, territory, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_BOUND", 31)
    make_partners(territory, 45, prefix="Mission")
    response = client.get(URL, {"q": "", "page": 2})
    assert result_heading(response) == "Plus de 30 partenaires"
    assert "Page 2 sur 2" in response.text
    assert "?q=&amp;page=1" in response.text
    assert [partner.name for partner in response.context["page"].object_list] == [
        f"Mission {number:04d}" for number in range(20, 30)
    ]
    # Exactly at the bound minus one: the exact count, singular and plural kept.
    Partner.objects.filter(name__gte="Mission 0030").delete()
    assert result_heading(client.get(URL)) == "30 partenaires"
    Partner.objects.exclude(name="Mission 0000").delete()
    assert result_heading(client.get(URL)) == "1 partenaire"


def test_a_probe_counts_further_than_the_page_says(territory):
    """`probe`: the same one query reads further (the directory: whether to sort apart) while
    the count shown stays bounded."""
    make_partners(territory, 40)
    paginator = BoundedPaginator(directory_queryset({}), 20, bound=31, probe=36)
    with CaptureQueriesContext(connection) as queries:
        assert (paginator.counted, paginator.count, paginator.has_more) == (36, 30, True)
    (query,) = queries.captured_queries
    assert "LIMIT 36)" in query["sql"].upper()


@pytest.mark.parametrize(("matches", "apart"), [(12, True), (13, False)])
def test_up_to_sort_apart_max_matches_are_sorted_apart(
    client, territory, monkeypatch, matches, apart
):
    """Up to SORT_APART_MAX matches, past the count shown, the page sorts them by `name || ''`
    (no index walk); beyond, by the name index. Same order, same number of queries."""
    monkeypatch.setattr(pagination, "COUNT_BOUND", 6)
    monkeypatch.setattr(directory, "SORT_APART_MAX", 12)
    make_partners(territory, matches)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert result_heading(response) == "Plus de 5 partenaires"
    assert [p.name for p in response.context["page"].object_list] == [
        f"Lot {number:04d}" for number in range(5)
    ]
    count_sql = next(q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"])
    assert "LIMIT 13)" in count_sql
    page_sql = next(
        q["sql"]
        for q in queries.captured_queries
        if "ORDER BY" in q["sql"] and "LIMIT 5" in q["sql"]
    )
    assert ("|| ''" in page_sql) is apart
