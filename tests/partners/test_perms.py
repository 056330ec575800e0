"""partners/perms.py: the one place the partners views ask who may see and change what."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from partners import perms
from partners.models import NetworkMembership, Partner
from tests.factories import ContactFactory, PartnerFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# What a view would write to decide access itself, instead of asking its app's perms.py.
DECIDING_BY_ITSELF = re.compile(
    r"is_staff|PermissionDenied|Http404|roles_of|\bMembership\b|check_can_|can_view\(|"
    r"is_coordinator_somewhere|[\"'](coordinateur|referent)[\"']|from portal import access"
)


@pytest.mark.parametrize(
    "path", [*sorted((ROOT / "partners" / "views").glob("*.py")), ROOT / "portal" / "views.py"]
)
def test_views_never_decide_access_themselves(path):
    source = path.read_text()
    if path.name == "views.py" and path.parent.name == "portal":
        # The portal's views are the access layer's own pages: they may use portal.access,
        # but only its getters, never a rule of their own.
        source = source.replace("from portal import access", "")
    found = DECIDING_BY_ITSELF.findall(source)
    assert not found, f"{path.relative_to(ROOT)} decides access itself: {found}"


def test_no_role_string_outside_the_access_layer():
    for path in (ROOT / "partners").glob("*.py"):
        assert not re.search(r"[\"']coordinateur[\"']", path.read_text()), path


PERSONAS = ["visitor", "referent", "coordinator", "other_coordinator", "staff"]
# persona: (may see the territory, may change it)
RIGHTS = {
    "visitor": (False, False),
    "referent": (True, False),
    "coordinator": (True, True),
    "other_coordinator": (False, False),
    "staff": (True, True),
}


@pytest.fixture
def request_as(request, territory, other_territory):
    def make(persona, path="/"):
        user = AnonymousUser() if persona == "visitor" else request.getfixturevalue(persona)
        http_request = RequestFactory().get(path)
        http_request.user = user
        http_request.session = SessionStore()
        http_request.territory = None
        return http_request

    return make


@pytest.mark.parametrize("persona", PERSONAS)
def test_partner_pair(request_as, persona, territory):
    partner = PartnerFactory(territory=territory)
    http_request = request_as(persona)
    may_see, may_change = RIGHTS[persona]
    # Records are public: reading one is never refused.
    assert perms.get_partner_for_user(http_request, partner.slug) == (partner, may_change)
    if may_change:
        assert perms.get_partner_rw_for_user(http_request, partner.slug) == partner
    else:
        with pytest.raises(PermissionDenied if may_see else Http404):
            perms.get_partner_rw_for_user(http_request, partner.slug)


@pytest.mark.parametrize("persona", PERSONAS)
def test_contacts_are_for_members_of_the_territory_or_its_network(
    request_as, persona, territory, other_territory
):
    partner = PartnerFactory(territory=territory)
    contact = ContactFactory(partner=partner)
    may_see, _ = RIGHTS[persona]
    assert perms.can_see_contacts(request_as(persona).user, partner) is may_see
    if may_see:
        assert perms.get_contact_for_user(request_as(persona), partner.slug, contact.pk) == (
            partner,
            contact,
        )
    else:
        with pytest.raises(Http404):
            perms.get_contact_for_user(request_as(persona), partner.slug, contact.pk)
    # Accepted into the other territory's network: its members see the contacts too.
    NetworkMembership.objects.create(
        territory=other_territory, partner=partner, status=NetworkMembership.Status.ACCEPTED
    )
    expected = may_see or persona == "other_coordinator"
    assert perms.can_see_contacts(request_as(persona).user, partner) is expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_editable_partners_take_the_user(request_as, persona, territory, other_territory):
    own = PartnerFactory(territory=territory)
    other = PartnerFactory(territory=other_territory)
    user = request_as(persona).user
    expected = {
        "visitor": set(),
        "referent": set(),
        "coordinator": {own},
        "other_coordinator": {other},
        "staff": {own, other},
    }[persona]
    assert set(Partner.objects.editable_by(user)) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_network_territory_is_for_its_coordination(request_as, persona, territory):
    may_see, may_change = RIGHTS[persona]
    http_request = request_as(persona)
    if may_change:
        assert perms.get_network_territory_rw_for_user(http_request, territory.slug) == territory
    else:
        with pytest.raises(PermissionDenied if may_see else Http404):
            perms.get_network_territory_rw_for_user(http_request, territory.slug)
