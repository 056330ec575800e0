"""Scheduled commands run on one server at a time.

With several application servers, each may run the same cron table (docs/deployment.md,
« Plusieurs serveurs »). The commands meant for cron take a lock named after themselves
(`@run_once` on their `handle`): the first to start runs; one started while it runs says
« déjà en cours sur un autre serveur » and exits 0, doing nothing. Each of them is also
idempotent (a re-run once the first has finished does nothing more, or the same again), so
cron clocks a few seconds apart are harmless too.

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`), on a connection of its
  own, opened for the lock and closed after it: the command's transactions, errors and
  connection pool never release or keep it by accident, and a killed process releases it with
  its connection. Advisory locks are per database, so two portals on one server do not meet.
- SQLite (one server by nature): an exclusive `flock` on a file in the temporary directory,
  named after the database file (and the process, for an in-memory database), released by the
  system when the process ends however it ends.
"""

import contextlib
import fcntl
import functools
import hashlib
import os
import tempfile
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _


def lock_key(name):
    """A signed 64-bit integer for `name`, as pg_try_advisory_lock(bigint) takes."""
    digest = hashlib.sha256(f"maillage:command:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def _postgresql_lock(connection, name):
    settings_dict = dict(connection.settings_dict)
    options = dict(settings_dict.get("OPTIONS") or {})
    options.pop("pool", None)  # a connection of its own, never returned to a pool
    settings_dict["OPTIONS"] = options
    own = connection.__class__(settings_dict, alias=connection.alias)
    key = lock_key(name)
    try:
        with own.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with own.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    finally:
        own.close()


def _lock_path(connection, name):
    database = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():
        database += f":{os.getpid()}"  # nobody outside this process sees that database
    else:
        database = os.path.abspath(database)
    digest = hashlib.sha256(f"{database}\x1f{name}".encode()).hexdigest()[:24]
    return Path(tempfile.gettempdir()) / f"maillage-{name}-{digest}.lock"


@contextlib.contextmanager
def _file_lock(connection, name):
    with open(_lock_path(connection, name), "a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


@contextlib.contextmanager
def exclusive(name, using=DEFAULT_DB_ALIAS):
    """Yield True when this process holds the lock `name` (until the block ends), False when
    another process holds it (then do nothing)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        lock = _postgresql_lock(connection, name)
    else:
        lock = _file_lock(connection, name)
    with lock as acquired:
        yield acquired


def run_once(handle):
    """Decorate a command's `handle`: it runs only if no other run of the same command (on any
    server sharing the database) is under way; otherwise it writes so and returns (exit 0)."""

    @functools.wraps(handle)
    def wrapper(self, *args, **options):
        name = self.__module__.rsplit(".", 1)[-1]
        with exclusive(name) as acquired:
            if not acquired:
                self.stdout.write(
                    _(
                        "%(command)s est déjà en cours sur un autre serveur (ou dans un autre "
                        "processus) : cette exécution s'arrête sans rien faire."
                    )
                    % {"command": name}
                )
                return None
            return handle(self, *args, **options)

    return wrapper
