"""The audit log (maillage.audit): sign-ins, failures, lock-outs, sign-outs and every change of
permissions, with who, what and when."""

import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from portal.audit import AuditMiddleware
from portal.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(caplog):
    """The audit lines written during the test, once the fixtures are made."""
    caplog.set_level(logging.INFO, logger="maillage.audit")
    caplog.clear()

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "maillage.audit"]

    return lines


def test_sign_in_is_logged_with_user_and_address(client, referent, audit):
    client.post(
        reverse("login"), {"username": "referent", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
    )
    user = f"referent#{referent.pk}"
    assert f"event=login actor={user} ip=192.0.2.1 user={user}" in audit()


def test_failed_sign_in_and_lockout_are_logged(client, referent, audit):
    for _ in range(5):
        client.post(reverse("login"), {"username": "referent", "password": "Secret-Xyz"})
    lines = audit()
    assert lines.count("event=login.failed actor=anonymous ip=127.0.0.1 username=referent") == 5
    assert "event=login.locked_out actor=anonymous ip=127.0.0.1 username=referent" in lines
    assert not any("Secret-Xyz" in line for line in lines)


def test_sign_out_is_logged(client, referent, audit):
    client.force_login(referent)
    client.post(reverse("logout"))
    assert (
        f"event=logout actor=referent#{referent.pk} ip=127.0.0.1 user=referent#{referent.pk}"
        in (audit())
    )


def test_records_carry_the_fields_for_structured_handlers(client, referent, caplog):
    client.force_login(referent)
    record = next(r for r in caplog.records if r.name == "maillage.audit")
    assert (record.event, record.user) == ("login", f"referent#{referent.pk}")
    assert record.created  # when: the record's time, printed by the formatter


def test_membership_changes_are_logged(territory, other_territory, audit):
    user = UserFactory(username="camille")
    membership = MembershipFactory(user=user, territory=territory)
    membership.role = Membership.Role.COORDINATOR
    membership.save()
    membership.save()  # no change, no line
    membership.delete()
    who = f'user=camille#{user.pk} territory="Grand Angoulême#{territory.pk}"'
    assert audit()[1:] == [
        f"event=membership.created actor=system ip=- role=referent {who}",
        f"event=membership.changed actor=system ip=- role=coordinateur from_role=referent "
        f"from_territory=#{territory.pk} {who}",
        f"event=membership.deleted actor=system ip=- {who} role=coordinateur",
    ]


def test_changes_made_during_a_request_name_the_actor(staff, territory, audit):
    request = RequestFactory().post("/admin/", REMOTE_ADDR="192.0.2.9")
    request.user = staff
    target = UserFactory(username="dominique")

    def view(request):
        MembershipFactory(user=target, territory=territory)
        target.is_staff = True
        target.save()
        return None

    AuditMiddleware(view)(request)
    lines = audit()
    assert lines[1].startswith(f"event=membership.created actor=admin#{staff.pk} ip=192.0.2.9 ")
    assert lines[2] == (
        f"event=user.privileges_changed actor=admin#{staff.pk} ip=192.0.2.9 "
        f"user=dominique#{target.pk} is_staff=False->True"
    )
    # Outside the request, the actor is the system again.
    target.is_superuser = True
    target.save()
    assert audit()[-1].startswith("event=user.privileges_changed actor=system ip=- ")


def test_staff_flags_are_logged_but_not_other_saves(audit):
    user = UserFactory(username="eden")
    user.first_name = "Eden"
    user.save()
    user.save(update_fields=["last_login"])
    user.is_active = False
    user.save()
    lines = audit()
    assert lines[0].startswith("event=user.created ")
    assert lines[1:] == [
        f"event=user.privileges_changed actor=system ip=- user=eden#{user.pk} is_active=True->False"
    ]


def test_groups_and_permissions_are_logged(audit):
    user = UserFactory(username="fabienne")
    group = Group.objects.create(name="Observatoire")
    permission = Permission.objects.get(codename="change_membership")
    caplog_start = len(audit())
    user.groups.add(group)
    group.user_set.remove(user)
    user.user_permissions.add(permission)
    group.permissions.add(permission)
    user.groups.clear()
    lines = audit()[caplog_start:]
    on_user, on_group = f"on=fabienne#{user.pk}", f"on=group:Observatoire#{group.pk}"
    assert lines == [
        f"event=user.groups_changed actor=system ip=- action=add {on_user} "
        f"targets=group#{group.pk}",
        f"event=user.groups_changed actor=system ip=- action=remove {on_group} "
        f"targets=user#{user.pk}",
        f"event=user.permissions_changed actor=system ip=- action=add {on_user} "
        f"targets=permission#{permission.pk}",
        f"event=group.permissions_changed actor=system ip=- action=add {on_group} "
        f"targets=permission#{permission.pk}",
        f"event=user.groups_changed actor=system ip=- action=clear {on_user} targets=group#all",
    ]


def test_deleting_a_user_in_the_admin_logs_its_memberships(staff_client, staff, referent, audit):
    url = reverse("admin:portal_user_delete", args=[referent.pk])
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    lines = audit()
    actor = f"actor=admin#{staff.pk} ip=127.0.0.1"
    assert any(line.startswith(f"event=membership.deleted {actor} user=") for line in lines), lines
    assert f"event=user.deleted {actor} user=referent#{referent.pk}" in lines


def test_loading_users_with_deferred_fields_does_not_recurse(db):
    from portal.models import User
    from tests.factories import UserFactory

    UserFactory(username="deferred")
    user = User.objects.only("id", "username").get(username="deferred")
    assert user.username == "deferred"
    assert user.is_staff is False  # loads the deferred field without recursing
