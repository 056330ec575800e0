"""Opening hours in OpenStreetMap syntax, shown as French text: the week to come, day by day."""

from datetime import datetime, time, timedelta

import opening_hours
from django.utils import formats, timezone
from django.utils.translation import gettext as _

DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _clock(moment):
    if moment.minute:
        return f"{moment.hour} h {moment.minute:02d}"
    return f"{moment.hour} h"


def week_in_french(value, today=None):
    """[(day name, "8 h 30 – 12 h 30 et 13 h 30 – 17 h" or "fermé")] for the next seven days from
    Monday of this week (so the list reads lundi … dimanche); [] when `value` is empty or invalid.
    Exceptions the syntax carries (public holidays, dates) apply to that week."""
    if not value:
        return []
    try:
        hours = opening_hours.OpeningHours(value)
    except Exception:  # invalid legacy values are shown as stored by the caller
        return []
    today = today or timezone.localdate()
    start = datetime.combine(today - timedelta(days=today.weekday()), time())
    days = {start.date() + timedelta(days=i): [] for i in range(7)}
    for begin, end, state, _comment in hours.intervals(start, start + timedelta(days=7)):
        if str(state).rsplit(".", 1)[-1].upper() != "OPEN":
            continue
        day = begin.date()
        while day < end.date() or (day == end.date() and end.time() != time()):
            if day in days:
                day_begin = max(begin, datetime.combine(day, time()))
                day_end = min(end, datetime.combine(day + timedelta(days=1), time()))
                closing = "24 h" if day_end.time() == time() else _clock(day_end)
                days[day].append(f"{_clock(day_begin)} – {closing}")
            day += timedelta(days=1)
    return [
        (DAY_NAMES[day.weekday()], _(" et ").join(spans) if spans else _("fermé"))
        for day, spans in days.items()
    ]


def week_label(today=None):
    today = today or timezone.localdate()
    return formats.date_format(today - timedelta(days=today.weekday()), "j F Y")
