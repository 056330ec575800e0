"""/api/v1/ structures, services and events: the records, their filters and pages, bad input,
and no personal data. Every answer is checked against the API's own OpenAPI description."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from data_inclusion.schema import v1
from django.urls import reverse
from django.utils import timezone

from partners.models import Partner, Service
from tests.factories import PartnerFactory, ServiceFactory

pytestmark = pytest.mark.django_db

STRUCTURES = reverse("api:structures")
SERVICES = reverse("api:services")
EVENTS = reverse("api:evenements")


def get(client, checked, url, params=None, status=200):
    response = checked(client.get(url, params or {}))
    assert response.status_code == status, response.content
    return response.json()


def walk(client, checked, url, params):
    """Every record of every page, following `next`."""
    records, pages = [], 0
    body = get(client, checked, url, params)
    while True:
        records += body["results"]
        pages += 1
        if not body["next"]:
            return records, pages
        parts = urlsplit(body["next"])
        assert parts.path == url
        body = get(client, checked, url, {k: v[0] for k, v in parse_qs(parts.query).items()})


@pytest.mark.parametrize(
    ("url", "export", "model"),
    [
        (STRUCTURES, "partners:export_json", v1.Structure),
        (SERVICES, "partners:export_services_json", v1.Service),
    ],
)
def test_records_are_the_exports_valid_for_data_inclusion(
    client, checked, world, url, export, model
):
    records = get(client, checked, url)["results"]
    assert len(records) == 3
    for record in records:
        model.model_validate(record)
    exported = client.get(reverse(export)).json()
    assert sorted(records, key=lambda r: r["id"]) == sorted(exported, key=lambda r: r["id"])


def test_structures_filtered_by_territory_and_commune(client, checked, world):
    ids = {
        r["id"]
        for r in get(client, checked, STRUCTURES, {"territoire": "grand-angouleme"})["results"]
    }
    assert ids == {"mission-locale-angoumois", "pole-soyaux"}
    ids = {r["id"] for r in get(client, checked, STRUCTURES, {"commune": "16374"})["results"]}
    assert ids == {"pole-soyaux"}
    services = get(client, checked, SERVICES, {"territoire": "grand-bergeracois"})["results"]
    assert {r["structure_id"] for r in services} == {"cluster-b"}


def test_modified_since_keeps_the_recent_ones(client, checked, world):
    long_ago = timezone.now() - timedelta(days=30)
    Partner.objects.exclude(slug="cluster-b").update(updated_at=long_ago)
    Service.objects.update(updated_at=long_ago)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    ids = [r["id"] for r in get(client, checked, STRUCTURES, {"modifie_depuis": since})["results"]]
    assert ids == ["cluster-b"]
    # A service changes with its structure too.
    services = get(client, checked, SERVICES, {"modifie_depuis": since})["results"]
    assert [r["structure_id"] for r in services] == ["cluster-b"]


def test_events_are_the_upcoming_public_ones(client, checked, world):
    records = get(client, checked, EVENTS)["results"]
    forum, dating, bergerac = world["events"]
    assert [r["id"] for r in records] == [forum.pk, dating.pk, bergerac.pk]
    first = records[0]
    assert first["url"] == "http://testserver" + forum.get_public_url()
    assert first["url_ics"].endswith(".ics")
    assert first["inscription_ouverte"] is True
    assert first["code_insee"] == "16015"  # the host's commune
    assert "12 rue de Paris" in first["lieu"]
    assert records[1]["inscription_ouverte"] is False
    assert records[1]["code_insee"] == "16374"
    assert client.get(first["url"]).status_code == 200


def test_events_filtered(client, checked, world):
    forum, dating, bergerac = world["events"]
    body = get(client, checked, EVENTS, {"territoire": "grand-bergeracois"})
    assert [r["id"] for r in body["results"]] == [bergerac.pk]
    body = get(client, checked, EVENTS, {"commune": "16374"})
    assert [r["id"] for r in body["results"]] == [dating.pk]


@pytest.mark.parametrize("url", [STRUCTURES, SERVICES, EVENTS])
def test_walking_the_pages_sees_every_record_once(client, checked, world, url):
    for index in range(7):
        partner = PartnerFactory(territory=world["partners"][0].territory, slug=f"extra-{index}")
        ServiceFactory(partner=partner)
    # Same updated_at for several rows: the id breaks ties.
    Partner.objects.filter(slug__startswith="extra-").update(updated_at=timezone.now())
    everything = get(client, checked, url, {"taille": 500})["results"]
    records, pages = walk(client, checked, url, {"taille": 2})
    assert pages == (len(everything) + 1) // 2
    assert [r["id"] for r in records] == [r["id"] for r in everything]
    assert len({r["id"] for r in records}) == len(records)


def test_link_header_gives_the_next_page(client, checked, world):
    response = checked(client.get(STRUCTURES, {"taille": 1}))
    assert response["Link"] == f'<{response.json()["next"]}>; rel="next"'


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"curseur": "n'importe-quoi"}, 400, "Curseur invalide"),
        ({"curseur": "WzEsMl0"}, 400, "Curseur invalide"),  # base64 of [1,2]
        ({"modifie_depuis": "hier"}, 400, "modifie_depuis"),
        ({"taille": "0"}, 400, "taille"),
        ({"taille": "100000"}, 400, "taille"),
        ({"taille": "beaucoup"}, 400, "taille"),
        ({"territoire": "atlantide"}, 404, "Territoire inconnu"),
        ({"commune": "99999"}, 404, "Commune inconnue"),
    ],
)
@pytest.mark.parametrize("url", [STRUCTURES, SERVICES, EVENTS])
def test_bad_input_gets_a_french_message(client, checked, world, url, params, status, words):
    body = get(client, checked, url, params, status=status)
    assert words in body["detail"]


def test_no_personal_data_anywhere(client, checked, world):
    """Partner contacts (the directory's privacy fixtures), event registrations, agendas and
    internal meetings never show in any answer."""
    text = json.dumps(
        [get(client, checked, url, {"taille": 500}) for url in (STRUCTURES, SERVICES, EVENTS)],
        ensure_ascii=False,
    )
    for secret in (
        "Zéphyrine",
        "Démo-Rivière",
        "+33500000099",  # the contacts' phone
        "démo-rivière@example.org",
        "Camille Secrète",
        "camille.secrete@example.org",
        "Point confidentiel",
        "Tour de table",
        world["internal"].title,
        world["past"].title,
    ):
        assert secret not in text
