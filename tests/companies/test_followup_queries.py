"""The follow-up's pages run a constant number of queries, whatever the data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import Need
from tests.factories import (
    CompanyContactFactory,
    EstablishmentFactory,
    ExchangeFactory,
    NeedFactory,
    NeedNoteFactory,
    PartnerFactory,
    ReminderFactory,
)


def fill(territory, coordinator, establishment, count):
    """`count` échanges, needs, rappels and contacts on the establishment, and as many needs on
    other establishments of the territory."""
    partner = PartnerFactory(territory=territory)
    for n in range(count):
        contact = CompanyContactFactory(establishment=establishment, territory=territory)
        exchange = ExchangeFactory(
            establishment=establishment, territory=territory, private_note=f"Note {n}"
        )
        exchange.people.add(coordinator)
        exchange.partners.add(partner)
        exchange.contacts.add(contact)
        for kind in (Need.Kind.RECRUITMENT, Need.Kind.TRAINING):
            need = NeedFactory(establishment=establishment, territory=territory, kind=kind)
            need.partners.add(partner)
            NeedNoteFactory(need=need)
        other = EstablishmentFactory(commune=establishment.commune)
        NeedFactory(establishment=other, territory=territory, job=f"Métier {n % 3}")
        ReminderFactory(
            establishment=establishment,
            territory=territory,
            person=coordinator,
            date=timezone.localdate() - datetime.timedelta(days=n - 2),
        )


@pytest.fixture(params=[1, 10], ids=["small", "large"])
def data(request, territory, coordinator, establishment):
    fill(territory, coordinator, establishment, request.param)
    return establishment


def count_queries(client, url, django_assert_num_queries, expected, **params):
    with django_assert_num_queries(expected):
        response = client.get(url, params)
    assert response.status_code == 200
    return response


# 1 session, 2 user, 3 memberships with their territories, 4 establishment (legal unit, NAF,
# workforce band, commune), 5 its territories; the follow-up: 6 échanges, 7 their people,
# 8 partners, 9 contacts met, 10 needs, 11 contacts, 12 rappels
ESTABLISHMENT_PAGE = 12


def test_establishment_page(coordinator_client, data, django_assert_num_queries):
    count_queries(
        coordinator_client, data.get_absolute_url(), django_assert_num_queries, ESTABLISHMENT_PAGE
    )


# 1 session, 2 user, 3 memberships with their territories (the one in the path among them),
# 4 NAF sections, 5 type × status, 6 count, 7 recruitment by métier and sector,
# 8 « à relancer », 9 page of needs
NEED_LIST = 9


def test_need_list(coordinator_client, territory, data, django_assert_num_queries):
    count_queries(
        coordinator_client,
        reverse("companies:need_list", args=[territory.slug]),
        django_assert_num_queries,
        NEED_LIST,
    )


# 1 session, 2 user, 3 memberships, 4 need (establishment, territory, échange), 5 partners,
# 6 notes, 7 roadmap link (roadmaps' panel), 8 current roadmap
NEED_PAGE = 8


def test_need_page(coordinator_client, territory, data, django_assert_num_queries):
    need = Need.objects.filter(establishment=data).first()
    count_queries(coordinator_client, need.get_absolute_url(), django_assert_num_queries, NEED_PAGE)


# 1 session, 2 user, 3 memberships, 4 content versions (page cache), 5 territory, 6 its EPCIs,
# 7 figures, 8 « mes rappels », 9 signaux faibles to triage (roadmaps.panels); from the page
# cache, the panels only after the first four: they are rendered for each request
HOME = 9
HOME_CACHED = 6


def test_home_with_reminders(coordinator_client, data, django_assert_num_queries):
    response = count_queries(coordinator_client, reverse("home"), django_assert_num_queries, HOME)
    assert "Mes rappels" in response.text
    cached = count_queries(
        coordinator_client, reverse("home"), django_assert_num_queries, HOME_CACHED
    )
    assert cached.wsgi_request.page_cache == "hit"
    assert cached.text.count("Marquer comme fait") == response.text.count("Marquer comme fait")


# 1 session, 2 user, 3 memberships, 4 establishment, 5 its territories; the records of the
# 6 échanges, 7 their people, 8 partners, 9 contacts met, 10 needs, 11 their partners,
# 12 rappels, 13 contacts; the names of 14 people, 15 partners, 16 contacts
HISTORY = 16


def test_history(coordinator_client, data, django_assert_num_queries):
    url = reverse("companies:history", args=[data.siret])
    count_queries(coordinator_client, url, django_assert_num_queries, HISTORY)


# 1 session, 2 user, 3 memberships with their territories, 4 NAF sections, 5 échanges by
# sector, 6 needs by sector and status, 7 needs by kind
SUMMARY = 7


def test_summary(coordinator_client, territory, data, django_assert_num_queries):
    url = reverse("companies:summary", args=[territory.slug])
    count_queries(coordinator_client, url, django_assert_num_queries, SUMMARY)
