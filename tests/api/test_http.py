"""/api/v1/ over HTTP: ETag and Last-Modified with their 304 answers, the rate limit, CORS and
the constant number of queries per page."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from partners.models import Partner
from tests.factories import PartnerFactory, PublicEventFactory, ServiceFactory

pytestmark = pytest.mark.django_db

URLS = [reverse("api:structures"), reverse("api:services"), reverse("api:evenements")]


@pytest.fixture
def still_clock(monkeypatch):
    """The minute in the events' ETag does not turn during the test."""
    monkeypatch.setattr("api.http.current_minute", lambda: "2026-11-30T10:00")


def test_events_etag_changes_with_the_minute(client, world, monkeypatch):
    url = reverse("api:evenements")
    monkeypatch.setattr("api.http.current_minute", lambda: "2026-11-30T10:00")
    etag = client.get(url)["ETag"]
    monkeypatch.setattr("api.http.current_minute", lambda: "2026-11-30T10:01")
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_etag_answers_304_until_the_content_changes(client, checked, world, still_clock, url):
    first = checked(client.get(url))
    etag = first["ETag"]
    assert etag.startswith('"')
    again = checked(client.get(url, headers={"if-none-match": etag}))
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    other_query = client.get(url, {"taille": 1}, headers={"if-none-match": etag})
    assert other_query.status_code == 200
    partner = world["partners"][0]
    partner.description = "Une description changée pour l'occasion."
    partner.save()
    changed = checked(client.get(url, headers={"if-none-match": etag}))
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize("url", URLS)
def test_last_modified_answers_304(client, checked, world, url):
    response = checked(client.get(url))
    last_modified = response["Last-Modified"]
    assert checked(client.get(url, headers={"if-modified-since": last_modified})).status_code == 304
    earlier = http_date((timezone.now() - timedelta(days=1)).timestamp())
    assert client.get(url, headers={"if-modified-since": earlier}).status_code == 200


def test_last_modified_is_the_latest_record_of_the_page(client, world):
    moment = timezone.now() - timedelta(days=3)
    Partner.objects.update(updated_at=moment)
    response = client.get(reverse("api:structures"))
    assert response["Last-Modified"] == http_date(moment.timestamp())


def test_rate_limit_answers_429_in_french(client, checked, world, settings):
    settings.API_RATE_LIMIT = 3
    caches["throttle"].clear()  # the schema read by `checked`
    url = reverse("api:structures")
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = checked(client.get(url))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Trop de requêtes" in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"
    # Another client is not limited.
    assert client.get(url, REMOTE_ADDR="192.0.2.9").status_code == 200


@pytest.mark.parametrize("url", [*URLS, reverse("api:schema")])
def test_cors_is_open_for_reading(client, db, url):
    response = client.get(url, headers={"origin": "https://exemple.fr"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        url,
        headers={"origin": "https://exemple.fr", "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]


def test_cors_only_on_the_api(client, db):
    assert "Access-Control-Allow-Origin" not in client.get(reverse("partners:list"))


def test_writes_are_refused(client, db):
    assert client.post(reverse("api:structures")).status_code == 405


def test_head_is_answered_as_get(client, world):
    response = client.head(reverse("api:evenements"))
    assert response.status_code == 200
    assert response["ETag"]
    assert response.content == b""


def _grow(world, size):
    first = world["partners"][0]
    for index in range(size):
        partner = PartnerFactory(
            territory=first.territory,
            commune=first.commune,
            slug=f"grow-{size}-{index}",
            themes=["mobilite"],
        )
        ServiceFactory(
            partner=partner,
            publics=["jeunes"],
            themes=["mobilite--etre-accompagne-dans-son-parcours-mobilite"],
        )
        PublicEventFactory(territory=first.territory, host=partner)


# structures: 1 content version, 2 partners with category and commune
# services: 1 content version, 2 services with partner, 3 themes, 4 publics
# evenements: 1 content version, 2 events with territory, host, communes
# a filter by territory or commune: + 1 to find it
@pytest.mark.parametrize(
    ("url", "params", "queries"),
    [
        (URLS[0], {}, 2),
        (URLS[1], {}, 4),
        (URLS[2], {}, 2),
        (URLS[0], {"territoire": "grand-angouleme"}, 3),
        (URLS[1], {"commune": "16015"}, 5),
        (URLS[2], {"commune": "16015"}, 3),
    ],
)
def test_queries_are_constant(client, world, django_assert_num_queries, url, params, queries):
    for size in (2, 20):
        _grow(world, size)
        with django_assert_num_queries(queries):
            response = client.get(url, params)
        assert response.status_code == 200
        assert len(response.json()["results"]) >= size
