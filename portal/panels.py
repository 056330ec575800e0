"""Panels that the apps above an app add to its pages, without the lower app importing them
(DESIGN.md: the higher app provides what a lower app's page shows).

A setting names functions, as `DEMO_LOADERS` names the demo loaders: `HOME_PANELS`
(`panel(request, territory)`, on a member's home page), `NEED_PANELS`
(`panel(request, need, can_edit)`, on the page of a company's need: the roadmap action it
relates to) and `ESTABLISHMENT_PANELS` (`panel(request, establishment, territory, can_edit)`,
on an establishment's page: « Signaler »). Each returns None (nothing to show to this user) or
a `Panel`: the template of an include and its context. The page includes them in order, each
with `panel` in its context. A panel decides who sees what through its own app's perms.py, and
runs a constant number of queries.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


def collect_panels(setting, request, *args):
    """The panels named by `settings.<setting>` for this request, in order."""
    panels = []
    for path in getattr(settings, setting, []):
        panel = import_string(path)(request, *args)
        if panel is not None:
            panels.append(panel)
    return panels


def home_panels(request, territory):
    """The panels of the home page of `territory` for the request's user."""
    return collect_panels("HOME_PANELS", request, territory)
