"""portal/access.py, the one place that decides who may see and change a territory's content."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from portal import access
from portal.models import Membership
from tests.factories import MembershipFactory, TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db

# persona: (may see, may change) for the territory, then for the other territory.
EXPECTED = {
    "visitor": ((False, False), (False, False)),
    "referent": ((True, False), (False, False)),
    "coordinator": ((True, True), (False, False)),
    "other_coordinator": ((False, False), (True, True)),
    "staff": ((True, True), (True, True)),
}
ROLES = {
    "visitor": (None, None),
    "referent": (Membership.Role.REFERENT, None),
    "coordinator": (Membership.Role.COORDINATOR, None),
    "other_coordinator": (None, Membership.Role.COORDINATOR),
    "staff": (None, None),
}


@pytest.fixture
def user_of(request, territory, other_territory):
    def get(persona):
        return AnonymousUser() if persona == "visitor" else request.getfixturevalue(persona)

    return get


def request_for(user, session=None):
    request = RequestFactory().get("/")
    request.user = user
    request.session = session if session is not None else SessionStore()
    return request


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_can_view_and_can_edit(user_of, persona, territory, other_territory):
    user = user_of(persona)
    for place, (may_see, may_change) in zip(
        [territory, other_territory], EXPECTED[persona], strict=True
    ):
        assert access.can_view(user, place) is may_see
        assert access.can_edit(user, place) is may_change
        # The same answers for the territory's id.
        assert access.can_view(user, place.pk) is may_see


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_role_in(user_of, persona, territory, other_territory):
    user = user_of(persona)
    assert (access.role_in(user, territory), access.role_in(user, other_territory)) == ROLES[
        persona
    ]


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_check_helpers_raise_404_outside_and_403_read_only(user_of, persona, territory):
    user = user_of(persona)
    may_see, may_change = EXPECTED[persona][0]
    if not may_see:
        with pytest.raises(Http404):
            access.check_can_view(user, territory)
        with pytest.raises(Http404):
            access.check_can_edit(user, territory)
    elif not may_change:
        access.check_can_view(user, territory)
        with pytest.raises(PermissionDenied):
            access.check_can_edit(user, territory)
    else:
        access.check_can_view(user, territory)
        access.check_can_edit(user, territory)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_get_territory_for_user(user_of, persona, territory):
    request = request_for(user_of(persona))
    may_see, may_change = EXPECTED[persona][0]
    if may_see:
        assert access.get_territory_for_user(request, "grand-angouleme") == (territory, may_change)
    else:
        with pytest.raises(Http404):
            access.get_territory_for_user(request, "grand-angouleme")


def test_unknown_territory_is_404_even_for_staff(staff):
    with pytest.raises(Http404):
        access.get_territory_for_user(request_for(staff), "nulle-part")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", []),
        ("referent", ["grand-angouleme"]),
        ("coordinator", ["grand-angouleme"]),
        ("other_coordinator", ["grand-bergeracois"]),
        ("staff", ["grand-angouleme", "grand-bergeracois"]),
    ],
)
def test_territories_of_a_user(user_of, persona, expected):
    user = user_of(persona)
    assert [t.slug for t in access.territories_for(user)] == expected
    assert [t.slug for t in access.territory_list(user)] == expected
    ids = access.territory_ids_for(user)
    if persona == "staff":
        assert ids is None  # all
    else:
        assert ids == {t.pk for t in access.territories_for(user)}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", False),
        ("referent", False),
        ("coordinator", True),
        ("other_coordinator", True),
        ("staff", True),
    ],
)
def test_is_coordinator_somewhere(user_of, persona, expected):
    assert access.is_coordinator_somewhere(user_of(persona)) is expected


def test_a_person_may_hold_different_roles_in_two_territories(territory, other_territory):
    user = UserFactory()
    MembershipFactory(user=user, territory=territory, role=Membership.Role.REFERENT)
    MembershipFactory(user=user, territory=other_territory, role=Membership.Role.COORDINATOR)
    assert access.can_view(user, territory) and not access.can_edit(user, territory)
    assert access.can_edit(user, other_territory)


def test_roles_and_menu_are_fetched_once_per_request(
    django_assert_num_queries, referent, territory
):
    # Fresh user object, as for a new request.
    user = type(referent).objects.get(pk=referent.pk)
    with django_assert_num_queries(1):  # memberships with their territories
        for _ in range(3):
            access.can_view(user, territory)
            access.can_edit(user, territory)
            access.territory_list(user)


def test_anonymous_users_see_nothing(territory):
    assert access.territories_for(AnonymousUser()).count() == 0
    assert access.current_territory(request_for(AnonymousUser())) is None


def test_current_territory_is_the_chosen_one_or_the_first(territory, other_territory):
    user = UserFactory()
    MembershipFactory(user=user, territory=territory)
    MembershipFactory(user=user, territory=other_territory)
    session = SessionStore()
    assert access.current_territory(request_for(user, session)) == territory
    session[access.SESSION_KEY] = other_territory.pk
    assert access.current_territory(request_for(user, session)) == other_territory


def test_current_territory_ignores_a_territory_the_user_left(territory, other_territory):
    user = UserFactory()
    MembershipFactory(user=user, territory=territory)
    session = SessionStore()
    session[access.SESSION_KEY] = other_territory.pk
    assert access.current_territory(request_for(user, session)) == territory


def test_user_without_territory_has_no_current_territory(db):
    assert access.current_territory(request_for(UserFactory())) is None
    assert access.territory_list(UserFactory()) == []


def test_a_third_territory_stays_hidden_from_everyone_but_staff(user_of, territory):
    third = TerritoryFactory(name="Pays de Cognac", slug="cognac")
    for persona in ["referent", "coordinator", "other_coordinator"]:
        assert not access.can_view(user_of(persona), third)
    assert access.can_edit(user_of("staff"), third)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_get_territory_rw_for_user_is_404_outside_and_403_read_only(user_of, persona, territory):
    request = request_for(user_of(persona))
    may_see, may_change = EXPECTED[persona][0]
    if may_change:
        assert access.get_territory_rw_for_user(request, "grand-angouleme") == territory
    else:
        with pytest.raises(PermissionDenied if may_see else Http404):
            access.get_territory_rw_for_user(request, "grand-angouleme")


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_editable_territory_ids_for(user_of, persona, territory, other_territory):
    ids = access.editable_territory_ids_for(user_of(persona))
    if persona == "staff":
        assert ids is None  # every territory
    else:
        places = [territory, other_territory]
        expected = {
            place.pk
            for place, (_, may_change) in zip(places, EXPECTED[persona], strict=True)
            if may_change
        }
        assert ids == expected


def test_check_slug_visible_asks_can_view(coordinator, territory, monkeypatch):
    """The page cache's visibility check (roadmap pages are checked before the cache is read)
    is `can_view`, not a rule of its own."""
    access.check_slug_visible(coordinator, territory.slug)
    monkeypatch.setattr(access, "can_view", lambda user, territory: False)
    with pytest.raises(Http404):
        access.check_slug_visible(coordinator, territory.slug)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_territory_named_is_one_the_user_may_see(user_of, persona, territory, other_territory):
    user = user_of(persona)
    for place, (may_see, _may_change) in zip(
        [territory, other_territory], EXPECTED[persona], strict=True
    ):
        assert access.territory_named(user, place.slug) == (place if may_see else None)
    assert access.territory_named(user, "nulle-part") is None
