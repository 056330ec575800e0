"""Registrations to public events: register (places, then the waiting list), cancel through a
signed single-use link (the first on the waiting list gets the place), the e-mails that say so.

Capacity is decided inside a transaction that locks the event's row (`select_for_update`, a
real lock on PostgreSQL): two people sending the form together cannot both take the last place.
E-mails go after the transaction, never inside it: a mail server that does not answer must not
hold the lock, and a registration is kept even if its e-mail could not leave (the page says so).
"""

from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import mail
from referents.calendar import public_calendar
from referents.models import Meeting, Registration

CANCEL_SALT = "referents.registration.cancel"


class Closed(Exception):
    """The event takes no registration (not public, not wanted, started)."""


class Full(Exception):
    """Every place is taken and the event keeps no waiting list."""


def register(*, meeting_pk, name, email, phone):
    """(registration, created). An e-mail or phone already registered to the event returns the
    existing registration unchanged (a double submit, a second try). Raises Closed or Full."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting_pk)
        if not meeting.takes_registrations:
            raise Closed
        same = Q(pk__in=[])
        if email:
            same |= Q(email__iexact=email)
        if phone:
            same |= Q(phone=phone)
        existing = meeting.registrations.filter(same).first()
        if existing is not None:
            return existing, False
        status = Registration.Status.CONFIRMED
        if (
            meeting.capacity is not None
            and meeting.registrations.confirmed().count() >= meeting.capacity
        ):
            if not meeting.waiting_list:
                raise Full
            status = Registration.Status.WAITING
        registration = Registration.objects.create(
            meeting=meeting,
            name=name,
            email=email,
            phone=phone,
            status=status,
            consented_at=timezone.now(),
            token=Registration.new_token(),
        )
        return registration, True


def cancel(*, token):
    """Cancel (delete) the registration of `token`: (cancelled, promoted), promoted being the
    registration that left the waiting list for the freed place, if any. (None, None) when
    the registration no longer exists: the link was used already, or the data was purged."""
    found = Registration.objects.filter(token=token).values_list("meeting_id", flat=True).first()
    if found is None:
        return None, None
    with transaction.atomic():
        # The event first, as register() does: the two never wait for each other in a cycle.
        meeting = Meeting.objects.select_for_update().get(pk=found)
        registration = meeting.registrations.select_for_update().filter(token=token).first()
        if registration is None:  # cancelled meanwhile by the same link
            return None, None
        freed = registration.status == Registration.Status.CONFIRMED
        registration.delete()
        registration.meeting = meeting
        promoted = None
        if freed and not meeting.is_past:
            confirmed = meeting.registrations.confirmed().count()
            if meeting.capacity is None or confirmed < meeting.capacity:
                promoted = meeting.registrations.waiting().order_by("created_at", "pk").first()
                if promoted is not None:
                    promoted.status = Registration.Status.CONFIRMED
                    promoted.save(update_fields=["status"])
                    promoted.meeting = meeting
        return registration, promoted


def counts(meeting):
    """{"confirmed": n, "waiting": n, "attended": n} for the rendez-vous page: one query."""
    return meeting.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
        attended=Count("pk", filter=Q(attended=True)),
    )


def cancel_token(registration):
    return signing.dumps(registration.token, salt=CANCEL_SALT)


def token_from_link(value):
    """The registration token a cancel link carries, or None if the link was tampered with."""
    try:
        return signing.loads(value, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None


def cancel_url(request, registration):
    return request.build_absolute_uri(reverse("events:cancel", args=[cancel_token(registration)]))


def send_registration_email(request, registration, *, promoted=False):
    """The confirmation (or waiting list, or freed place) e-mail, with the event as an .ics
    attachment and the cancel link. True when sent; False (logged) when there is no address or
    the mail server refused: the registration stays."""
    if not registration.email:
        return False
    meeting = registration.meeting
    context = {
        "registration": registration,
        "meeting": meeting,
        "promoted": promoted,
        "waiting": registration.status == Registration.Status.WAITING,
        "event_url": request.build_absolute_uri(meeting.get_public_url()),
        "cancel_url": cancel_url(request, registration),
    }
    if promoted:
        subject = _("Une place s'est libérée : %(title)s")
        lead = _("Une place s'est libérée : vous êtes maintenant inscrit·e à « %(title)s ».")
    elif context["waiting"]:
        subject = _("Liste d'attente : %(title)s")
        lead = _(
            "L'événement « %(title)s » est complet : vous êtes sur la liste d'attente. "
            "Nous vous écrirons si une place se libère."
        )
    else:
        subject = _("Inscription confirmée : %(title)s")
        lead = _("Votre inscription à « %(title)s » est confirmée.")
    context["lead"] = lead % {"title": meeting.title}
    ics = public_calendar(meeting.title, [meeting], request.build_absolute_uri("/"))
    return mail.send(
        to=[registration.email],
        subject=subject % {"title": meeting.title},
        template="referents/emails/registration",
        context=context,
        attachments=[("evenement.ics", ics, "text/calendar")],
        what=f"registration {registration.pk}",
    )
