"""What roadmaps adds to the pages of the apps below it (portal/panels.py)."""

from portal.panels import Panel
from roadmaps.forms import NeedActionForm
from roadmaps.models import NeedLink, Roadmap, Signal
from roadmaps.perms import can_triage_signals


def need_action(request, need, can_edit):
    """On a company's need: the roadmap action it relates to, and for its coordination the
    form that changes it (queries: the link, the current roadmap, its actions)."""
    link = (
        NeedLink.objects.filter(need=need)
        .select_related("action__axis__roadmap__territory")
        .first()
    )
    if link is None and not can_edit:
        return None
    context = {"link": link, "need": need}
    if can_edit:
        roadmap = Roadmap.current_for(need.territory)
        if roadmap is not None:
            context["form"] = NeedActionForm(
                roadmap=roadmap, initial={"action": link.action_id if link else None}
            )
            context["slug"] = need.territory.slug
    return Panel("roadmaps/_need_action.html", context)


def signals_to_triage(request, territory):
    """On the home page of the territory's coordination: how many signaux faibles wait to be
    triaged (« nouveau ») and to be examined at the next rendez-vous (« à examiner »), with the
    links (one query; none for a référent)."""
    if not can_triage_signals(request, territory):
        return None
    counts = Signal.objects.of_territory(territory).open_counts()
    return Panel("roadmaps/_home_signals.html", {"territory": territory, **counts})


def report_establishment(request, establishment, territory, can_edit):
    """On an establishment's page: « Signaler » something seen there, for any member of the
    territory it is seen from (no query)."""
    if territory is None:
        return None
    return Panel(
        "roadmaps/_establishment_signal.html",
        {"territory": territory, "establishment": establishment},
    )
