"""A crawl of the whole demo site as each persona: every same-origin link, stylesheet, script and
image reachable from the home page answers, and every in-page anchor has its target.

The test client is used rather than the browser (same responses, much faster). The crawl is
bounded: at most PER_ROUTE addresses per URL pattern (41 partner pages are one pattern); heavy
PDF and XLSX renderings and the administration's object, filtered or history views are skipped;
non-staff personas never see an /admin/ link (asserted).
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from portal.models import User
from tests.e2e.conftest import ACCOUNTS, PERSONAS

PER_ROUTE = 2
MAX_PAGES = 300
# Heavy renderings: WeasyPrint's PDFs (the journeys download one) and the spreadsheets (their
# content is tested by the apps); CSV, JSON, iCalendar and vCard exports are crawled.
SKIPPED = (".pdf", "/pdf/", ".xlsx")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.links.append(attrs["src"])


def route_of(path):
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.route


def skipped(url, persona):
    path = urlsplit(url).path
    if path.endswith(SKIPPED) or any(part in path for part in SKIPPED):
        return True
    if path.startswith("/admin/"):
        assert persona == "staff", f"{persona} is shown an administration link: {url}"
        # The administration's index, app and list pages; its object, sorting, filtering and
        # history pages are Django's own.
        return bool(urlsplit(url).query) or path.strip("/").count("/") > 2
    return False


def crawl(client, persona):
    seen, per_route, broken, missing_anchors = set(), {}, [], []
    queue = deque([("/", "(départ)")])
    pages = 0
    while queue and pages < MAX_PAGES:
        url, referrer = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        route = route_of(path)
        if not path.startswith("/static/"):
            if per_route.get(route, 0) >= PER_ROUTE:
                continue
            per_route[route] = per_route.get(route, 0) + 1
        response = client.get(url)
        pages += 1
        if response.status_code in (301, 302):
            queue.append((urljoin(url, response["Location"]), url))
            continue
        if response.status_code != 200:
            broken.append(f"{url} → {response.status_code} (lien sur {referrer})")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            target, fragment = urldefrag(urljoin(url, href))
            if fragment and target == url and fragment not in parser.ids:
                missing_anchors.append(f"{url}: #{fragment}")
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https", "") or (
                parts.netloc not in ("", "testserver")
            ):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen and not skipped(local, persona):
                queue.append((local, url))
    return pages, broken, missing_anchors


@pytest.mark.parametrize("persona", PERSONAS)
def test_crawl_finds_no_broken_link(demo_world, client, persona):
    if persona != "visitor":
        client.force_login(User.objects.get(username=ACCOUNTS[persona]))
    pages, broken, missing_anchors = crawl(client, persona)
    assert pages > 20, f"only {pages} addresses reached"
    assert broken == []
    assert missing_anchors == []
