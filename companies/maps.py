"""The register's map: the establishments that match the list's filters, as points over the
territory's communes (portal/maps.py), with the counts per commune as its text equivalent."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.maps import DOT_FILL, LegendItem, Map, Style, dot_swatch

MAP_MAX = 2_000  # points drawn at most: beyond, the map says how many are not drawn
COMMUNE_STYLE = Style("commune", gettext_lazy("commune du territoire"), "#f2f4f7")
POINT_STYLE = Style("point", gettext_lazy("établissement dessiné"), DOT_FILL)


def legend(figure, counts):
    """The map's legend: the communes, and the points with how many are drawn."""
    return [*figure.legend(), LegendItem(POINT_STYLE, counts.drawn, dot_swatch())]


@dataclass
class MapCounts:
    total: int  # establishments that match
    drawn: int  # of which drawn: those with coordinates, `limit` at most
    limit: int

    @property
    def not_drawn(self):
        return self.total - self.drawn

    def sentence(self):
        """What the map leaves out, and why, in French (empty when it draws them all)."""
        if not self.not_drawn:
            return ""
        head = ngettext(
            "%(count)s établissement n'est pas dessiné",
            "%(count)s établissements ne sont pas dessinés",
            self.not_drawn,
        ) % {"count": localize(self.not_drawn)}
        if self.drawn < self.limit:  # every establishment with coordinates is drawn
            why = _("sans coordonnées dans le répertoire Sirene")
        else:
            why = _(
                "la carte s'arrête aux %(max)s premiers dans l'ordre de la liste qui ont des "
                "coordonnées"
            ) % {"max": localize(self.limit)}
        return f"{head} : {why}."


def register_map(territory, communes, establishments, *, limit=None):
    """(figure, rows, counts) for `establishments` (the list's filtered queryset, in its order)
    over `communes` (the territory's, with their outlines): the map, the rows of its table
    (establishments per commune) and a MapCounts. Queries: the counts per commune (one), the
    points drawn (one). `limit`: MAP_MAX unless given."""
    limit = MAP_MAX if limit is None else limit
    # Grouped by the commune's search name and id: the order of an index (no sort), one row
    # per commune all the same.
    per_commune = dict(
        establishments.order_by()
        .values_list("commune_search_name", "commune_id")
        .annotate(total=Count("pk"))
        .values_list("commune_id", "total")
    )
    codes = {commune.pk: commune.insee_code for commune in communes}
    points = establishments.filter(latitude__isnull=False, longitude__isnull=False)
    drawn = [
        (lon, lat, codes.get(commune_id, ""))
        for lon, lat, commune_id in points.values_list("longitude", "latitude", "commune_id")[
            :limit
        ]
    ]
    counts = MapCounts(total=sum(per_commune.values()), drawn=len(drawn), limit=limit)
    figure = Map(
        id="carte-etablissements",
        title=_("Établissements de %(name)s") % {"name": territory.name},
        description=ngettext(
            "%(count)s établissement dessiné, un point chacun, sur les communes du territoire.",
            "%(count)s établissements dessinés, un point chacun, sur les communes du territoire.",
            counts.drawn,
        )
        % {"count": localize(counts.drawn)},
    )
    rows = []
    for commune in communes:
        total = per_commune.get(commune.pk, 0)
        value = ngettext("%(count)s établissement", "%(count)s établissements", total) % {
            "count": localize(total)
        }
        rows.append({"commune": commune, "value": value})
        outline = getattr(commune, "outline", None)
        if outline is not None:
            figure.add_area(outline, style=COMMUNE_STYLE, label=f"{commune.name} : {value}")
    figure.add_points(drawn)
    return figure, rows, counts
