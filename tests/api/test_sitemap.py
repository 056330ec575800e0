"""/sitemap.xml lists the public pages only; /robots.txt keeps robots out of member areas."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import PartnerFactory, PublicEventFactory

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [element.text for element in root.findall("s:url/s:loc", NS)]


def test_sitemap_lists_the_public_pages(client, world):
    found = locations(client)
    base = "http://testserver"
    forum = world["events"][0]
    for path in (
        reverse("home"),
        reverse("partners:list"),
        reverse("events:list"),
        reverse("api:api-root"),
        world["partners"][0].get_absolute_url(),
        reverse("communes:detail", args=["16015", "angouleme"]),
        reverse("communes:detail", args=["24037", "bergerac"]),
        forum.get_public_url(),
    ):
        assert base + path in found
    assert base + world["past"].get_public_url() not in found
    assert not any("/referents/" in url or "/entreprises/" in url for url in found)
    for url in found:  # every listed page answers a visitor
        assert client.get(url).status_code == 200, url


def test_sitemap_queries_are_constant(client, world, django_assert_num_queries):
    # partners, communes, events: for each, the paginator counts then reads its page; the
    # published roadmaps: one query (a list)
    for size in (2, 20):
        for index in range(size):
            partner = PartnerFactory(slug=f"sitemap-{size}-{index}")
            PublicEventFactory(territory=world["events"][0].territory, host=partner)
        with django_assert_num_queries(7):
            assert client.get(reverse("sitemap")).status_code == 200


def test_sitemap_lists_the_published_roadmaps_only(client, territory, other_territory):
    from roadmaps.models import Roadmap
    from tests.factories import RoadmapFactory

    RoadmapFactory(territory=territory, status=Roadmap.Status.VALIDATED, is_published=True)
    RoadmapFactory(territory=other_territory, status=Roadmap.Status.VALIDATED)
    text = client.get(reverse("sitemap")).content.decode()
    assert reverse("roadmaps:detail", args=[territory.slug]) in text
    assert reverse("roadmaps:dashboard", args=[territory.slug]) in text
    assert reverse("roadmaps:detail", args=[other_territory.slug]) not in text


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get(reverse("robots"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for path in ("/admin/", "/referents/", "/entreprises/"):
        assert f"Disallow: {path}\n" in text
    assert "Disallow: /partenaires/" not in text
    assert "Disallow: /comptes/" not in text  # sign-in pages: crawlable, not indexed content
