"""The roadmap's map: the communes its open actions concern (portal/maps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.maps import Map, Style, count_map
from roadmaps.models import Action

ACTION_STYLES = (
    Style("a0", gettext_lazy("aucune action propre"), "#f2f4f7", "dots", ink="#5c6370"),
    Style("a1", gettext_lazy("1 ou 2 actions propres"), "#a9c6e8", "hatch", ink="#1d4e89"),
    Style("a3", gettext_lazy("3 actions propres ou plus"), "#1d4e89"),
)


def action_style(count):
    return ACTION_STYLES[0 if count == 0 else 1 if count < 3 else 2]


def actions_map(roadmap, communes, actions):
    """Each commune shaded by the open actions that name it (`communes` of an action), beside
    those that concern the whole territory (no commune named). Returns the map and the rows of
    its table equivalent. Queries: the communes named by the open actions (one)."""
    open_ids = {action.pk for action in actions if action.status not in Action.Status.closed()}
    named = {}
    whole = set(open_ids)
    for action_id, commune_id in Action.communes.through.objects.filter(
        action_id__in=open_ids
    ).values_list("action_id", "commune_id"):
        named.setdefault(commune_id, set()).add(action_id)
        whole.discard(action_id)
    figure = Map(
        id="carte-actions",
        title=_("Communes concernées par les actions en cours de %(name)s")
        % {"name": roadmap.territory.name},
        description=ngettext(
            "%(count)s action ouverte concerne tout le territoire ; les teintes comptent les "
            "actions propres à chaque commune.",
            "%(count)s actions ouvertes concernent tout le territoire ; les teintes comptent "
            "les actions propres à chaque commune.",
            len(whole),
        )
        % {"count": len(whole)},
    )
    rows = []
    for commune in communes:
        own = len(named.get(commune.pk, ()))
        label = ngettext("%(count)s action propre", "%(count)s actions propres", own) % {
            "count": own
        }
        rows.append({"commune": commune, "value": label})
        outline = getattr(commune, "outline", None)
        if outline is not None:
            figure.add_area(outline, style=action_style(own), label=f"{commune.name} : {label}")
    return figure, rows, len(whole)


def signals_map(territory, totals):
    """The trends' map: each commune of the territory shaded by its signals over the period
    (`totals`: {commune id: count}), « moins de 5 » in one shade; each commune leads to the log
    filtered on it. Query: the territory's communes with their outline (one)."""
    log = reverse("roadmaps:signals", args=[territory.slug])
    figure, _rows = count_map(
        id="carte-signaux",
        title=_("Carte des signaux faibles par commune de %(name)s") % {"name": territory.name},
        description=_("Chaque commune est teintée selon le nombre de signaux sur la période."),
        communes=territory.communes.select_related("outline").order_by("search_name"),
        totals=totals,
        href=lambda commune: f"{log}?commune={commune.pk}",
    )
    return figure
