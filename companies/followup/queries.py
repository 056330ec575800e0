"""Reads of the follow-up: the needs page's tables, « mes rappels », and the territory summary
that roadmaps reads for the steering committee's dashboard (`territory_summary`). Each runs a
constant number of queries; none of them returns a private note."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Exchange, NafCode, Need

UNKNOWN_SECTOR = "?"


def section_labels():
    """{section letter: label} of the NAF rév. 2 sections (one query)."""
    return dict(NafCode.objects.filter(level=NafCode.Level.SECTION).values_list("section", "label"))


def division_labels(codes):
    """{division code: label} of the NAF rév. 2 divisions `codes` ("25", one query; none
    without codes)."""
    if not codes:
        return {}
    divisions = NafCode.objects.filter(level=NafCode.Level.DIVISION, code__in=codes)
    return dict(divisions.values_list("code", "label"))


def open_recruitment_needs(*, territory, since, until):
    """The territory's recruitment needs detected up to the day `until` and open now, one row per
    métier (as typed), NAF division of the establishment and establishment:
    [{"job", "division" (None: unknown), "establishment_id", "needs", "positions", "new" (needs
    detected from the day `since`)}]. One query, counts only: what roadmaps' monthly signals
    read (roadmaps/detectors.py)."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(until, datetime.time.max))
    return list(
        Need.objects.filter(territory=territory, created_at__lte=end)
        .recruitment()
        .open()
        .annotate(division=Substr("establishment__naf__code", 1, 2))
        .order_by()
        .values("job", "division", "establishment_id")
        .annotate(
            needs=Count("pk"),
            positions=Sum("positions"),
            new=Count("pk", filter=Q(created_at__gte=start)),
        )
        .order_by("job", "division", "establishment_id")
    )


def sector_name(section, labels):
    if not section or section == UNKNOWN_SECTOR:
        return _("Activité non renseignée")
    return f"{section} — {labels.get(section, '')}".strip(" —")


def status_table(needs):
    """Counts of needs by type (rows) and status (columns), from a queryset (one query):
    [{"kind", "label", "cells": [count per status], "total"}] and the column totals."""
    counts = {
        (row["kind"], row["status"]): row["n"]
        for row in needs.order_by().values("kind", "status").annotate(n=Count("pk"))
    }
    rows = []
    for kind in Need.Kind:
        cells = [counts.get((kind.value, status.value), 0) for status in Need.Status]
        if any(cells):
            rows.append({"kind": kind, "label": kind.label, "cells": cells, "total": sum(cells)})
    totals = [sum(row["cells"][i] for row in rows) for i in range(len(Need.Status))]
    return rows, totals


def recruitment_by_job(needs, labels):
    """Open recruitment needs grouped by métier and sector (one query): what the roadmap's
    recruitment axis and the monthly meeting discuss."""
    rows = (
        needs.recruitment()
        .open()
        .order_by()
        .values("job", "establishment__naf__section")
        .annotate(needs=Count("pk"), positions=Sum("positions"))
        .order_by("job", "establishment__naf__section")
    )
    return [
        {
            "job": row["job"] or "—",
            "sector": sector_name(row["establishment__naf__section"], labels),
            "needs": row["needs"],
            "positions": row["positions"] or 0,
        }
        for row in rows
    ]


@dataclass
class SectorLine:
    sector: str
    establishments_met: int = 0
    exchanges: int = 0
    needs: int = 0
    achieved: int = 0
    dropped: int = 0
    open: int = 0


@dataclass
class TerritorySummary:
    """The territory's follow-up over one year, for the steering committee."""

    year: int
    establishments_met: int = 0
    exchanges: int = 0
    needs: int = 0
    by_status: list = field(default_factory=list)  # [(label, count)]
    by_kind: list = field(default_factory=list)  # [(label, count)]
    sectors: list = field(default_factory=list)  # [SectorLine]

    @property
    def is_empty(self):
        return not self.exchanges and not self.needs


def territory_summary(*, territory, year=None):
    """Establishments met in `year` (default: this year), the needs detected that year and
    their outcome, by sector (NAF section). Four queries: section labels, échanges by sector,
    needs by sector and status, needs by kind. Counts only: no name, no note."""
    year = year or timezone.localdate().year
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31)
    labels = section_labels()
    lines = defaultdict(lambda: SectorLine(sector=""))
    summary = TerritorySummary(year=year)

    exchanges = (
        Exchange.objects.filter(territory=territory, date__range=(start, end))
        .order_by()
        .values("establishment__naf__section")
        .annotate(n=Count("pk"), met=Count("establishment", distinct=True))
    )
    for row in exchanges:
        line = lines[row["establishment__naf__section"] or UNKNOWN_SECTOR]
        line.exchanges += row["n"]
        line.establishments_met += row["met"]
        summary.exchanges += row["n"]
        summary.establishments_met += row["met"]

    start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    end_at = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
    needs = Need.objects.filter(territory=territory, created_at__range=(start_at, end_at))
    by_status = defaultdict(int)
    rows = needs.order_by().values("establishment__naf__section", "status").annotate(n=Count("pk"))
    for row in rows:
        line = lines[row["establishment__naf__section"] or UNKNOWN_SECTOR]
        line.needs += row["n"]
        if row["status"] == Need.Status.ACHIEVED:
            line.achieved += row["n"]
        elif row["status"] == Need.Status.DROPPED:
            line.dropped += row["n"]
        else:
            line.open += row["n"]
        by_status[row["status"]] += row["n"]
        summary.needs += row["n"]
    summary.by_status = [(status.label, by_status.get(status.value, 0)) for status in Need.Status]
    kinds = dict(needs.order_by().values_list("kind").annotate(n=Count("pk")))
    summary.by_kind = [(kind.label, kinds[kind.value]) for kind in Need.Kind if kind.value in kinds]
    for section, line in lines.items():
        line.sector = sector_name(section, labels)
    summary.sectors = sorted(lines.values(), key=lambda line: line.sector)
    return summary


def needs_to_follow_up(needs, today=None):
    """The open needs with no activity for FOLLOW_UP_DAYS days, oldest activity first."""
    return list(needs.to_follow_up(today).for_list().order_by("last_activity_at", "pk"))


def reminders_by_state(reminders, today=None):
    """Mark each rappel overdue or not (computed, never stored)."""
    today = today or timezone.localdate()
    for reminder in reminders:
        reminder.overdue = reminder.is_overdue(today)
    return reminders


# --- Monthly counts by territory (the roadmap indicators computed from the portal's data) ---
# Each takes territory ids and a period of days (`start`, `end` included) and returns
# {territory id: count} in one query, whatever the number of territories; a territory with
# nothing in the period is absent (its count is 0).


def _moments(start, end):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz),
    )


def establishments_met(*, territory_ids, start, end):
    """Distinct establishments with at least one échange dated in the period."""
    rows = (
        Exchange.objects.filter(territory_id__in=territory_ids, date__range=(start, end))
        .order_by()
        .values("territory_id")
        .annotate(n=Count("establishment_id", distinct=True))
    )
    return {row["territory_id"]: row["n"] for row in rows}


def needs_detected(*, territory_ids, start, end):
    """Needs and projects detected (recorded) in the period."""
    since, until = _moments(start, end)
    rows = (
        Need.objects.filter(
            territory_id__in=territory_ids, created_at__gte=since, created_at__lt=until
        )
        .order_by()
        .values("territory_id")
        .annotate(n=Count("pk"))
    )
    return {row["territory_id"]: row["n"] for row in rows}


def needs_achieved(*, territory_ids, start, end):
    """Needs and projects that became « abouti » in the period, from their history (a need
    achieved earlier, reopened and achieved again is counted once, when first achieved)."""
    since, until = _moments(start, end)
    records = Need.history.model.objects.filter(status=Need.Status.ACHIEVED)
    rows = (
        records.filter(
            territory_id__in=territory_ids, history_date__gte=since, history_date__lt=until
        )
        .exclude(id__in=records.filter(history_date__lt=since).values("id"))
        .order_by()
        .values("territory_id")
        .annotate(n=Count("id", distinct=True))
    )
    return {row["territory_id"]: row["n"] for row in rows}
