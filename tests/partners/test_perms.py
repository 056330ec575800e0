"""partners/perms.py: the one place the partners views ask who may see and change what.
Who may reach which page is listed once, in tests/security/test_access_matrix.py; this file
checks that the partners views (and the portal's) leave every decision to the access layer."""

from pathlib import Path

import pytest

from partners import perms
from partners.models import NetworkMembership, Partner
from tests.factories import PartnerFactory
from tests.security.test_access_layer import ROLE_VALUES, access_decisions

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "path", [*sorted((ROOT / "partners" / "views").glob("*.py")), ROOT / "portal" / "views.py"]
)
def test_views_never_decide_access_themselves(path):
    found = access_decisions(path.read_text(), ROLE_VALUES)
    assert not found, f"{path.relative_to(ROOT)} decides access itself: {found}"


def test_no_role_string_outside_the_access_layer():
    for path in (ROOT / "partners").glob("*.py"):
        assert "coordinateur" not in path.read_text().replace("coordinateurs", ""), path


def test_editable_partners_take_the_user(coordinator, referent, staff, territory, other_territory):
    own = PartnerFactory(territory=territory)
    other = PartnerFactory(territory=other_territory)
    assert set(Partner.objects.editable_by(coordinator)) == {own}
    assert set(Partner.objects.editable_by(referent)) == set()
    assert set(Partner.objects.editable_by(staff)) == {own, other}


def test_contacts_follow_the_network_acceptance(other_coordinator, territory, other_territory):
    partner = PartnerFactory(territory=territory)
    assert perms.can_see_contacts(other_coordinator, partner) is False
    NetworkMembership.objects.create(
        territory=other_territory, partner=partner, status=NetworkMembership.Status.ACCEPTED
    )
    assert perms.can_see_contacts(other_coordinator, partner) is True
