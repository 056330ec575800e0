"""Reads of the roadmaps that other apps ask for, as explicit functions: a renamed field fails
here, loudly, instead of silently emptying another app's page."""

from roadmaps.models import Action, Signal


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
