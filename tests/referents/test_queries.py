"""Constant query counts on the network, event and guide pages, at the size of the test fixtures
and at the size of a whole department (300 communes, two référents each)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Contact
from portal.models import Commune
from referents.models import Referent
from tests.factories import MeetingFactory, ReferentFactory
from tests.referents.conftest import make_partner


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
    for index in range(size // 30):
        MeetingFactory(territory=territory, starts_at=timezone.now() - timedelta(days=30 * index))


@pytest.fixture(params=[0, 300], ids=["small", "department"])
def network(request, territory, epci, communes, mission_locale, france_travail):
    pair = [ReferentFactory(commune=communes[1]), ReferentFactory(commune=communes[1])]
    meeting = MeetingFactory(territory=territory, host=mission_locale)
    meeting.invited.set(pair)
    meeting.present.set(pair[:1])
    if request.param:
        grow(territory, epci, communes[0].department, request.param)
        meeting.invited.set(Referent.objects.all())
    return {"meeting": meeting, "referent": pair[0], "commune": communes[1]}


# Common to every page: 1 session, 2 user, 3 memberships (roles), 4 territories (current).


def test_network_page_query_count(referent_client, network, django_assert_num_queries):
    # 5 communes with EPCI, 6 active référents
    with django_assert_num_queries(6):
        referent_client.get(reverse("referents:list"))


def test_referent_page_query_count(referent_client, network, django_assert_num_queries):
    # 3 référent, 4 territories of its commune, 5 memberships, 6 territories (current),
    # 7 partners, 8 publics, 9 themes, 10 contacts, 11-14 zone prefetches, 15 meetings
    with django_assert_num_queries(15):
        referent_client.get(network["referent"].get_absolute_url())


def test_meeting_page_query_count(referent_client, network, django_assert_num_queries):
    # 3 meeting with host, 4 memberships, 5 next meeting, 6 roadmap actions, 7 invited, 8 present,
    # 9 territories (current, for the header)
    with django_assert_num_queries(9):
        referent_client.get(network["meeting"].get_absolute_url())


def test_guide_query_count(referent_client, network, django_assert_num_queries):
    # 5 communes (selector), 6 partners, 7 publics, 8 themes, 9 contacts, 10 référents,
    # 11 outline sections, 12 publics and 13 themes (default outline), 14 coordinators, 15 meetings
    with django_assert_num_queries(15):
        referent_client.get(reverse("referents:guide"))


def test_commune_guide_query_count(referent_client, network, django_assert_num_queries):
    # 5 communes, 6 commune with department, 7 partners, 8-10 publics/themes/contacts,
    # 11-14 zone prefetches, 15 référents, 16 sections, 17-18 default outline, 19 coordinators,
    # 20 meetings
    url = reverse("referents:guide") + f"?commune={network['commune'].pk}"
    with django_assert_num_queries(20):
        referent_client.get(url)
