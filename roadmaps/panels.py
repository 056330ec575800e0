"""What roadmaps adds to the pages of the apps below it (portal/panels.py)."""

from portal.panels import Panel
from roadmaps.forms import NeedActionForm
from roadmaps.models import NeedLink, Roadmap


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
