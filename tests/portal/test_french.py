"""French dates (« 1er juillet ») and valid <time datetime> values, in every template."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.urls import reverse

from portal.text import french_date
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
    assert french_date(value, date_format) == expected


def test_date_filter_without_format_uses_the_french_date_format():
    assert render("{{ value|date }}", value=datetime.date(2026, 11, 1)) == "1er novembre 2026"


def test_date_filter_uses_the_local_day_of_a_datetime():
    # 30 June 23:30 UTC is 1 July 01:30 in Paris.
    value = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    assert render('{{ value|date:"j F Y, H\\hi" }}', value=value) == "1er juillet 2026, 01h30"
    assert french_date(value) == "1er juillet 2026"


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
        reverse("referents:meeting_list", query={"territoire": territory.slug}),
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
