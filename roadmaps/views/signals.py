"""The signaux faibles: the territory's log, recording one (any member), its page, editing it
(its author or the coordination), triaging, turning it into an action and grouping (the
coordination). Access is roadmaps/perms.py's; the pages work without a current roadmap."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from partners.models import Theme
from portal.submissions import create_once
from roadmaps.forms import (
    SIGNAL_PAGE_SIZE,
    SignalActionForm,
    SignalFilterForm,
    SignalForm,
    SignalGroupForm,
    SignalTriageForm,
)
from roadmaps.models import Signal
from roadmaps.perms import (
    get_signal_for_user,
    get_signal_rw_for_user,
    get_signal_triage_for_user,
    get_signals_territory_for_user,
)
from roadmaps.services import history
from roadmaps.services import signals as services
from roadmaps.views.common import render_form

CONFLICT = gettext_lazy(
    "Ce signal a été modifié ou trié pendant que vous le modifiiez : rien n'est enregistré. "
    "Le formulaire montre votre saisie, à partir de la version enregistrée ; vérifiez-la, "
    "puis enregistrez de nouveau."
)
TRIAGE_CONFLICT = gettext_lazy(
    "Ce signal a été modifié ou trié pendant que vous le triiez : rien n'est enregistré. "
    "Vérifiez son état actuel, puis triez-le de nouveau."
)


def signal_list(request, slug):
    """The log: the leads of the groups, newest observation first, filtered and paginated,
    each with the signals grouped into it.

    Queries: the roadmap (or the territory), the communes and the theme categories of the
    filters, the count, the page, then its communes, themes and grouped signals — whatever the
    number of signals."""
    territory, roadmap, can_triage = get_signals_territory_for_user(request, slug)
    filters = SignalFilterForm(
        request.GET or None,
        territory=territory,
        communes=territory.communes.order_by("search_name").only("pk", "name"),
        themes=Theme.objects.categories().order_by("label").only("pk", "label"),
    )
    signals = filters.apply(Signal.objects.of_territory(territory).leading())
    signals = signals.select_related("author", "naf").prefetch_related(
        "communes",
        "themes",
        Prefetch(
            "grouped",
            queryset=Signal.objects.select_related("author").order_by("observed_on", "pk"),
        ),
    )
    page = Paginator(signals, SIGNAL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roadmaps/signal_list.html",
        {
            "territory": territory,
            "roadmap": roadmap,
            "can_triage": can_triage,
            "filters": filters,
            "filtered": filters.is_bound and filters.active,
            "page": page,
        },
    )


def signal_create(request, slug):
    """Record a signal, any member: one short form. `?etablissement=<siret>` and `?source=`
    prefill it (the « Signaler » links of an establishment's and a rendez-vous' pages)."""
    territory, _roadmap, _can_triage = get_signals_territory_for_user(request, slug)
    initial = {}
    if request.method == "GET":
        if siret := request.GET.get("etablissement", "").strip()[:20]:
            initial["siret"] = siret
        source = request.GET.get("source", "")
        if source in Signal.Source.values and source != Signal.Source.PORTAL:
            initial["source"] = source
    form = SignalForm(request.POST or None, territory=territory, initial=initial)
    if form.is_valid():

        def create():
            signal = services.create_signal(form=form, territory=territory, by=request.user)
            messages.success(request, _("Le signal est enregistré. Merci !"))
            return redirect(signal)

        return create_once(request, create)
    return render(
        request,
        "roadmaps/signal_form.html",
        {"form": form, "territory": territory, "signal": None},
        status=400 if form.is_bound else 200,
    )


def signal_detail(request, slug, pk):
    """A signal: what was seen, its links, its group, the actions that take it into account,
    what the portal saw (for the ones it raised) and who changed what."""
    signal, rights = get_signal_for_user(request, slug, pk)
    context = {
        "signal": signal,
        "territory": signal.territory,
        **rights,
        "communes": list(signal.communes.all()),
        "themes": list(signal.themes.all()),
        "partners": list(signal.partners.all()),
        "actions": list(signal.actions.select_related("axis__roadmap__territory")),
        "grouped": list(signal.grouped.select_related("author").order_by("observed_on", "pk")),
        "history": history.signal_history(signal),
    }
    return render(request, "roadmaps/signal_detail.html", context)


def signal_update(request, slug, pk):
    """Edit a signal (its author or the coordination); a save based on an outdated version is
    refused (optimistic locking)."""
    signal = get_signal_rw_for_user(request, slug, pk)
    form = SignalForm(request.POST or None, instance=signal, territory=signal.territory)
    status = 400 if form.is_bound else 200
    if form.is_valid():
        try:
            signal = services.update_signal(
                form=form, expected_version=form.cleaned_data["version"], by=request.user
            )
        except services.ConcurrentEdit:
            fresh = Signal.objects.select_related("territory", "establishment").get(pk=signal.pk)
            data = form.data.copy()
            data["version"] = fresh.version
            form = SignalForm(data, instance=fresh, territory=fresh.territory)
            form.is_valid()
            messages.error(request, CONFLICT)
            status = 409
        else:
            messages.success(request, _("Le signal est enregistré."))
            return redirect(signal)
    return render(
        request,
        "roadmaps/signal_form.html",
        {"form": form, "territory": signal.territory, "signal": signal},
        status=status,
    )


NEXT_STATUS = {Signal.Status.NEW: Signal.Status.TO_EXAMINE}


def signal_triage(request, slug, pk):
    """Triage a signal (the coordination): à examiner (on the next rendez-vous' agenda), pris
    en compte by actions of the current roadmap, or classé with a reason."""
    signal, roadmap = get_signal_triage_for_user(request, slug, pk)
    initial = {
        "status": NEXT_STATUS.get(signal.status, signal.status),
        "filed_reason": signal.filed_reason,
    }
    if roadmap is not None:
        initial["actions"] = list(
            signal.actions.filter(axis__roadmap=roadmap).values_list("pk", flat=True)
        )
    form = SignalTriageForm(request.POST or None, signal=signal, roadmap=roadmap, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.triage_signal(
                signal=signal,
                status=data["status"],
                expected_version=data["version"],
                by=request.user,
                actions=data.get("actions"),
                roadmap=roadmap,
                reason=data["filed_reason"],
            )
        except services.ConcurrentEdit:
            messages.error(request, TRIAGE_CONFLICT)
            return redirect(signal)
        messages.success(
            request,
            _("Le signal est désormais « %(status)s ».")
            % {"status": Signal.Status(data["status"]).label},
        )
        return redirect(signal)
    return render_form(
        request,
        title=_("Trier le signal n° %(pk)s") % {"pk": signal.pk},
        form=form,
        back=signal.get_absolute_url(),
        intro=str(signal),
    )


def signal_action(request, slug, pk):
    """Turn a signal into a new action of the current roadmap in one step (the coordination):
    the action, the link and « pris en compte », all or nothing."""
    signal, roadmap = get_signal_triage_for_user(request, slug, pk)
    if roadmap is None:
        messages.error(
            request,
            _("Le territoire n'a pas de feuille de route en cours : créez-la d'abord."),
        )
        return redirect(signal)
    form = SignalActionForm(
        request.POST or None,
        roadmap=roadmap,
        initial={"title": Truncator(signal.text).chars(300), "description": signal.text},
    )
    if form.is_valid():

        def create():
            try:
                action = services.signal_to_action(
                    signal=signal,
                    form=form,
                    expected_version=form.cleaned_data["signal_version"],
                    by=request.user,
                )
            except services.ConcurrentEdit:
                messages.error(request, TRIAGE_CONFLICT)
                return redirect(signal)
            messages.success(
                request,
                _("L'action %(code)s est créée ; le signal est pris en compte.")
                % {"code": action.code},
            )
            return redirect(action)

        return create_once(request, create)
    form.fields["signal_version"].initial = signal.version
    return render_form(
        request,
        title=_("Faire du signal n° %(pk)s une nouvelle action") % {"pk": signal.pk},
        form=form,
        back=signal.get_absolute_url(),
        submit=_("Créer l'action"),
        intro=_(
            "L'action est ajoutée à la feuille de route en cours, liée au signal, et le signal "
            "est pris en compte. Vous compléterez l'action sur sa page."
        ),
    )


def signal_group(request, slug, pk):
    """Group a signal into another signal of the territory (the coordination); each keeps its
    author and date, the lead shows them all."""
    signal, _roadmap = get_signal_triage_for_user(request, slug, pk)
    form = SignalGroupForm(request.POST or None, signal=signal)
    if form.is_valid():
        lead = services.group_signal(signal=signal, lead=form.cleaned_data["lead"], by=request.user)
        messages.success(
            request, _("Le signal est regroupé avec le signal n° %(pk)s.") % {"pk": lead.pk}
        )
        return redirect(lead)
    return render_form(
        request,
        title=_("Regrouper le signal n° %(pk)s") % {"pk": signal.pk},
        form=form,
        back=signal.get_absolute_url(),
        submit=_("Regrouper"),
        intro=_(
            "Plusieurs signaux sur le même sujet n'en font qu'un : le signal choisi les montre "
            "tous, chacun garde son auteur et sa date. Les signaux déjà regroupés avec celui-ci "
            "suivent."
        ),
    )


@require_POST
def signal_ungroup(request, slug, pk):
    """Take a signal out of its group (the coordination)."""
    signal, _roadmap = get_signal_triage_for_user(request, slug, pk)
    services.ungroup_signal(signal=signal, by=request.user)
    messages.success(request, _("Le signal n'est plus regroupé."))
    return redirect(signal)
