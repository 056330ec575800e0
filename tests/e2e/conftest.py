"""Real-browser tests: Debian's Chromium driven by Playwright against a live Django server.

One demo world (the `load_demo` loaders) is loaded once per session into the test database and
served by one live server, and one browser is shared by every test. Under pytest-xdist
(`make test` runs two workers) that is once per worker: each has its own test database, demo
world, live server and Chromium, and nothing is shared between workers. This is a deliberate
departure from pytest-django's per-test `live_server` + `transactional_db` pairing: that pairing
flushes the database after every test, and reloading the demo (7 s) before each of the ~100
checks would take minutes. The tests here therefore never rely on a clean database: each journey
creates what it needs under names of its own, and the session flushes the database at the end so
that later tests start empty as usual.

Chromium is Debian's (`/usr/bin/chromium`), never a downloaded build. When it is missing the
browser tests are skipped locally, and fail under CI (`CI=true`), where .ci/run installs it.
"""

import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils.module_loading import import_string

from tests.e2e.pages import make_links

# Playwright's sync API runs an asyncio loop in this thread: Django's ORM calls made from the test
# (building URLs from the demo data, signing personas in) would otherwise be refused.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 320, "height": 640}
WIDTHS = {"1280": DESKTOP, "320": MOBILE}

# Demo accounts by persona (portal/demo.py); the visitor is signed out.
ACCOUNTS = {
    "referent": "referent.angouleme",
    "coordinator": "coordination.angouleme",
    "other_coordinator": "coordination.bergerac",
    "staff": "admin",
}
PERSONAS = ["visitor", *ACCOUNTS]


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: real-browser and whole-site tests (tests/e2e)")


# The long tests (5–15 s each) first, the page checks (1–3 s) after, the HTML checks (a tenth of
# a second) last: run in parallel (pytest-xdist, `make test`), the workers then end together.
LONG_FIRST = ["test_journeys.py", "test_keyboard.py", "test_crawl.py", "test_accessibility.py"]


def pytest_collection_modifyitems(items):
    """Mark the tests of this folder and run them last, after pytest-django's own ordering.

    Each runs inside a transaction of the test database (the `db` fixture), so what a journey
    writes through the live server is rolled back on SQLite (the in-memory database's connection
    is shared with the server thread); the demo world itself is committed once per session.
    """
    here = os.path.dirname(__file__)
    e2e = [item for item in items if str(item.fspath).startswith(here)]
    for item in e2e:
        item.add_marker(pytest.mark.e2e)
        item.add_marker(pytest.mark.django_db)

    def rank(item):
        name = os.path.basename(str(item.fspath))
        return LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST)

    items[:] = [item for item in items if item not in e2e] + sorted(e2e, key=rank)


def require_chromium():
    """Skip (locally) or fail (in CI) when Debian's Chromium or Playwright is missing."""
    missing = None
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "Playwright for Python is missing (pip install '.[dev]')"
    if missing:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"Browser tests cannot run in CI: {missing}")
        pytest.skip(f"Browser tests skipped: {missing}")


@pytest.fixture(scope="session")
def demo_world(django_db_setup, django_db_blocker):
    """The demo data of every app, loaded once into the test database; emptied at the end."""
    with django_db_blocker.unblock():
        # A transactional test run before may have flushed the lists seeded by migrations.
        seed = import_module("partners.migrations.0002_reference_lists").seed
        seed(apps, None)
        for loader in settings.DEMO_LOADERS:
            import_string(loader)()
        make_links()  # the links whose secret only their maker knows (pages.py)
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="session")
def server(demo_world, django_db_blocker):
    """A live server (pytest-django's LiveServer, as behind its `live_server` fixture)."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        live = LiveServer("localhost", start=False)
        # Static files through WhiteNoise (as in production, with its year-long Cache-Control)
        # rather than Django's StaticFilesHandler (no caching header): the tabs kept per persona
        # then fetch Bootstrap's CSS and JS once, not again on every page.
        live.thread.static_handler = lambda handler: handler
        live.start()
        live._live_server_modified_settings.enable()
        # Sessions made here are committed: a test's own transaction would roll them back.
        live.cookies = {persona: session_cookie(persona, "localhost") for persona in ACCOUNTS}
        yield live
        live._live_server_modified_settings.disable()
        wait_for_requests_to_end()
        live.stop()


def wait_for_requests_to_end(timeout=5):
    """Let the server's request threads end (the tabs kept per persona close their keep-alive
    connections just before): on SQLite, one still closing its share of the in-memory
    database once the server has stopped sharing it fails ("created in a thread...")."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(
        thread.name.endswith("(process_request_thread)") for thread in threading.enumerate()
    ):
        time.sleep(0.02)


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def session_cookie(persona, domain):
    """A session cookie of the demo account of `persona`, made without the sign-in form."""
    from portal.models import User

    client = Client()
    client.force_login(User.objects.get(username=ACCOUNTS[persona]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "domain": domain, "path": "/"}


@dataclass
class Tab:
    """A browser page with the console errors, page errors and CSP violations it met."""

    page: object
    base: str
    errors: list = field(default_factory=list)

    def go(self, path):
        return self.page.goto(self.base + path)

    def console(self, message):
        """Keep errors and CSP reports; not the line Chromium prints for a document answered with
        an error status (a 404 page, a form with errors in a 400): the tests assert statuses."""
        text = message.text
        if message.type != "error" and "Content Security Policy" not in text:
            return
        document = self.page.url.split("#")[0]
        if text.startswith("Failed to load resource") and message.location.get("url") == document:
            return
        self.errors.append(f"console {message.type}: {text}")

    def url(self, path):
        return self.base + path


def new_tab(browser, server, persona="visitor", width="1280", **options):
    """A tab of `persona` in a browser context of its own (cookies, cache, storage)."""
    # Reduced motion: Bootstrap then skips its colour transitions, which axe could otherwise
    # catch half-way (a button measured mid-fade fails the contrast check at random).
    options.setdefault("reduced_motion", "reduce")
    context = browser.new_context(
        viewport=WIDTHS[width], locale="fr-FR", accept_downloads=True, **options
    )
    if persona != "visitor":
        context.add_cookies([server.cookies[persona]])
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = Tab(page=page, base=server.url)
    page.on("console", tab.console)
    page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
    return tab


@pytest.fixture
def open_tab(browser, server, demo_world):
    """open_tab(persona="visitor", width="1280") -> Tab, in a fresh browser context, closed at
    the end of the test: for the journeys, which sign in, write and download."""
    tabs = []

    def open_(persona="visitor", width="1280", **options):
        tab = new_tab(browser, server, persona, width, **options)
        tabs.append(tab)
        return tab

    yield open_
    for tab in tabs:
        tab.page.context.close()


@pytest.fixture(scope="session")
def persona_tab(browser, server):
    """persona_tab(persona="visitor") -> Tab: one tab per persona, kept for the whole session
    (set back to 1280 px, its errors emptied, each time it is handed out).

    For the checks that only look at pages (accessibility): a new context per page would cost a
    renderer process, and a fresh parse of Bootstrap's CSS and JS, per page. Reused, the tab
    keeps its HTTP cache, and its renderer keeps the compiled scripts (axe-core's included).
    """
    tabs = {}

    def get(persona="visitor"):
        tab = tabs.get(persona)
        if tab is None or tab.page.is_closed():
            tab = tabs[persona] = new_tab(browser, server, persona)
        tab.page.set_viewport_size(DESKTOP)
        tab.errors.clear()
        return tab

    yield get
    for tab in tabs.values():
        tab.page.context.close()
