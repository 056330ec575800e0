"""The steering committee's dashboard, its PDF, and the spreadsheet of actions."""

import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.followup.queries import territory_summary
from portal.cache import render_cached
from portal.exports import csv_response, xlsx_response
from portal.pdf import cached_pdf_response
from portal.scopes import territory_scope
from roadmaps.charts import PALETTE
from roadmaps.maps import ACTION_STYLES, actions_map
from roadmaps.models import (
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Signal,
    decimal_label,
)
from roadmaps.perms import check_roadmap_visible, get_roadmap_for_user
from roadmaps.services import versions
from roadmaps.views import public
from roadmaps.views.common import Overview

# « Faits marquants »: what happened over the last HIGHLIGHT_DAYS days, at most HIGHLIGHT_ROWS
# of each kind, the most recent first.
HIGHLIGHT_DAYS = 90
HIGHLIGHT_ROWS = 8


def highlights(roadmap, overview):
    """Recent points d'étape, signals taken into account (triaged « pris en compte »), and the
    versions validated, over the last HIGHLIGHT_DAYS days. Queries: points d'étape, signals,
    the actions of those signals, versions (without their frozen content) — four."""
    since = overview.today - datetime.timedelta(days=HIGHLIGHT_DAYS)
    actions = {action.pk: action for action in overview.actions}
    updates = list(
        ProgressUpdate.objects.filter(action__axis__roadmap=roadmap, date__gte=since)
        .only("action_id", "date", "note", "status", "progress")
        .order_by("-date", "-pk")[:HIGHLIGHT_ROWS]
    )
    for update in updates:
        update.item = actions.get(update.action_id)
        update.summary = Truncator(update.note).chars(200)
    signals = (
        Signal.objects.of_territory(roadmap.territory)
        .leading()
        .filter(
            status=Signal.Status.TAKEN,
            triaged_at__gte=datetime.datetime.combine(
                since, datetime.time(), tzinfo=timezone.get_current_timezone()
            ),
        )
        .only("text", "observed_on", "triaged_at")
        .order_by("-triaged_at", "-pk")[:HIGHLIGHT_ROWS]
    )
    linked = {}
    for signal_id, action_id in Signal.actions.through.objects.filter(
        signal_id__in=signals.values("pk")
    ).values_list("signal_id", "action_id"):
        if action_id in actions:
            linked.setdefault(signal_id, []).append(actions[action_id])
    signals = list(signals)
    for signal in signals:
        signal.summary = Truncator(signal.text).chars(200)
        signal.url = reverse("roadmaps:signal", args=[roadmap.territory.slug, signal.pk])
        signal.linked = sorted(linked.get(signal.pk, []), key=lambda a: (a.axis.number, a.number))
    versions_ = list(
        roadmap.versions.filter(validated_on__gte=since)
        .defer("snapshot")
        .order_by("-validated_on", "-pk")[:HIGHLIGHT_ROWS]
    )
    for version in versions_:
        version.reason = version.summary  # the committee decision of a revision
    return {
        "days": HIGHLIGHT_DAYS,
        "since": since,
        "updates": updates,
        "signals": signals,
        "versions": versions_,
        "empty": not (updates or signals or versions_),
    }


def dashboard_context(roadmap, today=None, link_root=""):
    """Queries: axes, actions (with step counts), indicators, their values, the last version;
    « faits marquants » (`highlights`: points d'étape, signals, their actions, versions); the
    map: the territory's communes with their outline, the communes of the open actions; the
    follow-up of companies this year (companies.followup.queries.territory_summary: NAF
    sections, échanges by sector, needs by sector and status, needs by kind).

    `link_root` goes before the links' paths (the site's address in the PDF)."""
    overview = Overview.load(roadmap, today)
    communes = roadmap.territory.communes.select_related("outline").order_by("search_name")
    figure, map_rows, territory_wide = actions_map(roadmap, communes, overview.actions)
    indicators = list(
        Indicator.objects.filter(action__axis__roadmap=roadmap)
        .select_related("action__axis")
        .prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("date", "pk"))
        )
        .order_by("action__axis__number", "action__number", "pk")
    )
    for indicator in indicators:  # figures formatted once, not by template filters
        indicator.latest = indicator.latest_value()
        indicator.ratio = indicator.target_ratio()
        indicator.baseline_label = decimal_label(indicator.baseline)
        indicator.target_label = decimal_label(indicator.target)
        indicator.latest_label = decimal_label(indicator.latest.value if indicator.latest else None)
    last_version = roadmap.versions.first()
    changes = None
    if last_version:
        changes = versions.compare(
            last_version.snapshot,
            versions.snapshot(roadmap, actions=overview.actions, axes=overview.axes),
        )
    return {
        "roadmap": roadmap,
        "territory": roadmap.territory,
        "overview": overview,
        "indicators": indicators,
        "last_version": last_version,
        "changes": changes,
        "highlights": highlights(roadmap, overview),
        "palette": PALETTE,
        "link_root": link_root,
        "companies_summary": territory_summary(territory=roadmap.territory),
        "map": figure,
        "legend": figure.legend(ACTION_STYLES),
        "map_rows": map_rows,
        "territory_wide": territory_wide,
        "generated_at": timezone.localtime(),
    }


@public.public_variant(public.dashboard_page)
def dashboard(request, slug):
    """Dashboard of the comité de pilotage. Queries: session, user, memberships with their
    territories, content version; then, unless the page is in the cache, roadmap with territory,
    axes, actions, indicators, indicator values, last version — constant."""
    check_roadmap_visible(request, slug)
    return render_cached(
        request,
        "roadmaps/dashboard.html",
        lambda: dashboard_page(request, slug),
        scopes=(territory_scope(slug),),
    )


def dashboard_page(request, slug):
    territory, roadmap, can_edit = get_roadmap_for_user(request, slug)
    return dashboard_context(roadmap) | {"can_edit": can_edit}


@public.public_variant(public.dashboard_pdf)
def dashboard_pdf(request, slug):
    check_roadmap_visible(request, slug)
    return cached_pdf_response(
        request,
        "roadmaps/dashboard_pdf.html",
        lambda: dashboard_pdf_parts(request, slug),
        scopes=(territory_scope(slug),),
    )


def dashboard_pdf_parts(request, slug):
    territory, roadmap, _can_edit = get_roadmap_for_user(request, slug)
    link_root = request.build_absolute_uri("/").rstrip("/")
    return dashboard_context(roadmap, link_root=link_root), f"tableau-de-bord-{territory.slug}.pdf"


EXPORT_HEADER = [
    gettext_lazy("Numéro"),
    gettext_lazy("Axe"),
    gettext_lazy("Action"),
    gettext_lazy("Statut"),
    gettext_lazy("Priorité"),
    gettext_lazy("Avancement (%)"),
    gettext_lazy("Début"),
    gettext_lazy("Fin"),
    gettext_lazy("En retard"),
    gettext_lazy("À discuter"),
    gettext_lazy("Pilote"),
    gettext_lazy("Coordination"),
    gettext_lazy("Budget (€)"),
    gettext_lazy("Financeurs"),
]


def export_rows(overview):
    for action in overview.actions:
        yield [
            action.code,
            str(action.axis),
            action.title,
            action.get_status_display(),
            action.get_priority_display(),
            action.effective_progress,
            action.start_date.strftime("%d/%m/%Y") if action.start_date else "",
            action.end_date.strftime("%d/%m/%Y") if action.end_date else _("amélioration continue"),
            action.is_late(overview.today),
            action.to_discuss,
            action.pilot_label,
            str(action.coordinator) if action.coordinator else "",
            float(action.budget) if action.budget is not None else "",
            action.funders,
        ]


def actions_export(request, slug, fmt):
    territory, roadmap, can_edit = get_roadmap_for_user(request, slug)
    overview = Overview.load(roadmap)
    filename = f"actions-{territory.slug}-{overview.today:%Y-%m-%d}.{fmt}"
    header = [str(cell) for cell in EXPORT_HEADER]
    if fmt == "xlsx":
        return xlsx_response(filename, header, export_rows(overview), title=_("Actions"))
    return csv_response(filename, header, export_rows(overview))
