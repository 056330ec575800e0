"""Rendez-vous invitations by e-mail (iTIP, RFC 5546): when a coordinator creates a
rendez-vous, moves it (date, time or place) or cancels it, each invited référent who has an
address and did not opt out receives an e-mail with an .ics: METHOD:REQUEST (created, moved)
or METHOD:CANCEL, always the same UID for the meeting and a SEQUENCE raised at each change, so
that their calendar updates the event in place. Sent after the transaction commits, through
portal.mail (a failure is logged, the page goes on). Each e-mail holds a signed link with which
the person stops these e-mails (Referent.meeting_emails_opt_out), without an account.

Partners are not invited by e-mail: a rendez-vous has a host partner, not invited partners."""

from email.utils import parseaddr

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from portal import mail
from referents.models import Referent

UNSUBSCRIBE_SALT = "referents.meeting-invitations.unsubscribe"
# The fields whose change moves the rendez-vous (a new REQUEST with a higher SEQUENCE).
MOVING_FIELDS = ("starts_at", "ends_at", "host", "place")


def unsubscribe_token(referent):
    return signing.dumps(referent.pk, salt=UNSUBSCRIBE_SALT)


def referent_from_token(value):
    """The pk a link carries, or None when it was tampered with."""
    try:
        return signing.loads(value, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def _host(site_url):
    return site_url.split("//", 1)[-1].split("/", 1)[0] or "maillage"


def invitation_ics(meeting, referents, site_url, *, method):
    """The bytes of an iTIP VCALENDAR (METHOD:REQUEST or CANCEL) of `meeting` for `referents`."""
    calendar = Calendar()
    calendar.add("prodid", "-//Maillage//Rendez-vous du reseau//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{_host(site_url)}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.end)
    event.add("summary", meeting.title)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(
        _("Coordination · %(territory)s") % {"territory": meeting.territory.name}
    )
    event.add("organizer", organizer)
    for referent in referents:
        attendee = vCalAddress(f"mailto:{referent.email}")
        attendee.params["cn"] = vText(f"{referent.first_name} {referent.last_name}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def recipients(meeting):
    """The invited référents who receive the e-mails: an address, not opted out."""
    return [
        referent
        for referent in meeting.invited.order_by("last_name", "first_name", "pk")
        if referent.email and not referent.meeting_emails_opt_out
    ]


def messages(meeting, referents, site_url, *, method, uninvited=False):
    """The keyword arguments of portal.mail.send for each référent (each has their own
    unsubscribe link), built now: a cancelled meeting is deleted before they are sent."""
    if not referents:
        return []
    ics = invitation_ics(meeting, referents, site_url, method=method)
    cancelled = method == "CANCEL"
    moved = not cancelled and meeting.sequence > 0
    if uninvited:
        subject = _("Vous n'êtes plus invité·e : %(title)s")
        lead = _(
            "Vous n'êtes plus invité·e au rendez-vous « %(title)s » du réseau de %(territory)s."
        )
    elif cancelled:
        subject = _("Rendez-vous annulé : %(title)s")
        lead = _("Le rendez-vous « %(title)s » du réseau de %(territory)s est annulé.")
    elif moved:
        subject = _("Rendez-vous modifié : %(title)s")
        lead = _(
            "Le rendez-vous « %(title)s » du réseau de %(territory)s a changé de date ou de lieu."
        )
    else:
        subject = _("Invitation : %(title)s")
        lead = _("Vous êtes invité·e au rendez-vous « %(title)s » du réseau de %(territory)s.")
    lead = lead % {"title": meeting.title, "territory": meeting.territory.name}
    root = site_url.rstrip("/")
    meeting_url = root + meeting.get_absolute_url()
    result = []
    for referent in referents:
        context = {
            "meeting": meeting,
            "territory": meeting.territory,
            "referent": referent,
            "cancelled": cancelled,
            "lead": lead,
            "meeting_url": meeting_url,
            "unsubscribe_url": root
            + reverse("referents:unsubscribe", args=[unsubscribe_token(referent)]),
        }
        result.append(
            {
                "to": [referent.email],
                "subject": subject % {"title": meeting.title},
                "template": "referents/emails/meeting_invitation",
                "context": context,
                "attachments": [("invitation.ics", ics, f"text/calendar; method={method}")],
                "what": f"meeting {meeting.pk} {method}",
            }
        )
    return result


def send_on_commit(meeting, site_url, *, method, referents=None, uninvited=False):
    """Within the transaction that writes (or deletes) the meeting: the e-mails to its invited
    référents (or to `referents`), built now and sent once it commits (never if it rolls back)."""
    if referents is None:
        referents = recipients(meeting)
    prepared = messages(meeting, referents, site_url, method=method, uninvited=uninvited)

    def send():
        for kwargs in prepared:
            mail.send(**kwargs)

    if prepared:
        transaction.on_commit(send)


def send_invited_changes(meeting, before, site_url):
    """The list of invited changed (date and place unchanged): the newly invited receive the
    REQUEST, the ones taken off the list a CANCEL, at the current SEQUENCE."""
    now = recipients(meeting)
    added = [referent for referent in now if referent.pk not in before]
    current = {referent.pk for referent in now}
    removed = [
        referent
        for referent in Referent.objects.filter(pk__in=before - current).order_by("pk")
        if referent.email and not referent.meeting_emails_opt_out
    ]
    send_on_commit(meeting, site_url, method="REQUEST", referents=added)
    send_on_commit(meeting, site_url, method="CANCEL", referents=removed, uninvited=True)
