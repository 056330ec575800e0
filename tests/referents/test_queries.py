"""Constant query counts on the network, event and guide pages, at the size of the test fixtures
and at the size of a whole department (300 communes, two référents each)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Contact
from portal.models import Commune, CommuneOutline
from referents.models import Referent
from tests.factories import MeetingFactory, ReferentFactory, ServiceFactory
from tests.referents.conftest import make_partner
from tests.referents.test_orientation import boxes


def grow(territory, epci, department, size):
    """Add `size` communes with two référents each, partners with contacts and meetings."""
    communes = Commune.objects.bulk_create(
        Commune(
            insee_code=f"17{index:03d}",
            name=f"Commune étendue {index}",
            search_name=f"commune etendue {index}",
            postal_codes="17000",
            department=department,
            epci=epci,
        )
        for index in range(size)
    )
    CommuneOutline.objects.bulk_create(  # on the network's map
        CommuneOutline(
            commune=commune,
            path=f"M{index * 10} 0l10 0 0 10-10 0z",
            x_min=index * 10,
            y_min=0,
            x_max=index * 10 + 10,
            y_max=10,
        )
        for index, commune in enumerate(communes)
    )
    Referent.objects.bulk_create(
        Referent(
            first_name=f"P{index}-{slot}",
            last_name="Test",
            role="elu" if slot else "technicien",
            commune=commune,
            mandate_start=date(2020, 7, 1),
            email=f"p{index}-{slot}@example.org",
        )
        for index, commune in enumerate(communes)
        for slot in range(2)
    )
    for index in range(size // 30):
        partner = make_partner(
            territory,
            "france-service",
            f"France services {index}",
            publics=["jeunes", "seniors"],
            themes=["numerique", "mobilite"],
        )
        Contact.objects.create(partner=partner, first_name="A", last_name=f"B{index}")
        Contact.objects.create(partner=partner, first_name="C", last_name=f"D{index}")
        for _number in range(2):
            ServiceFactory(
                partner=partner,
                themes=["mobilite--financer-ma-mobilite", "numerique--acquerir-un-equipement"],
                publics=["jeunes", "seniors"],
            )
    for index in range(size // 30):
        MeetingFactory(territory=territory, starts_at=timezone.now() - timedelta(days=30 * index))


@pytest.fixture(params=[0, 300], ids=["small", "department"])
def network(request, territory, epci, communes, mission_locale, france_travail):
    pair = [ReferentFactory(commune=communes[1]), ReferentFactory(commune=communes[1])]
    meeting = MeetingFactory(territory=territory, host=mission_locale)
    meeting.invited.set(pair)
    meeting.present.set(pair[:1])
    ServiceFactory(
        partner=mission_locale, themes=["mobilite--preparer-un-permis"], publics=["jeunes"]
    )
    if request.param:
        grow(territory, epci, communes[0].department, request.param)
        meeting.invited.set(Referent.objects.all())
    return {"meeting": meeting, "referent": pair[0], "commune": communes[1]}


# Common to every page: 1 session, 2 user, 3 memberships with their territories (roles, menu
# and current territory: one query, portal/access.py).


def test_network_page_query_count(territory, referent_client, network, django_assert_num_queries):
    # 4 content versions (page cache), 5 communes with EPCI and outline (the map), 6 active
    # référents
    url = reverse("referents:list", args=[territory.slug])
    with django_assert_num_queries(6):
        response = referent_client.get(url)
    assert response.text.count('<a href="/referents/grand-angouleme/#commune-') == (
        CommuneOutline.objects.count()
    )
    # From the page cache: session, user, memberships with territories, content versions.
    with django_assert_num_queries(4):
        assert referent_client.get(url).wsgi_request.page_cache == "hit"
    with django_assert_num_queries(6):
        referent_client.get(url, {"couverture": "aucun", "q": "commune"})
    with django_assert_num_queries(4):
        referent_client.get(url, {"q": "commune", "couverture": "aucun"})


def test_referent_page_query_count(referent_client, network, django_assert_num_queries):
    # 3 référent, 4 territories of its commune, 5 memberships with territories,
    # 6 partners, 7 publics, 8 themes, 9 contacts, 10-13 zone prefetches, 14 meetings
    with django_assert_num_queries(14):
        referent_client.get(network["referent"].get_absolute_url())


def test_meeting_page_query_count(referent_client, network, django_assert_num_queries):
    # 3 meeting with host, 4 memberships with territories, 5 next meeting, 6 roadmap actions,
    # 7 signals « à examiner », 8 invited, 9 present
    with django_assert_num_queries(9):
        referent_client.get(network["meeting"].get_absolute_url())


def test_guide_query_count(territory, referent_client, network, django_assert_num_queries):
    # 4 content versions (page cache), 5 communes (selector), 6 partners, 7 publics, 8 themes,
    # 9 contacts, 10 their services, 11 référents, 12 communes with outline (map), 13 outline
    # sections, 14 publics and 15 themes (default outline), 16 coordinators, 17 meetings
    url = reverse("referents:guide", args=[territory.slug])
    with django_assert_num_queries(17):
        referent_client.get(url)
    # From the page cache: session, user, memberships with territories, content versions.
    with django_assert_num_queries(4):
        assert referent_client.get(url).status_code == 200


def test_commune_guide_query_count(territory, referent_client, network, django_assert_num_queries):
    # 4 content versions, 5 communes, 6 commune with department, 7 partners, 8-10
    # publics/themes/contacts, 11-14 zone prefetches, 15 their services, 16 référents, 17
    # communes with outline (map), 18 sections, 19-20 default outline, 21 coordinators, 22 meetings
    url = reverse("referents:guide", args=[territory.slug]) + f"?commune={network['commune'].pk}"
    with django_assert_num_queries(22):
        referent_client.get(url)
    with django_assert_num_queries(4):
        assert referent_client.get(url).status_code == 200


def test_orientation_query_count(territory, referent_client, network, django_assert_num_queries):
    """An interview with two needs ticked, both met by a partner at both sizes."""
    url = reverse("referents:orientation", args=[territory.slug])
    names = boxes(referent_client.get(url))
    data = {
        "commune": network["commune"].pk,
        names["A moins de 26 ans"]: "on",
        names["A besoin d'une solution de mobilité"]: "on",
    }
    # 4 outline sections, 5-6 publics and themes (default outline), 7 commune with department,
    # 8 partners of the network serving it (address with department, in-territory flag),
    # 9 publics, 10 themes, 11 contacts, 12-15 zone prefetches, 16 their services, 17 the
    # services' themes, 18 publics, 19 savepoint, 20 count, 21 its needs, 22 release
    # savepoint, 23-24 the commune selector (count, communes)
    with django_assert_num_queries(24):
        referent_client.post(url, data)
