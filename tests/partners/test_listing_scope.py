"""The directory's lists depend on `listing` (which partners, in which order) and on the partners
they show (portal.cache.show_rows): a save of a partner that leaves the columns it is listed by
alone (Partner.cache_list_fields) stales its own pages, not every list of the directory."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from partners.models import RECEPTION_FIELDS, Partner, Public, Theme
from partners.search import directory_queryset
from portal import cache
from tests.factories import CommuneFactory, PartnerFactory

pytestmark = pytest.mark.django_db

SORTS = ("nom", "commune", "verification")


def every_filter(sort):
    """Cleaned data of the directory's form with every filter set, sorted by `sort`."""
    return {
        "q": "atelier emploi",
        "commune": CommuneFactory(),
        "public": "jeunes",
        "public_ids": list(Public.objects.values_list("pk", flat=True)[:2]),
        "theme": "mobilite",
        "theme_ids": list(Theme.objects.values_list("pk", flat=True)[:2]),
        "category": "mission-locale",
        "scale": "local",
        "accueil": next(iter(RECEPTION_FIELDS)),
        "tri": sort,
    }


def partner_columns_read(queryset):
    """The columns of the partner table the query reads to choose and order its rows (its
    filters, joins and sort: the select list is only the primary key)."""
    sql, _params = queryset.values("pk").query.sql_with_params()
    table = re.escape(connection.ops.quote_name(Partner._meta.db_table))
    return set(re.findall(rf'{table}\.["`]?(\w+)', sql))


@pytest.mark.parametrize("sort", SORTS)
def test_the_list_fields_are_every_column_the_directory_chooses_and_orders_by(sort):
    columns = partner_columns_read(directory_queryset(every_filter(sort)))
    declared = {Partner._meta.get_field(name).column for name in Partner.cache_list_fields}
    assert columns - {"id"} <= declared
    assert {"name", "search_text", "services_text", "zone_ids", "directory_ids"} <= columns


def listing_token():
    return cache.content_token("listing")


def test_a_new_phone_number_leaves_the_lists_and_stales_the_partner(territory):
    partner = PartnerFactory(territory=territory, name="Mission locale", slug="ml")
    before, page = listing_token(), cache.content_token("partner:ml")
    partner.phone = "+33545000000"
    partner.save()
    assert listing_token() == before
    assert cache.content_token("partner:ml") != page


@pytest.mark.parametrize(
    "values",
    [{"name": "Mission locale du Sud"}, {"is_national": True}, {"scale": "national"}],
    ids=["name", "national", "scale"],
)
def test_a_change_of_a_listed_column_stales_the_lists(territory, values):
    partner = PartnerFactory(territory=territory, name="Mission locale", slug="ml")
    before = listing_token()
    for name, value in values.items():
        setattr(partner, name, value)
    partner.save()
    assert listing_token() != before


def test_a_new_partner_and_a_deleted_one_stale_the_lists(territory):
    before = listing_token()
    partner = PartnerFactory(territory=territory)
    created = listing_token()
    assert created != before
    partner.delete()
    assert listing_token() != created


def results(response):
    return [partner.name for partner in response.context["page"].object_list]


def test_a_cached_page_shows_the_new_phone_and_the_others_stay_cached(client, territory):
    shown = PartnerFactory(territory=territory, name="Alpha emploi", slug="alpha")
    PartnerFactory(territory=territory, name="Beta insertion", slug="beta")
    url = reverse("partners:list")
    first = client.get(url, {"q": "alpha"})
    assert results(first) == ["Alpha emploi"]
    assert client.get(url, {"q": "beta"}).wsgi_request.page_cache == "miss"
    assert client.get(url, {"q": "alpha"}).wsgi_request.page_cache == "hit"

    shown.phone = "+33545000000"
    shown.save()

    again = client.get(url, {"q": "alpha"})
    assert again.wsgi_request.page_cache == "miss"  # a partner it shows changed
    assert "05 45 00 00 00" in again.text
    assert client.get(url, {"q": "beta"}).wsgi_request.page_cache == "hit"  # Alpha is not on it
    assert client.get(url, {"q": "alpha"}).wsgi_request.page_cache == "hit"


def test_a_partner_renamed_into_a_search_appears_at_once(client, territory):
    PartnerFactory(territory=territory, name="Alpha emploi", slug="alpha")
    other = PartnerFactory(territory=territory, name="Beta insertion", slug="beta")
    url = reverse("partners:list")
    assert results(client.get(url, {"q": "alpha"})) == ["Alpha emploi"]
    other.name = "Alpha formation"
    other.save()
    assert results(client.get(url, {"q": "alpha"})) == ["Alpha emploi", "Alpha formation"]
