"""A page per commune (/communes/<code INSEE>-<slug>/) and the « Votre commune » search."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partners.models import Category, Partner, Theme
from portal.models import CommuneOutline
from referents.models import OrientationCount
from tests.factories import CommuneFactory, MeetingFactory, PublicEventFactory, ReferentFactory


def page(commune):
    return reverse("communes:detail", args=[commune.insee_code, commune.slug])


def square(commune, x, y=0):
    return CommuneOutline.objects.create(
        commune=commune,
        path=f"M{x} {y}l100 0 0 100-100 0z",
        x_min=x,
        y_min=y,
        x_max=x + 100,
        y_max=y + 100,
    )


def partner(territory, name, commune=None, **fields):
    return Partner.objects.create(
        territory=territory,
        name=name,
        slug=name.lower().replace(" ", "-"),
        category=Category.objects.get(slug="mission-locale"),
        commune=commune,
        **fields,
    )


@pytest.fixture
def served(territory, communes):
    """Soyaux served by partners at Soyaux, at Angoulême (2 km) and at Champniers (20 km),
    and by a national partner; a partner of the other territory's zone serves it not."""
    angouleme, soyaux, champniers = communes
    square(soyaux, 0)
    square(angouleme, 40)  # centres 40 units apart: 2 km
    square(champniers, 400)  # 400 units: 20 km
    far = partner(territory, "Loin", champniers)
    near = partner(territory, "Proche", angouleme)
    here = partner(territory, "Ici", soyaux)
    national = partner(territory, "National", None, is_national=True)
    for each in (far, near, here):
        each.zone_territories.add(territory)
    return {"here": here, "near": near, "far": far, "national": national}


def names_in_order(content, names):
    return sorted(names, key=content.index)


def test_partners_serving_the_commune_nearest_first(client, served, soyaux):
    response = client.get(page(soyaux))
    content = response.content.decode()
    assert response.status_code == 200
    assert names_in_order(content, ["National", "Loin", "Proche", "Ici"]) == [
        "Ici",
        "Proche",
        "Loin",
        "National",
    ]
    assert "Dans la commune" in content
    assert "à environ 2 km" in content and "à environ 20 km" in content
    assert "Intervient dans toute la France" in content
    assert "4 partenaires interviennent dans la commune" in content
    # the map: every commune of the territory, each linked to its page
    assert 'id="carte-commune"' in content
    assert reverse("communes:detail", args=["16015", "angouleme"]) in content


def test_a_visitor_and_another_territory_see_no_referent(other_coordinator, pair, soyaux, served):
    # Two clients: the `client` fixtures share one, signed in by the last one asked for.
    visitor, other = Client(), Client()
    other.force_login(other_coordinator)
    for each in (visitor, other):
        content = each.get(page(soyaux)).content.decode()
        assert pair[0].last_name not in content and pair[0].email not in content
        assert "Référents emploi-insertion" not in content
        assert "Besoins rencontrés" not in content


def test_members_see_referents_attendance_and_needs(referent_client, territory, pair, soyaux):
    held = MeetingFactory(territory=territory, starts_at=timezone.now() - datetime.timedelta(30))
    held.invited.set(pair)
    held.present.set(pair[:1])
    older = MeetingFactory(territory=territory, starts_at=timezone.now() - datetime.timedelta(500))
    older.invited.set(pair)
    older.present.set(pair)  # more than 12 months ago: not counted
    ReferentFactory(commune=soyaux, mandate_end=timezone.localdate() - datetime.timedelta(1))
    health = Theme.objects.get(slug="sante")
    for _ in range(6):
        OrientationCount.objects.create(territory=territory, commune=soyaux).needs.add(health)
    OrientationCount.objects.get(pk=OrientationCount.objects.first().pk).unmet_needs.add(health)

    content = referent_client.get(page(soyaux)).content.decode()

    assert pair[0].email in content and pair[1].email in content
    assert content.count("Présent à 1 rendez-vous du réseau sur 1") == 1
    assert content.count("Présent à 0 rendez-vous du réseau sur 1") == 1
    assert "Entretiens comptés anonymement" in content and ": 6." in content
    row = content[content.index(">Santé<") :]
    assert "<td>6</td>" in row[:200] and "moins de 5" in row[:200]  # one unmet: hidden


def test_public_events_of_the_territory_those_in_the_commune_first(
    client, territory, communes, soyaux
):
    soon = timezone.now() + datetime.timedelta(days=3)
    PublicEventFactory(territory=territory, title="Forum à Angoulême", starts_at=soon)
    PublicEventFactory(
        territory=territory,
        title="Job dating à Soyaux",
        starts_at=soon + datetime.timedelta(days=5),
        commune=soyaux,
    )
    MeetingFactory(territory=territory, title="Réunion interne", starts_at=soon)
    content = client.get(page(soyaux)).content.decode()
    assert names_in_order(content, ["Forum à Angoulême", "Job dating à Soyaux"]) == [
        "Job dating à Soyaux",
        "Forum à Angoulême",
    ]
    assert "Réunion interne" not in content


def test_the_address_keeps_to_the_code_and_redirects_a_wrong_name(client, soyaux, territory):
    response = client.get("/communes/16374-soyo/")
    assert response.status_code == 301 and response["Location"] == page(soyaux)
    assert client.get("/communes/99999-nulle-part/").status_code == 404


def test_a_commune_outside_every_territory_has_no_page(client, territory):
    alone = CommuneFactory(insee_code="2A004", name="Ajaccio", postal_codes="20000", epci=None)
    assert client.get(page(alone)).status_code == 404
    assert client.get("/communes/?q=ajaccio").status_code == 200  # not found, not an error


def test_search_by_name_without_accents_or_by_postal_code(client, territory, communes):
    angouleme = communes[0]
    response = client.get("/communes/", {"q": "ANGOULEME"})
    assert response.status_code == 302 and response["Location"] == page(angouleme)
    response = client.get("/communes/", {"q": "16800"})
    assert response["Location"] == page(communes[1])
    response = client.get("/communes/", {"q": "16"})  # several: a list
    content = response.content.decode()
    assert response.status_code == 200
    assert all(page(each) in content for each in communes)
    response = client.get("/communes/", {"q": "Paris"})
    assert "Aucune commune d'un territoire du réseau ne correspond" in response.content.decode()


def test_search_rejects_oversized_input_with_a_french_message(client, territory):
    response = client.get("/communes/", {"q": "x" * 101})
    assert response.status_code == 400
    assert "au plus 100 caractères" in response.content.decode()


def test_the_search_box_is_on_the_home_pages(client, referent_client, territory):
    for each in (client, referent_client):
        content = each.get("/").content.decode()
        assert 'action="/communes/"' in content and 'name="q"' in content


def test_the_network_and_the_directory_link_to_the_commune(
    referent_client, territory, soyaux, served
):
    network = referent_client.get(reverse("referents:list", args=[territory.slug]))
    assert page(soyaux) in network.content.decode()
    directory = referent_client.get(reverse("partners:list"), {"commune": "16374"})
    assert page(soyaux) in directory.content.decode()


def fill(territory, communes, size):
    """`size` partners at Angoulême serving the territory, `size` référents at Soyaux invited
    to `size` past rendez-vous, `size` interviews."""
    angouleme, soyaux, _ = communes
    theme = Theme.objects.get(slug="sante")
    referents = [ReferentFactory(commune=soyaux) for _ in range(size)]
    for number in range(size):
        each = partner(territory, f"Partenaire {size} {number}", angouleme)
        each.zone_territories.add(territory)
        meeting = MeetingFactory(
            territory=territory, starts_at=timezone.now() - datetime.timedelta(days=number + 1)
        )
        meeting.invited.set(referents)
        meeting.present.set(referents[:1])
        count = OrientationCount.objects.create(territory=territory, commune=soyaux)
        count.needs.add(theme)
        count.unmet_needs.add(theme)
        MeetingFactory(territory=territory, starts_at=timezone.now() + datetime.timedelta(number))
        PublicEventFactory(
            territory=territory, starts_at=timezone.now() + datetime.timedelta(number + 1)
        )


# visitor: 1 commune, 2 territories, 3 the next moment a public event is over, 4 the content
# version; on a miss 5 the ids of the partners shown, 6 their versions (show_rows), 7 their
# rows, 8 services, 9 count, 10 public events, 11 published actions, 12 map; on a hit 5 the
# versions of the partners it shows. Another territory's member: + session, user and
# memberships. A member of the commune's territory (not cached): commune, session, user,
# territories, memberships, partners' ids, their rows, services, count, public events,
# published actions, map, référents, 3 needs queries, rendez-vous.
QUERIES = {"visitor": (12, 5), "other territory": (15, 8), "referent": (17, 17)}


@pytest.mark.parametrize("who", list(QUERIES))
def test_the_page_costs_the_same_queries_at_two_sizes(
    client, referent, other_coordinator, territory, communes, django_assert_num_queries, who
):
    soyaux = communes[1]
    square(soyaux, 0)
    square(communes[0], 40)
    if who != "visitor":
        client.force_login({"referent": referent, "other territory": other_coordinator}[who])
    miss, hit = QUERIES[who]
    for size in (2, 8):
        fill(territory, communes, size)
        with django_assert_num_queries(miss):
            assert client.get(page(soyaux)).status_code == 200
        with django_assert_num_queries(hit):
            response = client.get(page(soyaux))
        assert response.status_code == 200
        cached = getattr(response.wsgi_request, "page_cache", None)
        assert cached == ("hit" if who != "referent" else None)


def logged_in(user):
    each = Client()
    each.force_login(user)
    return each


def test_the_public_copy_is_cached_and_the_members_copy_never_served_to_others(
    referent, other_coordinator, pair, soyaux, served
):
    visitor, member, other = Client(), logged_in(referent), logged_in(other_coordinator)
    first = member.get(page(soyaux))  # the members' page, rendered first: never kept
    assert pair[0].email in first.text and "Référents emploi-insertion" in first.text
    for each in (visitor, other):
        response = each.get(page(soyaux))
        assert response.wsgi_request.page_cache == "miss"
        assert pair[0].email not in response.text and pair[0].last_name not in response.text
        assert "Référents emploi-insertion" not in response.text
        again = each.get(page(soyaux))
        assert again.wsgi_request.page_cache == "hit" and pair[0].email not in again.text
    # and the public copies, kept now, are never served to the territory's members
    second = member.get(page(soyaux))
    assert not hasattr(second.wsgi_request, "page_cache")
    assert pair[0].email in second.text and "Besoins rencontrés" in second.text


def test_a_partner_edited_anywhere_or_an_event_over_renews_the_public_copy(
    client, territory, other_territory, soyaux, served, monkeypatch
):
    now = timezone.now()
    PublicEventFactory(
        territory=territory,
        title="Forum du matin",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
    )
    assert "Forum du matin" in client.get(page(soyaux)).text
    national = served["national"]
    national.name = "National renommé"
    national.save()
    response = client.get(page(soyaux))
    assert response.wsgi_request.page_cache == "miss" and "National renommé" in response.text
    assert client.get(page(soyaux)).wsgi_request.page_cache == "hit"
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=2))
    response = client.get(page(soyaux))
    assert response.wsgi_request.page_cache == "miss" and "Forum du matin" not in response.text
