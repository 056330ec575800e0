"""Reads of the roadmaps that other apps ask for, as explicit functions: a renamed field fails
here, loudly, instead of silently emptying another app's page."""

from django.db.models import Count, Q
from django.urls import reverse

from roadmaps.models import Action, Roadmap, Signal


def actions_to_discuss(*, territory):
    """The territory's roadmap actions flagged « à discuter », for the agenda of the next
    rendez-vous of the référents (referents.views.meetings), in one query, with what their
    `__str__` and `get_absolute_url()` need (axis, roadmap, territory)."""
    return list(
        Action.objects.filter(axis__roadmap__territory=territory, to_discuss=True).select_related(
            "axis__roadmap__territory"
        )
    )


def signals_to_examine(*, territory):
    """The territory's signaux faibles « à examiner » (the lead of each group), for the same
    agenda beside the actions « à discuter », oldest observation first, in one query, with what
    their `__str__` and `get_absolute_url()` need (territory)."""
    return list(
        Signal.objects.of_territory(territory)
        .to_examine()
        .select_related("territory")
        .order_by("observed_on", "pk")
    )


def published_actions_concerning(*, commune, territories):
    """The actions of the published roadmaps of `territories` (the commune's) that concern the
    commune, for its public page (referents.views.communes): those that name it, and how many
    concern the whole territory (they name no commune). Public fields only, as the published
    roadmap's pages (roadmaps/public.py): code, title, status, link. One query.

    [{"territory_name", "url", "actions": [{"code", "title", "status_label", "url"}],
    "territory_wide": count}], by territory."""
    rows = (
        Action.objects.filter(
            axis__roadmap__in=Roadmap.objects.published().filter(territory__in=territories)
        )
        .annotate(named=Count("communes"), here=Count("communes", filter=Q(communes=commune.pk)))
        .filter(Q(here__gt=0) | Q(named=0))
        .order_by("axis__roadmap__territory__name", "axis__number", "number")
        .values(
            "pk",
            "axis__number",
            "number",
            "title",
            "status",
            "here",
            "axis__roadmap__territory__name",
            "axis__roadmap__territory__slug",
        )
    )
    labels = dict(Action.Status.choices)
    found = {}
    for row in rows:
        slug = row["axis__roadmap__territory__slug"]
        roadmap = found.setdefault(
            slug,
            {
                "territory_name": row["axis__roadmap__territory__name"],
                "url": reverse("roadmaps:detail", args=[slug]),
                "actions": [],
                "territory_wide": 0,
            },
        )
        if not row["here"]:
            roadmap["territory_wide"] += 1
            continue
        roadmap["actions"].append(
            {
                "code": f"{row['axis__number']}.{row['number']}",
                "title": row["title"],
                "status_label": labels[row["status"]],
                "url": reverse("roadmaps:action", args=[slug, row["pk"]]),
            }
        )
    return list(found.values())
