"""Panels that the apps above `portal` add to a member's home page, without `portal` importing
them (DESIGN.md: the higher app provides what a lower app's page shows).

`settings.HOME_PANELS` names functions `panel(request, territory)`, as `DEMO_LOADERS` names
the demo loaders. Each returns None (nothing to show to this user) or a `Panel`: the template
of an include and its context. The home page includes them in order, each with `panel` in its
context. A panel decides who sees it through its own app's perms.py, and runs a constant number
of queries.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


def home_panels(request, territory):
    """The panels of the home page of `territory` for the request's user, in settings order."""
    panels = []
    for path in getattr(settings, "HOME_PANELS", []):
        panel = import_string(path)(request, territory)
        if panel is not None:
            panels.append(panel)
    return panels
