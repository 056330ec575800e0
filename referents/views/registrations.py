"""The registrations to a public event, for the coordinators of its territory: the list, the
exports (CSV, XLSX) and the attendance. Référents see the counts only, on the rendez-vous page:
names, e-mails and phones are personal data the coordination alone needs (docs/events.md)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.exports import csv_response, xlsx_response
from referents.forms import RegistrationAttendanceForm
from referents.models import Registration
from referents.perms import get_meeting_rw_for_user


def registration_list(request, pk):
    """Confirmed and waiting registrations; coordinators tick who came once it has started.

    Queries: meeting with its place, registrations.
    """
    meeting = get_meeting_rw_for_user(request, pk)
    rows = list(meeting.registrations.all())
    confirmed = [r for r in rows if r.status == Registration.Status.CONFIRMED]
    form = RegistrationAttendanceForm(
        request.POST or None, meeting=meeting, registrations=confirmed
    )
    if request.method == "POST" and form.is_valid():
        present = set(form.cleaned_data["present"])
        with transaction.atomic():
            meeting.registrations.confirmed().filter(pk__in=present).update(attended=True)
            meeting.registrations.confirmed().exclude(pk__in=present).update(attended=False)
        messages.success(request, _("Présences enregistrées."))
        return redirect("referents:meeting_registrations", meeting.pk)
    return render(
        request,
        "referents/registration_list.html",
        {
            "meeting": meeting,
            "territory": meeting.territory,
            "confirmed": confirmed,
            "waiting": [r for r in rows if r.status == Registration.Status.WAITING],
            "form": form,
        },
    )


HEADER = ["Nom", "Courriel", "Téléphone", "Statut", "Inscrit·e le", "Présent·e"]


def _rows(meeting):
    for registration in meeting.registrations.all():
        yield [
            registration.name,
            registration.email,
            registration.phone,
            registration.get_status_display(),
            timezone.localtime(registration.created_at).strftime("%d/%m/%Y %H:%M"),
            "" if registration.attended is None else registration.attended,
        ]


@require_safe
def registration_export(request, pk, fmt):
    meeting = get_meeting_rw_for_user(request, pk)
    filename = f"inscriptions-{meeting.pk}-{meeting.slug}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(filename, HEADER, _rows(meeting), title=_("Inscriptions"))
    return csv_response(filename, HEADER, _rows(meeting))
