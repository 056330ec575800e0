"""Scheduled commands run on one server at a time (portal/scheduling.py): a second run started
while the first runs does nothing and exits 0. On SQLite (file lock) and on PostgreSQL
(advisory lock), whichever DATABASE_URL the suite runs on."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from portal import scheduling

pytestmark = pytest.mark.django_db

SCHEDULED = [
    "purge_company_contacts",
    "purge_invitations",
    "purge_renewal_addresses",
    "purge_registrations",
    "record_indicators",
    "send_digests",
    "raise_signals",
]


def run(name, *args):
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def slow_purge(monkeypatch):
    """purge_invitations, held in the middle of its work until `release` is set."""
    started, release = threading.Event(), threading.Event()

    def purge():
        started.set()
        assert release.wait(20)
        return 0

    monkeypatch.setattr("portal.management.commands.purge_invitations.purge", purge)
    return started, release


def test_a_second_run_while_the_first_runs_does_nothing(slow_purge):
    started, release = slow_purge
    outputs = {}

    def first():
        outputs["first"] = run("purge_invitations")
        connection.close()  # this thread's own connection

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert started.wait(20)
        second = run("purge_invitations")
    finally:
        release.set()
        thread.join(20)
    assert "déjà en cours sur un autre serveur" in second
    assert "effacée" not in second
    assert outputs["first"].startswith("0 invitation effacée")
    # Once the first run has ended, the next one runs.
    assert run("purge_invitations").startswith("0 invitation effacée")


def test_locks_are_per_command():
    with scheduling.exclusive("purge_invitations") as acquired:
        assert acquired
        with scheduling.exclusive("purge_invitations") as again:
            assert not again
        with scheduling.exclusive("purge_registrations") as other:
            assert other
    with scheduling.exclusive("purge_invitations") as acquired:
        assert acquired


def test_a_failing_run_releases_the_lock(monkeypatch):
    def purge():
        raise RuntimeError("boom")

    monkeypatch.setattr("portal.management.commands.purge_invitations.purge", purge)
    with pytest.raises(RuntimeError):
        run("purge_invitations")
    with scheduling.exclusive("purge_invitations") as acquired:
        assert acquired


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_database_error_in_the_command_releases_the_lock(monkeypatch):
    """The command's transaction aborted by an error: the lock, on its own connection, is
    released all the same (the test's connection stays in its aborted transaction)."""

    def purge():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")

    monkeypatch.setattr("portal.management.commands.purge_invitations.purge", purge)
    with pytest.raises(Exception, match="division by zero"):
        run("purge_invitations")
    with scheduling.exclusive("purge_invitations") as acquired:
        assert acquired


@pytest.mark.parametrize("name", SCHEDULED)
def test_every_scheduled_command_takes_its_lock(name):
    with scheduling.exclusive(name) as acquired:
        assert acquired
        assert "déjà en cours" in run(name)


def test_lock_keys_are_stable_signed_64_bit_integers():
    key = scheduling.lock_key("send_digests")
    assert key == scheduling.lock_key("send_digests") != scheduling.lock_key("raise_signals")
    assert -(2**63) <= key < 2**63
