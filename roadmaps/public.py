"""What visitors read of a published roadmap: built from a list of public fields only.

The public pages never receive a model instance: every query below names the columns it reads
(`values()`), and the templates get frozen dataclasses holding those values and nothing else.
No person appears (the coordination's account, the pilot person, the authors of the points
d'étape), nor « à discuter », signals, the follow-up of companies, the history or the versions'
decisions; the budget and the funders only when the coordination ticked « budget public »
(`Roadmap.budget_public`). A field reaches the public only by being added to a list here.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone

from portal.models import commune_slug
from roadmaps.charts import PALETTE, mean_progress, status_counts
from roadmaps.maps import ACTION_STYLES, actions_map
from roadmaps.models import (
    Action,
    Axis,
    DiagnosticIndicator,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Roadmap,
    Step,
    decimal_label,
)

ACTION_FIELDS = (
    "pk",
    "axis_id",
    "number",
    "title",
    "description",
    "expected_results",
    "status",
    "progress",
    "start_date",
    "end_date",
    "pilot_partner__name",
    "pilot_partner__slug",
    "updated_at",
)
BUDGET_FIELDS = ("budget", "funders")
STATUS_LABELS = dict(Action.Status.choices)
RECENT_UPDATES = 8


@dataclass(frozen=True)
class PublicRoadmap:
    territory_name: str
    territory_slug: str
    title: str
    period: str
    status_label: str
    work_started_on: datetime.date | None
    validated_on: datetime.date | None
    validated_by: str
    diagnostic: str
    stakes: str
    objectives: str
    axis_label_singular: str
    axis_label_plural: str
    budget_public: bool
    published_at: datetime.datetime | None
    updated_at: datetime.datetime

    @classmethod
    def of(cls, roadmap):
        return cls(
            territory_name=roadmap.territory.name,
            territory_slug=roadmap.territory.slug,
            title=roadmap.title,
            period=roadmap.period,
            status_label=str(roadmap.get_status_display()),
            work_started_on=roadmap.work_started_on,
            validated_on=roadmap.validated_on,
            validated_by=roadmap.validated_by,
            diagnostic=roadmap.diagnostic,
            stakes=roadmap.stakes,
            objectives=roadmap.objectives,
            axis_label_singular=str(roadmap.axis_label_singular),
            axis_label_plural=str(roadmap.axis_label_plural),
            budget_public=roadmap.budget_public,
            published_at=roadmap.published_at,
            updated_at=roadmap.updated_at,
        )

    @property
    def url(self):
        return reverse("roadmaps:detail", args=[self.territory_slug])


@dataclass(frozen=True)
class PublicAxis:
    pk: int
    number: int
    title: str
    objectives: str


@dataclass
class PublicAction:
    pk: int
    axis: PublicAxis
    number: int
    title: str
    description: str
    expected_results: str
    status: str
    effective_progress: int
    start_date: datetime.date | None
    end_date: datetime.date | None
    pilot: str
    pilot_slug: str
    updated_at: datetime.datetime
    url: str
    budget: str = ""  # formatted, and only when the budget is public
    funders: str = ""
    late: bool = False
    due_soon: bool = False

    @property
    def axis_id(self):
        return self.axis.pk

    @property
    def code(self):
        return f"{self.axis.number}.{self.number}"

    @property
    def pilot_label(self):
        """The pilot partner's name (never the pilot person's): the shared charts' name."""
        return self.pilot

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def status_css(self):
        return self.status.replace("_", "-")

    @property
    def end_label(self):
        return self.end_date.strftime("%d/%m/%Y") if self.end_date else ""

    def __str__(self):
        return f"{self.code} {self.title}"

    @classmethod
    def of(cls, row, axis, steps, *, budget_public, today, url):
        total, done = steps
        action = cls(
            pk=row["pk"],
            axis=axis,
            number=row["number"],
            title=row["title"],
            description=row["description"],
            expected_results=row["expected_results"],
            status=row["status"],
            effective_progress=round(100 * done / total) if total else row["progress"],
            start_date=row["start_date"],
            end_date=row["end_date"],
            pilot=row["pilot_partner__name"] or "",
            pilot_slug=row["pilot_partner__slug"] or "",
            updated_at=row["updated_at"],
            url=url,
        )
        if budget_public:
            action.budget = decimal_label(row["budget"]) if row["budget"] is not None else ""
            action.funders = row["funders"]
        closed = row["status"] in Action.Status.closed()
        end = row["end_date"]
        action.late = bool(end and end < today and not closed)
        action.due_soon = bool(
            end and today <= end <= today + datetime.timedelta(days=30) and not closed
        )
        return action


@dataclass(frozen=True)
class PublicUpdate:
    """A point d'étape: date, note, new status and progress; never its author."""

    date: datetime.date
    note: str
    status_label: str
    progress: int | None
    action: PublicAction | None = None


@dataclass
class PublicAxisSummary:
    axis: PublicAxis
    actions: list = field(default_factory=list)

    @cached_property
    def progress(self):
        return mean_progress(self.actions)


@dataclass
class PublicOverview:
    roadmap: PublicRoadmap
    today: datetime.date
    axes: list
    actions: list
    last_updated: datetime.datetime

    @classmethod
    def load(cls, roadmap, today=None):
        """Queries: axes, actions, their step counts, the last point d'étape's time (four)."""
        today = today or timezone.localdate()
        public = PublicRoadmap.of(roadmap)
        axes = {
            row["pk"]: PublicAxis(**row)
            for row in Axis.objects.filter(roadmap=roadmap)
            .order_by("number")
            .values("pk", "number", "title", "objectives")
        }
        fields = ACTION_FIELDS + (BUDGET_FIELDS if roadmap.budget_public else ())
        rows = (
            Action.objects.filter(axis__roadmap=roadmap)
            .order_by("axis__number", "number")
            .values(*fields)
        )
        counts = Action.objects.step_counts(roadmap)
        url = reverse("roadmaps:action", args=[public.territory_slug, 0]).rsplit("0/", 1)[0]
        actions = [
            PublicAction.of(
                row,
                axes[row["axis_id"]],
                counts.get(row["pk"], (0, 0)),
                budget_public=roadmap.budget_public,
                today=today,
                url=f"{url}{row['pk']}/",
            )
            for row in rows
        ]
        last_note = ProgressUpdate.objects.filter(action__axis__roadmap=roadmap).aggregate(
            last=Max("created_at")
        )["last"]
        moments = [roadmap.updated_at, last_note, *(action.updated_at for action in actions)]
        return cls(
            roadmap=public,
            today=today,
            axes=list(axes.values()),
            actions=actions,
            last_updated=max(moment for moment in moments if moment),
        )

    @cached_property
    def axis_summaries(self):
        summaries = {axis.pk: PublicAxisSummary(axis) for axis in self.axes}
        for action in self.actions:
            summaries[action.axis.pk].actions.append(action)
        return list(summaries.values())

    @cached_property
    def progress(self):
        return mean_progress(self.actions)

    @cached_property
    def late(self):
        return [action for action in self.actions if action.late]

    @cached_property
    def due_soon(self):
        return sorted((a for a in self.actions if a.due_soon), key=lambda a: a.end_date)

    @cached_property
    def status_counts(self):
        return status_counts(self.actions)


def recent_updates(roadmap, actions, limit=RECENT_UPDATES):
    """The latest points d'étape of the roadmap (one query), with their action."""
    by_pk = {action.pk: action for action in actions}
    rows = (
        ProgressUpdate.objects.filter(action__axis__roadmap=roadmap)
        .order_by("-date", "-pk")
        .values("action_id", "date", "note", "status", "progress")[:limit]
    )
    return [
        PublicUpdate(
            date=row["date"],
            note=row["note"],
            status_label=STATUS_LABELS.get(row["status"], ""),
            progress=row["progress"],
            action=by_pk.get(row["action_id"]),
        )
        for row in rows
    ]


def facts(roadmap):
    """The diagnostic's figures (one query)."""
    return list(
        DiagnosticIndicator.objects.filter(roadmap=roadmap).values(
            "label", "value", "unit", "year", "source"
        )
    )


def roadmap_context(roadmap):
    """The public roadmap page. Queries: the four of `PublicOverview.load`, the diagnostic's
    figures, the latest points d'étape."""
    overview = PublicOverview.load(roadmap)
    return {
        "roadmap": overview.roadmap,
        "overview": overview,
        "facts": facts(roadmap),
        "updates": recent_updates(roadmap, overview.actions),
    }


def indicators(roadmap=None, action_pk=None):
    """The indicators (label, unit, baseline, target, values) of a roadmap or of one action,
    formatted (two queries: indicators, values)."""
    filters = {"action_id": action_pk} if action_pk else {"action__axis__roadmap": roadmap}
    found = list(
        Indicator.objects.filter(**filters)
        .only("action_id", "label", "unit", "baseline", "target", "metric")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=IndicatorValue.objects.only("indicator_id", "date", "value").order_by(
                    "date", "pk"
                ),
            )
        )
        .order_by("action__axis__number", "action__number", "pk")
    )
    rows = []
    for indicator in found:
        latest = indicator.latest_value()
        rows.append(
            {
                "action_id": indicator.action_id,
                "label": indicator.label,
                "unit": indicator.unit,
                "metric": bool(indicator.metric),
                "baseline_label": decimal_label(indicator.baseline),
                "target_label": decimal_label(indicator.target),
                "latest_label": decimal_label(latest.value if latest else None),
                "latest": {"date": latest.date} if latest else None,
                "ratio": indicator.target_ratio(),
                "values": [
                    {"date": value.date, "value": decimal_label(value.value)}
                    for value in indicator.values.all()
                ],
            }
        )
    return rows


def dashboard_context(roadmap, link_root=""):
    """The public dashboard: the same charts as the committee's, without what is internal.
    Queries: the four of `PublicOverview.load`, indicators and their values, the latest points
    d'étape, the territory's communes with their outline, the communes of the open actions."""
    overview = PublicOverview.load(roadmap)
    by_pk = {action.pk: action for action in overview.actions}
    rows = indicators(roadmap)
    for row in rows:
        row["action"] = by_pk.get(row["action_id"])
    communes = roadmap.territory.communes.select_related("outline").order_by("search_name")
    figure, map_rows, territory_wide = actions_map(roadmap, communes, overview.actions)
    return {
        "roadmap": overview.roadmap,
        "overview": overview,
        "indicators": rows,
        "updates": recent_updates(roadmap, overview.actions),
        "palette": PALETTE,
        "link_root": link_root,
        "map": figure,
        "legend": figure.legend(ACTION_STYLES),
        "map_rows": map_rows,
        "territory_wide": territory_wide,
        "generated_at": timezone.localtime(),
    }


def action_context(roadmap, pk):
    """One action of a published roadmap, or None if it has no such action. Queries: the
    action, its axis, steps, points d'étape, contributing partners, publics, communes,
    indicators and their values, the roadmap's last update."""
    budget = BUDGET_FIELDS if roadmap.budget_public else ()
    row = (
        Action.objects.filter(axis__roadmap=roadmap, pk=pk).values(*ACTION_FIELDS, *budget).first()
    )
    if row is None:
        return None
    public = PublicRoadmap.of(roadmap)
    axis = PublicAxis(
        **Axis.objects.filter(pk=row["axis_id"]).values("pk", "number", "title", "objectives").get()
    )
    steps = list(
        Step.objects.filter(action_id=pk)
        .order_by("due_date", "pk")
        .values("title", "due_date", "done")
    )
    action = PublicAction.of(
        row,
        axis,
        (len(steps), sum(step["done"] for step in steps)),
        budget_public=roadmap.budget_public,
        today=timezone.localdate(),
        url=reverse("roadmaps:action", args=[public.territory_slug, pk]),
    )
    updates = [
        PublicUpdate(
            date=update["date"],
            note=update["note"],
            status_label=STATUS_LABELS.get(update["status"], ""),
            progress=update["progress"],
        )
        for update in ProgressUpdate.objects.filter(action_id=pk)
        .order_by("-date", "-pk")
        .values("date", "note", "status", "progress")
    ]
    through = Action.communes.through.objects.filter(action_id=pk)
    return {
        "roadmap": public,
        "action": action,
        "steps": steps,
        "updates": updates,
        "partners": list(
            Action.partners.through.objects.filter(action_id=pk)
            .order_by("partner__name")
            .values("partner__name", "partner__slug")
        ),
        "publics": list(
            Action.publics.through.objects.filter(action_id=pk)
            .order_by("public__label")
            .values_list("public__label", flat=True)
        ),
        "communes": [
            {"name": name, "url": commune_url(insee_code, name)}
            for name, insee_code in through.order_by("commune__name").values_list(
                "commune__name", "commune__insee_code"
            )
        ],
        "indicators": indicators(action_pk=pk),
        "last_updated": max(roadmap.updated_at, action.updated_at),
    }


def commune_url(insee_code, name):
    return reverse("communes:detail", args=[insee_code, commune_slug(name)])


def published_roadmaps(exclude_territories=()):
    """Every published roadmap (but those of `exclude_territories`, ids), by territory (one
    query)."""
    return [
        PublicRoadmap.of(roadmap)
        for roadmap in Roadmap.objects.published()
        .exclude(territory__in=exclude_territories)
        .select_related("territory")
        .order_by("territory__name")
    ]
