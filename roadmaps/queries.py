"""Reads of the roadmaps that other apps ask for, as explicit functions: a renamed field fails
here, loudly, instead of silently emptying another app's page."""

from roadmaps.models import Action


def actions_to_discuss(*, territory):
    """The territory's roadmap actions flagged « à discuter », for the agenda of the next
    rendez-vous of the référents (referents.views.meetings), in one query, with what their
    `__str__` and `get_absolute_url()` need (axis, roadmap, territory)."""
    return list(
        Action.objects.filter(axis__roadmap__territory=territory, to_discuss=True).select_related(
            "axis__roadmap__territory"
        )
    )
