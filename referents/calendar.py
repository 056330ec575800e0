"""iCalendar (RFC 5545) of rendez-vous, built with the icalendar library: the members' feed of
a territory (agenda included) and the public feeds of events open to all (nothing internal)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from referents.models import DEFAULT_DURATION


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", "-//Maillage//Rendez-vous du reseau//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    return calendar


def _event(meeting, site_url, stamp, *, url, description):
    host = site_url.split("//", 1)[-1].split("/", 1)[0] or "maillage"
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
    if description:
        event.add("description", description)
    event.add("url", site_url.rstrip("/") + url)
    return event


def territory_calendar(territory, meetings, site_url):
    """The bytes of a VCALENDAR holding one VEVENT per meeting (the members' feed)."""
    calendar = _calendar(f"Rendez-vous du réseau · {territory.name}")
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(
            _event(
                meeting, site_url, stamp, url=meeting.get_absolute_url(), description=meeting.agenda
            )
        )
    return calendar.to_ical()


def public_calendar(name, meetings, site_url):
    """The bytes of a VCALENDAR of public events: their public page and description only,
    never the agenda, the minutes or the référents."""
    calendar = _calendar(name)
    stamp = timezone.now()
    for meeting in meetings:
        audience = meeting.get_audience_display()
        parts = [audience and _("Pour qui : %(audience)s") % {"audience": audience}]
        parts.append(meeting.public_description)
        calendar.add_component(
            _event(
                meeting,
                site_url,
                stamp,
                url=meeting.get_public_url(),
                description="\n\n".join(part for part in parts if part),
            )
        )
    return calendar.to_ical()
