"""iCalendar (RFC 5545) feed of a territory's rendez-vous, built with the icalendar library."""

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event

DEFAULT_DURATION = timedelta(hours=2)


def territory_calendar(territory, meetings, site_url):
    """The bytes of a VCALENDAR holding one VEVENT per meeting."""
    calendar = Calendar()
    calendar.add("prodid", "-//Maillage//Rendez-vous du reseau//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Rendez-vous du réseau · {territory.name}")
    calendar.add("x-wr-timezone", "Europe/Paris")
    stamp = timezone.now()
    host = site_url.split("//", 1)[-1].split("/", 1)[0] or "maillage"
    for meeting in meetings:
        event = Event()
        event.add("uid", f"rendez-vous-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("last-modified", meeting.updated_at)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at or meeting.starts_at + DEFAULT_DURATION)
        event.add("summary", meeting.title)
        event.add("categories", [meeting.get_kind_display()])
        if meeting.location:
            event.add("location", meeting.location)
        if meeting.agenda:
            event.add("description", meeting.agenda)
        event.add("url", site_url.rstrip("/") + meeting.get_absolute_url())
        calendar.add_component(event)
    return calendar.to_ical()
