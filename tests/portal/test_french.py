"""French dates (« 1er juillet ») and valid <time datetime> values, in every template."""

import datetime
import re
import tokenize
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse

from roadmaps.models import Step
from tests.factories import ActionFactory, AxisFactory, MeetingFactory, RoadmapFactory

PARIS = ZoneInfo("Europe/Paris")
# HTML allows at most three digits of fractions of a second in a <time datetime> value.
TIME_DATETIME = re.compile(r'<time datetime="([^"]*)"')
VALID_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?([+-]\d{2}:\d{2}|Z))?$"
)


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("value", "date_format", "expected"),
    [
        (datetime.date(2026, 7, 1), "j F Y", "1er juillet 2026"),
        (datetime.date(2026, 7, 2), "j F Y", "2 juillet 2026"),
        (datetime.date(2026, 7, 1), "d F Y", "1er juillet 2026"),
        (datetime.date(2026, 7, 9), "d F Y", "9 juillet 2026"),
        (datetime.date(2026, 7, 1), "l j F Y", "mercredi 1er juillet 2026"),
        (datetime.date(2026, 7, 1), "d/m/Y", "01/07/2026"),
        (datetime.date(2026, 7, 1), "F Y", "juillet 2026"),
        (datetime.date(2026, 7, 1), r"\j j F", "j 1er juillet"),
    ],
)
def test_date_filter_writes_the_first_of_the_month_1er(value, date_format, expected):
    assert render("{{ value|date:format }}", value=value, format=date_format) == expected


def test_date_filter_without_format_uses_the_french_date_format():
    assert render("{{ value|date }}", value=datetime.date(2026, 11, 1)) == "1er novembre 2026"
    value = datetime.date(2026, 11, 1)
    assert render('{{ value|date:"DATE_FORMAT" }}', value=value) == "1er novembre 2026"
    assert render('{{ value|date:"SHORT_DATE_FORMAT" }}', value=value) == "01/11/2026"
    assert render("{{ value|date }}", value=None) == ""


def test_date_filter_uses_the_local_day_of_a_datetime():
    # 30 June 23:30 UTC is 1 July 01:30 in Paris.
    value = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    assert render('{{ value|date:"j F Y, H\\hi" }}', value=value) == "1er juillet 2026, 01h30"


def test_iso_datetime_has_no_fractions_of_a_second_and_the_local_offset():
    value = datetime.datetime(2026, 11, 30, 9, 15, 0, 123456, tzinfo=datetime.UTC)
    assert render("{{ value|iso_datetime }}", value=value) == "2026-11-30T10:15:00+01:00"
    assert render("{{ value|iso_datetime }}", value=datetime.date(2026, 7, 1)) == "2026-07-01"
    assert render("{{ value|iso_datetime }}", value=None) == ""


def time_values(html):
    return TIME_DATETIME.findall(html)


def test_meeting_pages_show_1er_and_valid_time_values(referent_client, territory):
    starts_at = datetime.datetime(2030, 7, 1, 9, 30, 12, 654321, tzinfo=PARIS)
    meeting = MeetingFactory(territory=territory, starts_at=starts_at)
    for url in (
        reverse("referents:meeting_detail", args=[meeting.pk]),
        reverse("referents:meeting_list", args=[territory.slug]),
    ):
        html = referent_client.get(url).content.decode()
        assert "lundi 1er juillet 2030, 09h30" in html, url
        assert time_values(html) and all(VALID_DATETIME.match(v) for v in time_values(html)), url
        assert "2030-07-01T09:30:12+02:00" in time_values(html), url


def test_action_history_time_values_are_valid(coordinator_client, territory):
    action = ActionFactory(axis=AxisFactory(roadmap=RoadmapFactory(territory=territory)))
    Step.objects.create(action=action, title="Réunir les partenaires")
    html = coordinator_client.get(action.get_absolute_url()).content.decode()
    values = time_values(html)
    assert values, "the history shows <time> elements"
    assert [v for v in values if not VALID_DATETIME.match(v)] == []


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [
        (0, 1, "(0 étape faite sur 1)"),
        (1, 3, "(1 étape faite sur 3)"),
        (2, 3, "(2 étapes faites sur 3)"),
    ],
)
def test_step_count_agrees_in_number(coordinator_client, territory, done, total, expected):
    action = ActionFactory(axis=AxisFactory(roadmap=RoadmapFactory(territory=territory)))
    for number in range(total):
        Step.objects.create(action=action, title=f"Étape {number}", done=number < done)
    html = coordinator_client.get(action.get_absolute_url()).content.decode()
    assert expected in html
    assert "(s)" not in html


def test_untranslated_plurals_follow_the_french_rule():
    source = (
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} commune"
        "{% plural %}{{ counter }} communes{% endblocktranslate %}"
    )
    assert [render(source, n=n) for n in (0, 1, 2)] == ["0 commune", "1 commune", "2 communes"]


SOURCES = [
    path
    for folder in ("templates", "portal", "partners", "referents", "roadmaps", "api")
    for path in (Path(settings.BASE_DIR) / folder).rglob("*")
    if path.suffix in {".html", ".txt", ".py"} and "migrations" not in path.parts
]
# « étape(s) », « inconnu(e) », « créé(s) »: the text a user reads agrees in number and gender.
HEDGED = re.compile(r"\w\((s|e|es|x)\)")


def texts(path):
    """(line, text) of what a user may read: a template's lines, a Python file's strings."""
    if path.suffix != ".py":
        return enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    with path.open("rb") as source:
        tokens = tokenize.tokenize(source.readline)
        return [(t.start[0], t.string) for t in tokens if t.type in STRING_TOKENS]


STRING_TOKENS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def test_no_hedged_plural_or_gender_in_the_interface():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {text.strip()}"
        for path in SOURCES
        for number, text in texts(path)
        if HEDGED.search(text)
    ]
    assert found == []
