"""Events open to the public (/evenements/): the list of every territory's upcoming public
rendez-vous, each event's page with its registration form, the cancel link of the e-mail, and
the public iCalendar feeds. Visitors reach them all; nothing internal to the network (agenda,
minutes, référents, registrations) is shown."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal import throttle
from portal.cache import render_cached
from portal.models import Commune, Territory
from portal.scopes import EVENTS
from portal.security import client_ip
from portal.submissions import create_once
from referents import registrations
from referents.calendar import public_calendar
from referents.forms import EventFilterForm, RegistrationForm
from referents.models import Meeting, Registration
from referents.perms import get_public_event, get_public_territory

PER_PAGE = 20


# The query parameters the list reads: its filters and the page number.
EVENT_LIST_PARAMS = (*EventFilterForm.base_fields, "page")


@login_not_required
@require_safe
def event_list(request):
    """Upcoming public events of all territories, filtered, 20 a page: cached, stale when a
    rendez-vous or a partner hosting one changes (`events`) or a territory's or a commune's
    name (`all`). Which events are upcoming depends on the time of day: the key holds the
    next moment one of them is over, and the page lists the events not over at that moment
    (`Meeting.objects.next_over`), the same list until then.

    Queries: the next moment (1), the content version (2); on a miss territories, communes
    (of the filter), count, events with their place.
    """
    horizon = Meeting.objects.public().next_over()
    return render_cached(
        request,
        "referents/event_list.html",
        lambda: _event_list_context(request, horizon),
        params=EVENT_LIST_PARAMS,
        vary=(horizon.isoformat() if horizon else "-",),
        scopes=(EVENTS,),
    )


def _event_list_context(request, horizon):
    """The form, the page of events and whether it is filtered. No registration count (not
    `for_public`): the list shows none, and registrations stale no page."""
    upcoming = Meeting.objects.public().not_over_at(horizon)
    communes = Commune.objects.filter(
        Q(pk__in=upcoming.values("commune")) | Q(pk__in=upcoming.values("host__commune"))
    ).order_by("search_name")
    form = EventFilterForm(
        request.GET, territories=Territory.objects.order_by("name"), communes=communes
    )
    filters = form.filters()
    events = upcoming.select_related("territory", "host", "host__commune", "commune")
    events = events.order_by("starts_at", "pk")
    if "territoire" in filters:
        events = events.filter(territory__slug=filters["territoire"])
    if "commune" in filters:
        events = events.filter(
            Q(commune__insee_code=filters["commune"])
            | Q(commune__isnull=True, host__commune__insee_code=filters["commune"])
        )
    if "type" in filters:
        events = events.filter(kind=filters["type"])
    if "public" in filters:
        events = events.filter(audience=filters["public"])
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return {"form": form, "page": page, "filtered": bool(filters)}


def _places_left(meeting):
    if meeting.capacity is None:
        return None
    return max(meeting.capacity - meeting.confirmed_count, 0)


@login_not_required
def event_detail(request, pk, slug):
    """An event's public page; its registration form when the organiser wants one.

    Queries (GET): the event with its place and number of registrations.
    """
    meeting = get_public_event(pk)
    if slug != meeting.slug:
        return redirect(meeting.get_public_url(), permanent=True)
    form = RegistrationForm(request.POST or None, meeting=meeting)
    if request.method == "POST":
        if not meeting.takes_registrations:
            messages.error(request, _("Cet événement ne prend pas d'inscription."))
            return redirect(meeting.get_public_url())
        allowed = throttle.allow(
            "event_registration",
            client_ip(request) or "-",
            limit=settings.EVENT_REGISTRATION_LIMIT_PER_CLIENT,
            period=settings.EVENT_REGISTRATION_LIMIT_PERIOD,
        )
        if not allowed:
            return render(
                request, "referents/event_throttled.html", {"meeting": meeting}, status=429
            )
        if form.is_valid():
            return create_once(request, lambda: _register(request, meeting, form))
    return render(
        request,
        "referents/event_detail.html",
        {"meeting": meeting, "form": form, "places_left": _places_left(meeting)},
    )


def _register(request, meeting, form):
    data = form.cleaned_data
    try:
        registration, created = registrations.register(
            meeting_pk=meeting.pk, name=data["name"], email=data["email"], phone=data["phone"]
        )
    except registrations.Full:
        messages.error(
            request,
            _("Complet : toutes les places sont prises, votre inscription n'est pas enregistrée."),
        )
        return redirect(meeting.get_public_url())
    except registrations.Closed:
        messages.error(request, _("Cet événement ne prend plus d'inscription."))
        return redirect(meeting.get_public_url())
    if not created:
        messages.info(
            request,
            _(
                "Vous étiez déjà inscrit·e à cet événement avec ce courriel ou ce téléphone : "
                "rien n'a changé."
            ),
        )
        return redirect(meeting.get_public_url())
    waiting = registration.status == Registration.Status.WAITING
    if waiting:
        text = _(
            "Complet : vous êtes sur la liste d'attente. Nous vous écrirons si une place se libère."
        )
    else:
        text = _("Inscription enregistrée.")
    if registration.email:
        if registrations.send_registration_email(request, registration):
            text += " " + _(
                "Un courriel de confirmation vous a été envoyé, avec le lien pour annuler."
            )
        else:
            text += " " + _(
                "Le courriel de confirmation n'a pas pu partir : l'inscription est bien notée."
            )
    messages.success(request, text)
    return redirect(meeting.get_public_url())


@login_not_required
def registration_cancel(request, token):
    """The cancel link of the e-mail: GET asks to confirm (mail software opens links on its
    own), POST cancels. A link used already, or tampered with, says so and changes nothing."""
    value = registrations.token_from_link(token)
    registration = (
        Registration.objects.select_related("meeting").filter(token=value).first()
        if value
        else None
    )
    if registration is None:
        return render(request, "referents/registration_cancel.html", {"gone": True}, status=404)
    if request.method == "POST":
        cancelled, promoted = registrations.cancel(token=value)
        if cancelled is None:  # cancelled between the page and the button
            return render(request, "referents/registration_cancel.html", {"gone": True}, status=404)
        if promoted is not None:
            registrations.send_registration_email(request, promoted, promoted=True)
        messages.success(
            request,
            _("Votre inscription à « %(title)s » est annulée, et vos coordonnées sont effacées.")
            % {"title": cancelled.meeting.title},
        )
        meeting = cancelled.meeting
        return redirect(meeting.get_public_url() if meeting.is_public else "events:list")
    return render(
        request,
        "referents/registration_cancel.html",
        {"registration": registration, "meeting": registration.meeting},
    )


def _calendar_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response


@login_not_required
@require_safe
def event_ics(request, pk, slug):
    """One event as an .ics file, to add it to one's calendar."""
    meeting = get_public_event(pk)
    body = public_calendar(meeting.title, [meeting], request.build_absolute_uri("/"))
    return _calendar_response(body, f"{meeting.slug}.ics")


@login_not_required
@require_safe
def feed(request, territory_slug=None):
    """The public events of a territory (or of all, `tous.ics`) as an iCalendar feed: the
    upcoming ones and those of the last 30 days."""
    events = Meeting.objects.publicly_visible().for_public().order_by("starts_at", "pk")
    if territory_slug is None:
        name, filename = _("Événements ouverts au public · Maillage"), "evenements.ics"
    else:
        territory = get_public_territory(territory_slug)
        events = events.filter(territory=territory)
        name = _("Événements ouverts au public · %(territory)s") % {"territory": territory.name}
        filename = f"evenements-{territory.slug}.ics"
    return _calendar_response(
        public_calendar(name, events, request.build_absolute_uri("/")), filename
    )
