"""The shared cache (REDIS_URL, portal/cache_backends.py): pages, throttle counters and sessions
in a Redis server the tests start themselves, and nothing fails when it stops answering.

Each test module run (each xdist worker) starts its own `redis-server` on a free port, without
persistence, in a temporary directory; without the binary, or if it cannot start, the tests are
skipped with the reason."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from portal import settings as project_settings
from portal import throttle
from portal.cache_backends import ResilientRedisCache
from tests.factories import PartnerFactory, RoadmapFactory, UserFactory

pytestmark = pytest.mark.django_db

REDIS_SERVER = "/usr/bin/redis-server"
PASSWORD = "mot-de-passe-de-test"  # UserFactory's


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own: start, stop, restart (its data lost, as after a crash
    of a server without persistence)."""

    def __init__(self, binary, directory):
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self):
        options = {
            "port": self.port,
            "bind": "127.0.0.1",
            "save": "",  # no persistence: a restart loses every key
            "appendonly": "no",
            "dir": self.directory,
            "logfile": self.directory / "redis.log",
        }
        arguments = [self.binary]
        for name, value in options.items():
            arguments += [f"--{name}", str(value)]
        self.process = subprocess.Popen(
            arguments,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if self.client().ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        self.stop()
        log = self.directory / "redis.log"
        raise RuntimeError(log.read_text()[-500:] if log.exists() else "no answer")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def restart(self):
        self.stop()
        self.start()

    def keys(self, pattern):
        return self.client().keys(pattern)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    binary = shutil.which("redis-server") or REDIS_SERVER
    if not shutil.which(binary):
        pytest.skip(
            f"Redis tests skipped: no redis-server ({REDIS_SERVER}); "
            "install it with `apt-get install redis-server`."
        )
    directory = tmp_path_factory.mktemp("redis")
    for attempt in range(3):  # another process may take the free port first
        server = RedisServer(binary, directory)
        try:
            server.start()
            break
        except (OSError, RuntimeError) as error:
            if attempt == 2:
                pytest.skip(f"Redis tests skipped: redis-server did not start ({error}).")
    yield server
    server.stop()


@pytest.fixture
def redis_settings(redis_server, settings):
    """The project's settings with REDIS_URL pointing at the test's server."""
    if not redis_server.running:  # stopped by an earlier test
        redis_server.start()
    redis_server.client().flushdb()
    settings.CACHES = project_settings.redis_caches(redis_server.url)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_CACHE_ALIAS = "sessions"
    yield redis_server
    settings.CACHES = project_settings.CACHES  # before the server may stop again


def another_server():
    """What a second application server has: none of this process's cache clients."""
    for alias in list(project_settings.redis_caches("redis://unused")):
        try:
            del caches[alias]
        except AttributeError:
            pass


def session_key(client):
    return client.cookies["sessionid"].value


@pytest.fixture
def partner(territory):
    partner = PartnerFactory(territory=territory, name="Mission locale Démo", slug="ml-demo")
    partner.zone_territories.set([territory])
    return partner


def test_the_settings_use_redis_only_with_redis_url():
    assert project_settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    caches_ = project_settings.redis_caches("redis://cache:6379/0")
    assert {alias: cache["KEY_PREFIX"] for alias, cache in caches_.items()} == {
        "default": "maillage:pages",
        "documents": "maillage:documents",
        "throttle": "maillage:throttle",
        "sessions": "maillage:sessions",
    }
    assert {cache["BACKEND"] for cache in caches_.values()} == {
        "portal.cache_backends.ResilientRedisCache"
    }


def test_a_page_kept_in_redis_is_served_by_another_server(redis_settings, coordinator, partner):
    client = Client()
    client.force_login(coordinator)
    url = partner.get_absolute_url()
    first = client.get(url)
    assert "partners/partner_detail.html" in [t.name for t in first.templates]
    assert len(redis_settings.keys("maillage:pages:*")) == 1

    another_server()
    second = client.get(url)
    assert second.status_code == 200
    # Only the header is rendered: the page itself came from Redis.
    assert "partners/partner_detail.html" not in [t.name for t in second.templates]
    assert "Mission locale Démo" in second.text


def test_clearing_one_cache_keeps_the_others(redis_settings):
    caches["default"].set("page", "x")
    caches["sessions"].set("session", "y")
    caches["default"].clear()
    assert caches["default"].get("page") is None
    assert caches["sessions"].get("session") == "y"


def test_throttle_counts_in_redis_across_servers(redis_settings):
    results = []
    for _ in range(4):
        results.append(throttle.allow("test", "192.0.2.1", limit=3, period=60))
        another_server()
    assert results == [True, True, True, False]
    (key,) = redis_settings.keys("maillage:throttle:*")
    assert 0 < redis_settings.client().ttl(key) <= 60


def test_sessions_survive_a_redis_restart(redis_settings):
    UserFactory(username="julien")
    client = Client()
    response = client.post(reverse("login"), {"username": "julien", "password": PASSWORD})
    assert response.status_code == 302
    key = session_key(client)
    assert Session.objects.filter(session_key=key).exists()
    assert redis_settings.keys(f"maillage:sessions:*{key}")

    redis_settings.restart()  # no persistence: every key lost
    assert not redis_settings.keys("*")
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert response.context["user"].username == "julien"


def test_nothing_fails_when_redis_stops(redis_settings, coordinator, partner, caplog):
    roadmap = RoadmapFactory(territory=partner.territory)
    UserFactory(username="julien", email="julien@example.org")
    member = Client()
    member.force_login(coordinator)
    assert member.get(reverse("partners:list")).status_code == 200

    redis_settings.stop()
    started = time.monotonic()
    visitor = Client()
    assert visitor.get(reverse("partners:list")).status_code == 200
    assert visitor.get(partner.get_absolute_url()).status_code == 200
    roadmap_url = reverse("roadmaps:detail", args=[roadmap.territory.slug])
    for _ in range(2):  # the second after the failure, Redis not tried
        response = member.get(roadmap_url)
        assert response.status_code == 200
        assert "roadmaps/roadmap_detail.html" in [t.name for t in response.templates]
    assert member.get(reverse("password_change")).status_code == 200  # still signed in
    response = visitor.post(reverse("password_reset"), {"email": "julien@example.org"})
    assert response.status_code == 302
    response = visitor.post(reverse("login"), {"username": "julien", "password": PASSWORD})
    assert response.status_code == 302
    assert visitor.get(reverse("password_change")).status_code == 200
    assert time.monotonic() - started < 10
    warnings = [r for r in caplog.records if r.name == "portal.cache_backends"]
    assert 1 <= len(warnings) <= 4  # at most one per cache, not one per request


def test_a_redis_that_never_answers_costs_a_timeout_then_nothing(settings, partner, caplog):
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        port = silent.getsockname()[1]
        settings.CACHES = project_settings.redis_caches(f"redis://127.0.0.1:{port}/0")
        client = Client()
        started = time.monotonic()
        assert client.get(partner.get_absolute_url()).status_code == 200
        first = time.monotonic() - started
        assert first < 3
        started = time.monotonic()
        for _ in range(3):
            assert client.get(partner.get_absolute_url()).status_code == 200
        # No Redis call for a few seconds after a failure: no timeout paid again.
        assert time.monotonic() - started < first + 1.5
        settings.CACHES = project_settings.CACHES
    assert len([r for r in caplog.records if r.name == "portal.cache_backends"]) == 1


def test_sessions_cache_is_emptied_when_redis_answers_again(redis_settings):
    """A session deleted (signed out) while Redis did not answer must not come back from it."""
    store = caches["sessions"]
    store.set("django.contrib.sessions.cached_dbabc", {"user": 1})

    def unreachable(*args):
        raise redis.ConnectionError("down")

    assert store._call(None, unreachable) is None  # e.g. the sign-out's delete
    assert store.get("django.contrib.sessions.cached_dbabc") is None  # within RETRY_AFTER
    store.down_until = 0  # RETRY_AFTER seconds later
    assert store.get("django.contrib.sessions.cached_dbabc") is None
    assert not redis_settings.keys("maillage:sessions:*")


def test_pages_cache_is_not_emptied_after_an_outage(redis_settings):
    store = caches["default"]
    assert isinstance(store, ResilientRedisCache)
    store.set("page", "x")

    def unreachable(*args):
        raise redis.ConnectionError("down")

    store._call(None, unreachable)
    store.down_until = 0
    assert store.get("page") == "x"
