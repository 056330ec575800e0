"""The signals' pages, the agenda of the next rendez-vous and the coordination's home page run a
constant number of queries, with a few signals and with many (groups, communes, themes, partners,
actions and history records on each)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.forms import naf_choices
from partners.models import Theme
from roadmaps.models import Signal
from roadmaps.queries import signals_to_examine
from tests.factories import (
    EstablishmentFactory,
    MeetingFactory,
    PartnerFactory,
    SignalFactory,
    UserFactory,
)

SLUG = "grand-angouleme"


def build(territory, communes, actions, *, count):
    """`count` groups of three signals with their links, and the lead's history."""
    themes = list(Theme.objects.categories()[:3])
    partners = PartnerFactory.create_batch(2, territory=territory)
    establishment = EstablishmentFactory(commune=communes[0])
    for number in range(count):
        lead = SignalFactory(
            territory=territory,
            author=UserFactory(),
            status="a_examiner",
            naf_id="C",
            establishment=establishment,
            observed_on=timezone.localdate() - datetime.timedelta(days=number),
        )
        with lead.one_history_record():
            lead.communes.set(communes)
            lead.themes.set(themes)
            lead.partners.set(partners)
            lead.actions.set(actions)
        SignalFactory.create_batch(2, territory=territory, author=UserFactory(), grouped_into=lead)
    return Signal.objects.filter(grouped_into__isnull=True).order_by("pk").first()


@pytest.fixture(params=[1, 30], ids=["small", "large"])
def size(request):
    return request.param


@pytest.fixture
def lead(size, territory, communes, actions):
    naf_choices()  # read once per process: warm it, as a running server has
    return build(territory, communes, actions, count=size)


# 1 session, 2 user, 3 memberships with their territories, 4 roadmap with its territory,
# 5 communes and 6 theme categories (filters), 7 count, 8 page of leads (author, NAF),
# 9 their communes, 10 themes, 11 grouped signals with their authors
LIST = 11


def test_signal_list(referent_client, lead, django_assert_num_queries):
    with django_assert_num_queries(LIST):
        response = referent_client.get(
            reverse("roadmaps:signals", args=[SLUG]), {"statut": "a_examiner", "secteur": "C"}
        )
    assert response.status_code == 200
    assert lead.text in response.text


# 1 session, 2 user, 3 memberships, 4 signal (territory, author, triager, NAF, group,
# establishment with its legal unit), 5 communes, 6 themes, 7 partners, 8 actions, 9 grouped
# signals, then the history: 10 records, 11-14 their communes, themes, partners and actions,
# 15 users, 16 partners, 17 communes, 18 themes, 19 actions, 20 establishments, 21 NAF items
DETAIL = 21


def test_signal_detail(coordinator_client, lead, django_assert_num_queries):
    url = lead.get_absolute_url()
    with django_assert_num_queries(DETAIL):
        response = coordinator_client.get(url)
    assert response.status_code == 200


# 1 session, 2 user, 3 memberships, 4 roadmap with its territory, then the form's checkbox
# lists, each counted then read: 5-6 communes, 7-8 theme categories, 9-10 partners
CREATE = 10


def test_signal_create_page(referent_client, lead, django_assert_num_queries):
    with django_assert_num_queries(CREATE):
        response = referent_client.get(reverse("roadmaps:signal_create", args=[SLUG]))
    assert response.status_code == 200


# 1 session, 2 user, 3 memberships, 4 signal, 5 roadmap, 6 the roadmap's actions linked,
# 7-8 the roadmap's actions (the checkbox list: counted, then read)
TRIAGE = 8


def test_signal_triage_page(coordinator_client, lead, django_assert_num_queries):
    with django_assert_num_queries(TRIAGE):
        response = coordinator_client.get(reverse("roadmaps:signal_triage", args=[SLUG, lead.pk]))
    assert response.status_code == 200


# 3 meeting with host, 4 memberships, 5 next meeting, 6 actions « à discuter », 7 signals
# « à examiner », 8 invited, 9 present
MEETING = 9


def test_meeting_agenda(referent_client, territory, lead, django_assert_num_queries):
    meeting = MeetingFactory(territory=territory, starts_at=timezone.now() + datetime.timedelta(1))
    with django_assert_num_queries(MEETING):
        response = referent_client.get(meeting.get_absolute_url())
    assert lead.text in response.text


def test_signals_to_examine_take_one_query(territory, lead, django_assert_num_queries):
    with django_assert_num_queries(1):
        signals = signals_to_examine(territory=territory)
        assert all(signal.get_absolute_url() and str(signal) for signal in signals)
    assert lead in signals and all(signal.grouped_into_id is None for signal in signals)


# 1 session, 2 user, 3 memberships, 4 territory, 5 content version (page cache), 6 EPCIs,
# 7 figures, 8 « mes rappels », 9 signals to triage. From the cache: session, user,
# memberships with their territories, content version, then the panels (they belong to the
# person: rendered at each request).
HOME, HOME_CACHED = 9, 6


def test_home_of_the_coordination(coordinator_client, lead, django_assert_num_queries):
    with django_assert_num_queries(HOME):
        response = coordinator_client.get("/")
    assert "à examiner au prochain rendez-vous" in response.text
    with django_assert_num_queries(HOME_CACHED):
        again = coordinator_client.get("/")
    assert again.wsgi_request.page_cache == "hit"
    assert "à examiner au prochain rendez-vous" in again.text
