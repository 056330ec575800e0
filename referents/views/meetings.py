"""Rendez-vous du réseau: list, page, coordinator forms, attendance, calendar feed."""

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.submissions import create_once
from referents import invitations, registrations
from referents.calendar import territory_calendar
from referents.forms import AttendanceForm, MeetingForm
from referents.invitations import MOVING_FIELDS
from referents.models import CalendarFeed, Meeting, Referent
from referents.perms import (
    get_meeting_for_user,
    get_meeting_rw_for_user,
    get_territory_for_user,
    get_territory_rw_for_user,
)
from referents.services import calendar_feed, renew_calendar_feed
from roadmaps.queries import actions_to_discuss, signals_to_examine


def meeting_list(request, territory_slug):
    """Upcoming and past rendez-vous of the territory, and the calendar subscription address."""
    territory, can_edit = get_territory_for_user(request, territory_slug)
    meetings = Meeting.objects.of_territory(territory).for_list()
    feed = calendar_feed(territory=territory)
    return render(
        request,
        "referents/meeting_list.html",
        {
            "territory": territory,
            "can_edit": can_edit,
            "upcoming": list(meetings.upcoming()),
            "past": list(meetings.past()[:24]),
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()),
        },
    )


def meeting_detail(request, pk):
    """Agenda (with the roadmap actions « à discuter » and the signaux faibles « à examiner »
    for the next meeting), place, minutes and attendance.

    Queries: meeting with host, next meeting's id, roadmap actions, signals, invited, present.
    """
    meeting, can_edit = get_meeting_for_user(request, pk)
    next_meeting = Meeting.objects.of_territory(meeting.territory).upcoming().first()
    is_next = next_meeting is not None and next_meeting.pk == meeting.pk
    invited = list(meeting.invited.select_related("commune"))
    present = list(meeting.present.select_related("commune"))
    return render(
        request,
        "referents/meeting_detail.html",
        {
            "meeting": meeting,
            "territory": meeting.territory,
            "can_edit": can_edit,
            "is_next": is_next,
            "actions": actions_to_discuss(territory=meeting.territory) if is_next else [],
            "signals": signals_to_examine(territory=meeting.territory) if is_next else [],
            "invited": invited,
            "present": present,
            "absent": [r for r in invited if r not in present],
            # public events: counts for members, names for coordinators (registrations.py)
            "registrations": registrations.counts(meeting) if meeting.is_public else None,
        },
    )


def _meeting_form(request, territory, instance=None):
    meeting = instance or Meeting(territory=territory)
    form = MeetingForm(request.POST or None, instance=meeting, territory=territory)
    if request.method == "POST" and form.is_valid():

        def save():
            saved = meeting
            created = meeting.pk is None
            if form.has_changed() or created:  # an untouched save writes nothing
                moved = not created and any(f in form.changed_data for f in MOVING_FIELDS)
                site_url = request.build_absolute_uri("/")
                with transaction.atomic():
                    before = set() if created else set(meeting.invited.values_list("pk", flat=True))
                    if moved:  # the calendars replace the event they hold (iTIP SEQUENCE)
                        meeting.sequence += 1
                    saved = form.save()
                    if created or moved:
                        invitations.send_on_commit(saved, site_url, method="REQUEST")
                    elif "invited" in form.changed_data and not saved.is_past:
                        invitations.send_invited_changes(saved, before, site_url)
            messages.success(request, _("Rendez-vous enregistré."))
            return redirect(saved)

        return create_once(request, save) if instance is None else save()
    return render(
        request,
        "referents/meeting_form.html",
        {"form": form, "territory": territory, "meeting": instance},
    )


def meeting_create(request, territory_slug):
    territory = get_territory_rw_for_user(request, territory_slug)
    return _meeting_form(request, territory)


def meeting_update(request, pk):
    meeting = get_meeting_rw_for_user(request, pk)
    return _meeting_form(request, meeting.territory, meeting)


@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk):
    """GET asks for confirmation; POST cancels (deletes) the rendez-vous and the invited
    référents receive an iTIP CANCEL."""
    meeting = get_meeting_rw_for_user(request, pk)
    territory = meeting.territory
    if request.method == "GET":
        invited = meeting.invited.count()
        return render(
            request,
            "referents/meeting_cancel.html",
            {"meeting": meeting, "territory": territory, "invited": invited},
        )
    with transaction.atomic():
        meeting.sequence += 1
        invitations.send_on_commit(meeting, request.build_absolute_uri("/"), method="CANCEL")
        meeting.delete()
    messages.success(
        request,
        _("Rendez-vous « %(title)s » annulé.") % {"title": meeting.title},
    )
    return redirect(reverse("referents:meeting_list", args=[territory.slug]))


@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The link of the rendez-vous e-mails: GET asks to confirm (mail software opens links on
    its own), POST stops the e-mails. Replaying it changes nothing more; a forged link says so."""
    pk = invitations.referent_from_token(token)
    referent = Referent.objects.filter(pk=pk).first() if pk is not None else None
    if referent is None:
        return render(request, "referents/unsubscribe.html", {"gone": True}, status=404)
    if request.method == "POST":  # then back to the page, which says it is done (POST, redirect)
        if not referent.meeting_emails_opt_out:
            Referent.objects.filter(pk=referent.pk).update(meeting_emails_opt_out=True)
        return redirect(request.path)
    done = referent.meeting_emails_opt_out
    return render(request, "referents/unsubscribe.html", {"referent": referent, "done": done})


def meeting_attendance(request, pk):
    meeting = get_meeting_rw_for_user(request, pk)
    form = AttendanceForm(request.POST or None, instance=meeting, territory=meeting.territory)
    if request.method == "POST" and form.is_valid():
        if form.has_changed():  # an untouched save writes nothing
            with transaction.atomic():
                form.save()
        messages.success(request, _("Présences enregistrées."))
        return redirect(meeting)
    return render(
        request,
        "referents/meeting_attendance.html",
        {"form": form, "meeting": meeting, "territory": meeting.territory},
    )


def attendance_rates(request, territory_slug):
    """For coordinators: the share of the last twelve months' rendez-vous attended by at least
    one référent of each commune.

    Queries: meetings, attendance rows, communes, active référents.
    """
    territory = get_territory_rw_for_user(request, territory_slug)
    now = timezone.now()
    meetings = list(
        Meeting.objects.of_territory(territory).filter(
            starts_at__lt=now, starts_at__gte=now - timedelta(days=365)
        )
    )
    attended = {}
    for meeting_id, commune_id in (
        Meeting.present.through.objects.filter(meeting__in=meetings)
        .values_list("meeting_id", "referent__commune_id")
        .distinct()
    ):
        attended.setdefault(commune_id, set()).add(meeting_id)
    covered = set(Referent.objects.for_network(territory).values_list("commune_id", flat=True))
    total = len(meetings)
    rows = []
    for commune in territory.communes.order_by("search_name"):
        count = len(attended.get(commune.pk, ()))
        rows.append(
            {
                "commune": commune,
                "count": count,
                "rate": round(100 * count / total) if total else 0,
                "has_referent": commune.pk in covered,
            }
        )
    rows.sort(key=lambda row: (-row["rate"], row["commune"].search_name))
    return render(
        request,
        "referents/attendance_rates.html",
        {"territory": territory, "rows": rows, "total": total},
    )


@login_not_required
@require_GET
def calendar(request, territory_slug, token):
    """The territory's rendez-vous as iCalendar. Calendar clients cannot sign in: the secret
    token in the address is the credential (renewed by coordinators to revoke it)."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("territory"), territory__slug=territory_slug
    )
    if not secrets.compare_digest(feed.token.encode(), token.encode()):
        raise Http404
    since = timezone.now() - timedelta(days=365)
    meetings = Meeting.objects.of_territory(feed.territory).filter(starts_at__gte=since).for_list()
    body = territory_calendar(feed.territory, meetings, request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="rendez-vous-{territory_slug}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@require_POST
def calendar_renew(request, territory_slug):
    territory = get_territory_rw_for_user(request, territory_slug)
    renew_calendar_feed(territory=territory)
    messages.success(
        request,
        _("Nouvelle adresse d'agenda créée : l'ancienne ne fonctionne plus."),
    )
    return redirect(reverse("referents:meeting_list", args=[territory.slug]))
