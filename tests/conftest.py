"""Personas and shared fixtures: a territory and another one, a référent, a coordinator,
a coordinator of the other territory, a member without territory (an account attached to none),
staff, and a visitor (the anonymous client)."""

import re

import pytest
from django.core.cache import caches

from portal.models import Membership
from tests.factories import (
    CommuneFactory,
    EPCIFactory,
    MembershipFactory,
    TerritoryFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no page in the cache: a page kept by an earlier test, under a
    content version that test rolled back, must not be served to the next one."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def epci(db):
    return EPCIFactory(siren="200071827", name="CA du Grand Angoulême")


@pytest.fixture
def communes(epci):
    return [
        CommuneFactory(
            insee_code="16015", name="Angoulême", postal_codes="16000", population=41000, epci=epci
        ),
        CommuneFactory(
            insee_code="16374", name="Soyaux", postal_codes="16800", population=9500, epci=epci
        ),
        CommuneFactory(
            insee_code="16102", name="Champniers", postal_codes="16430", population=5600, epci=epci
        ),
    ]


@pytest.fixture
def territory(epci, communes):
    return TerritoryFactory(
        name="Grand Angoulême",
        slug="grand-angouleme",
        epcis=[epci],
        jobs=64000,
        main_sectors="mécatronique, filière de l'image",
    )


@pytest.fixture
def other_epci(db):
    return EPCIFactory(siren="200070647", name="CA Bergeracoise")


@pytest.fixture
def other_territory(other_epci):
    CommuneFactory(
        insee_code="24037", name="Bergerac", postal_codes="24100", population=26000, epci=other_epci
    )
    return TerritoryFactory(name="Grand Bergeracois", slug="grand-bergeracois", epcis=[other_epci])


@pytest.fixture
def referent(territory):
    return MembershipFactory(
        user=UserFactory(username="referent"), territory=territory, role=Membership.Role.REFERENT
    ).user


@pytest.fixture
def coordinator(territory):
    return MembershipFactory(
        user=UserFactory(username="coordination"),
        territory=territory,
        role=Membership.Role.COORDINATOR,
    ).user


@pytest.fixture
def other_coordinator(other_territory):
    return MembershipFactory(
        user=UserFactory(username="coordination.autre"),
        territory=other_territory,
        role=Membership.Role.COORDINATOR,
    ).user


@pytest.fixture
def member_without_territory(db):
    """A signed-in account with no membership (newly created, not yet attached), not staff."""
    return UserFactory(username="sans.territoire")


@pytest.fixture
def staff(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def referent_client(client, referent):
    client.force_login(referent)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def other_coordinator_client(client, other_coordinator):
    client.force_login(other_coordinator)
    return client


@pytest.fixture
def member_without_territory_client(client, member_without_territory):
    client.force_login(member_without_territory)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


PERSONAS = [
    "visitor",
    "referent",
    "coordinator",
    "other_coordinator",
    "member_without_territory",
    "staff",
]


@pytest.fixture
def as_persona(client, request):
    """Return a function giving a client signed in as one of PERSONAS ('visitor' = anonymous)."""

    def sign_in(persona):
        client.logout()
        if persona != "visitor":
            client.force_login(request.getfixturevalue(persona))
        return client

    return sign_in


def submission_token(page):
    """The token of the first creation form of a page (portal/submissions.py)."""
    match = re.search(r'name="submission" value="([^"]+)"', page)
    assert match, "the form carries no submission token"
    return match.group(1)


@pytest.fixture
def submit_twice():
    """Display a form, then send it twice with the same token (a double click): returns the two
    responses."""

    def submit(client, form_url, post_url, data):
        token = submission_token(client.get(form_url).text)
        first = client.post(post_url, data | {"submission": token})
        second = client.post(post_url, data | {"submission": token})
        return first, second

    return submit
