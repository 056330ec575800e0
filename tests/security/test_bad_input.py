"""Bad input: a corpus of hostile values sent to every form and every query parameter.

The forms are not listed by hand: each page a coordinator can open is fetched, its forms are
parsed, and every field of every POST form (and of every GET search form) receives each value of
the corpus. The rules, whatever the value:
- never a 500 (a form error or a 4xx instead);
- never an unescaped echo: the raw `<script>` of the corpus never comes back in a page;
- nothing written when the form is refused: the row count of every table is unchanged;
- ids of the other territory's objects are never accepted as choices.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from portal.models import Commune
from referents.models import Meeting, Referent
from roadmaps.models import Action
from tests.factories import (
    ActionFactory,
    AxisFactory,
    MeetingFactory,
    PartnerFactory,
    ReferentFactory,
    RoadmapFactory,
)
from tests.security.test_access_matrix import (  # noqa: F401 (fixtures)
    EXPECTED,
    no_pdf_rendering,
    site,
    url_for,
)

SCRIPT = '<script>alert("maillage-xss")</script>'
MARKED_LINK = "https://evil.example/?t=maillage-csrf-0b4e7f19"
ATTRIBUTE = '"><img src=x data-maillage-xss=1>'
CORPUS = {
    "script": SCRIPT,
    "attribute": ATTRIBUTE,
    "sql": "' OR 1=1 --",
    "long": "é" * 50_000,  # 100 kB of UTF-8
    "null byte": "nul\x00octet",
    "negative": "-1",
    # Beyond 64 bits (portal.forms.ModelMultipleChoiceField refuses it before SQLite overflows).
    "huge": "9" * 40,
    "impossible date": "2024-02-30",
    # with line separators other than CR/LF (they broke vCards: partners/formats.py)
    "unicode": "\u202e\ufeff𝔐\u2028\x85",
    # A valid link holding the marker the page cache once replaced with each reader's CSRF
    # token (a partner's website keeps it): always shown as typed (portal/cache.py).
    "cache marker": MARKED_LINK,
}
# Query strings that are not valid UTF-8 once percent-decoded.
RAW_QUERIES = ["%ff%fe", "%c3%28", "%00", "%e9t%e9"]
# Parameters read by views without appearing in a form.
KNOWN_PARAMETERS = {"page", "territoire", "commune", "q", "epci", "couverture", "role", "action"}
# Forms of the header and the sign-in pages: attacked once, or elsewhere.
SKIPPED_ACTIONS = {"logout", "login", "password_reset"}


# Formsets' management fields keep the page's values: a huge TOTAL_FORMS only makes Django
# build its maximum of forms (see the report), which is slow rather than unsafe.
MANAGEMENT_FIELDS = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
# Pages reading query parameters (besides those with a search form).
QUERY_PAGES = {
    "home",
    "partners:list",
    "referents:list",
    "referents:guide",
    "referents:meeting_list",
    "referents:orientation",
    "roadmaps:list",
    "roadmaps:detail",
    "roadmaps:versions",
    "roadmaps:dashboard",
}


class FormParser(HTMLParser):
    """Forms of a page: [(method, action, {field name: value of a management field or None})]."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.forms.append((method, attrs.get("action") or "", {}))
        elif tag in {"input", "select", "textarea", "button"} and self.forms and attrs.get("name"):
            name = attrs["name"]
            if attrs.get("type") != "file":
                kept = name.endswith(MANAGEMENT_FIELDS) or name == "csrfmiddlewaretoken"
                self.forms[-1][2][name] = attrs.get("value", "") if kept else None


def forms_of(response):
    parser = FormParser()
    parser.feed(response.content.decode())
    return parser.forms


def row_counts():
    """Rows of every table (but sessions and sign-in attempts), in one query."""
    tables = [
        model._meta.db_table
        for model in apps.get_models()
        if model is not Session and model._meta.app_label != "axes" and model._meta.managed
    ]
    sql = " UNION ALL ".join(f'SELECT COUNT(*) FROM "{table}"' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, (row[0] for row in cursor.fetchall()), strict=True))


@pytest.fixture
def foreign(other_territory):
    """Objects of the other territory, whose ids are offered to every choice field."""
    roadmap = RoadmapFactory(territory=other_territory)
    axis = AxisFactory(roadmap=roadmap, number=1)
    bergerac = Commune.objects.get(insee_code="24037")
    return {
        "partner": PartnerFactory(territory=other_territory, slug="autre-partenaire"),
        "axis": axis,
        "action": ActionFactory(axis=axis, number=1),
        "commune": bergerac,
        "referent": ReferentFactory(commune=bergerac),
        "meeting": MeetingFactory(territory=other_territory),
    }


def foreign_value(field, foreign):
    """The id of the other territory's object that `field` most likely chooses."""
    for words, kind in [
        (("commune",), "commune"),
        (("axis", "axe"), "axis"),
        (("referent", "invited", "present"), "referent"),
        (("meeting",), "meeting"),
        (("action",), "action"),
    ]:
        if any(word in field for word in words):
            return str(foreign[kind].pk)
    return str(foreign["partner"].pk)


def foreign_links(foreign):
    """Rows pointing at the other territory's objects from the coordinator's territory."""
    return {
        "référent of a commune outside": Referent.objects.filter(commune=foreign["commune"])
        .exclude(pk=foreign["referent"].pk)
        .count(),
        "action moved to an axis outside": Action.objects.filter(axis=foreign["axis"])
        .exclude(pk=foreign["action"].pk)
        .count(),
        "référent invited outside": Meeting.invited.through.objects.filter(
            referent=foreign["referent"]
        ).count(),
        "rendez-vous of the territory with an outside référent": Meeting.objects.exclude(
            territory=foreign["meeting"].territory
        )
        .filter(invited=foreign["referent"])
        .count(),
    }


HTML_PAGES = sorted(
    name
    for name, expect in EXPECTED.items()
    if expect.get[2] == 200  # pages the coordinator may open
    and not name.startswith("admin:")
    and not any(part in name for part in ("export", "pdf", "vcard", "calendar", "health"))
)


def assert_safe(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"
    body = response.content
    assert SCRIPT.encode() not in body, f"{what}: unescaped <script> echoed"
    assert ATTRIBUTE.encode() not in body, f"{what}: unescaped attribute echoed"
    for link in re.findall(rb"https://evil\.example/\?t=[A-Za-z0-9-]*", body):
        assert link == MARKED_LINK.encode(), f"{what}: the typed link was changed into {link}"


@pytest.mark.parametrize("name", HTML_PAGES)
def test_forms_and_queries_survive_the_corpus(name, site, foreign, coordinator_client):  # noqa: F811
    client = coordinator_client
    url = url_for(name, site)
    page = client.get(url)
    assert page.status_code == 200, url
    path = urlsplit(url).path
    forms = [form for form in forms_of(page) if not _skipped(form[1], name)]

    # Query parameters: every search field and the known ones, all set to one value at a time.
    parameters = set(KNOWN_PARAMETERS)
    for method, _action, fields in forms:
        if method == "get":
            parameters |= set(fields)
    if name in QUERY_PAGES or any(method == "get" for method, _, _ in forms):
        for label, value in CORPUS.items():
            # follow: a cached page drops the parameters it does not read with a redirect
            data = {parameter: value for parameter in parameters}
            response = client.get(path, data, follow=True)
            assert_safe(response, f"GET {path} ({label})")
        for raw in RAW_QUERIES:
            query = "&".join(f"{quote(parameter)}={raw}" for parameter in sorted(parameters))
            assert_safe(client.get(f"{path}?{query}", follow=True), f"GET {path}?{query}")

    # POST forms: every field set to each value of the corpus, then to ids of the other
    # territory's objects.
    for _method, action, fields in (form for form in forms if form[0] == "post"):
        target = action or url
        submissions = {label: {field: value for field in fields} for label, value in CORPUS.items()}
        submissions["ids of the other territory"] = {
            field: foreign_value(field, foreign) for field in fields
        }
        for label, data in submissions.items():
            data.update((field, value) for field, value in fields.items() if value is not None)
            before = row_counts()
            response = client.post(target, data)
            what = f"POST {target} ({label}) from {name}"
            assert_safe(response, what)
            if response.status_code not in (301, 302, 303):
                assert row_counts() == before, f"{what}: refused but rows changed"
            elif label in {"script", "attribute", "cache marker"}:
                assert_safe(client.get(response["Location"]), f"{what}, then its redirect")
    assert foreign_links(foreign) == dict.fromkeys(foreign_links(foreign), 0)


def _skipped(action, page_name):
    """The header's forms (sign-out, territory switcher) are attacked once, from home."""
    if not action:
        return False
    target = urlsplit(action).path
    if any(target == reverse(name) for name in SKIPPED_ACTIONS):
        return True
    return target == reverse("territory_switch") and page_name != "home"
