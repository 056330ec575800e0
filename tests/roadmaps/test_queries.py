"""The roadmap page and the dashboard run a constant number of queries, whatever the data."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bench._data import build_large
from roadmaps.models import Signal
from tests.factories import IndicatorFactory, ProgressUpdateFactory, SignalFactory, StepFactory

SLUG = "grand-angouleme"


def without_tokens(response):
    """The page without its CSRF tokens, which are masked anew for every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def taken_signals(roadmap, actions, count):
    """Signals taken into account this week, each linked to the actions (« faits marquants »)."""
    for _ in range(count):
        signal = SignalFactory(
            territory=roadmap.territory, status=Signal.Status.TAKEN, triaged_at=timezone.now()
        )
        signal.actions.set(actions)


@pytest.fixture
def small(actions, roadmap):
    StepFactory(action=actions[0], done=True)
    IndicatorFactory(action=actions[0])
    ProgressUpdateFactory(action=actions[0], date=timezone.localdate())
    taken_signals(roadmap, actions[:1], 1)
    return roadmap


@pytest.fixture
def large(small, roadmap, actions):
    build_large(roadmap)
    for action in actions:
        ProgressUpdateFactory.create_batch(5, action=action, date=timezone.localdate())
    taken_signals(roadmap, actions, 20)
    return roadmap


# 1 session, 2 user, 3 memberships with their territories (roles, menu, and whether the user
# may see the territory), 4 content version (portal/cache), 5 roadmap with its territory,
# 6 axes, 7 actions (with pilot, coordinator), 8 step counts, 9 diagnostic indicators,
# 10 last version, 11 open signaux faibles
ROADMAP_PAGE_QUERIES = 11
# 1 session, 2 user, 3 memberships with their territories, 4 content version, 5 roadmap with
# its territory, 6 axes, 7 actions, 8 step counts, 9 action indicators, 10 their values,
# 11 communes with their outline, 12 communes of the open actions (the map), 13 last version,
# « faits marquants »: 14 points d'étape, 15 signals taken into account, 16 their actions,
# 17 versions validated recently; then the follow-up of companies
# (companies.followup.queries): 18 NAF sections, 19 échanges by sector, 20 needs by sector and
# status, 21 needs by kind
DASHBOARD_QUERIES = 21
# The same page again, from the cache: queries 1 to 4 only.
CACHED_PAGE_QUERIES = 4


@pytest.mark.parametrize("size", ["small", "large"])
def test_roadmap_page_query_count(coordinator_client, django_assert_num_queries, request, size):
    request.getfixturevalue(size)
    url = reverse("roadmaps:detail", args=[SLUG])
    with django_assert_num_queries(ROADMAP_PAGE_QUERIES):
        response = coordinator_client.get(url, {"statut": "en_cours", "retard": "on"})
    assert response.status_code == 200
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        cached = coordinator_client.get(url, {"statut": "en_cours", "retard": "on"})
    assert without_tokens(cached) == without_tokens(response)


@pytest.mark.parametrize("size", ["small", "large"])
def test_dashboard_query_count(coordinator_client, django_assert_num_queries, request, size):
    roadmap = request.getfixturevalue(size)
    from roadmaps.services import versions

    versions.validate_roadmap(roadmap=roadmap, name="V1", validated_on=datetime.date(2023, 1, 1))
    url = reverse("roadmaps:dashboard", args=[SLUG])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = coordinator_client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        cached = coordinator_client.get(url)
    assert without_tokens(cached) == without_tokens(response)


def test_snapshot_query_count_is_constant(large, django_assert_num_queries):
    from roadmaps.services import versions

    # 1 axes, 2 actions with their pilot, 3 step counts, 4 contributing partners,
    # 5 diagnostic indicators, 6 action indicators
    with django_assert_num_queries(6):
        snap = versions.snapshot(large)
    assert len(snap["actions"]) == 1003
