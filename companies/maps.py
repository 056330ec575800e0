"""The register's map: the establishments that match the list's filters, as points over the
territory's communes (portal/maps.py), with the counts per commune as its text equivalent."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.maps import Map, Style

MAP_MAX = 2_000  # points drawn at most: beyond, the map says how many are not drawn
COMMUNE_STYLE = Style("commune", gettext_lazy("commune du territoire"), "#f2f4f7")


@dataclass
class MapCounts:
    total: int  # establishments that match
    located: int  # of which with coordinates
    drawn: int  # of which drawn (at most `limit`)
    limit: int

    @property
    def not_drawn(self):
        return self.total - self.drawn

    @property
    def without_coordinates(self):
        return self.total - self.located

    @property
    def beyond_limit(self):
        return self.located - self.drawn

    def sentence(self):
        """What the map leaves out, in French (empty when it draws them all)."""
        if not self.not_drawn:
            return ""
        parts = []
        if self.without_coordinates:
            parts.append(
                _("%(count)s sans coordonnées dans le répertoire Sirene")
                % {"count": localize(self.without_coordinates)}
            )
        if self.beyond_limit:
            parts.append(
                _("%(count)s au-delà des %(max)s premiers dans l'ordre de la liste")
                % {"count": localize(self.beyond_limit), "max": localize(self.limit)}
            )
        head = ngettext(
            "%(count)s établissement n'est pas dessiné",
            "%(count)s établissements ne sont pas dessinés",
            self.not_drawn,
        ) % {"count": localize(self.not_drawn)}
        return f"{head} ({' ; '.join(parts)})."


def register_map(territory, communes, establishments, *, limit=None):
    """(figure, rows, counts) for `establishments` (the list's filtered queryset, in its order)
    over `communes` (the territory's, with their outlines): the map, the rows of its table
    (establishments per commune) and a MapCounts. Queries: the counts per commune (one), the
    points drawn (one). `limit`: MAP_MAX unless given."""
    limit = MAP_MAX if limit is None else limit
    per_commune = {
        row["commune_id"]: row
        for row in establishments.order_by()
        .values("commune_id")
        .annotate(total=Count("pk"), located=Count("pk", filter=Q(latitude__isnull=False)))
    }
    codes = {commune.pk: commune.insee_code for commune in communes}
    points = establishments.filter(latitude__isnull=False, longitude__isnull=False)
    drawn = [
        (lon, lat, codes.get(commune_id, ""))
        for lon, lat, commune_id in points.values_list("longitude", "latitude", "commune_id")[
            :limit
        ]
    ]
    counts = MapCounts(
        total=sum(row["total"] for row in per_commune.values()),
        located=sum(row["located"] for row in per_commune.values()),
        drawn=len(drawn),
        limit=limit,
    )
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
        total = per_commune.get(commune.pk, {}).get("total", 0)
        value = ngettext("%(count)s établissement", "%(count)s établissements", total) % {
            "count": localize(total)
        }
        rows.append({"commune": commune, "value": value})
        outline = getattr(commune, "outline", None)
        if outline is not None:
            figure.add_area(outline, style=COMMUNE_STYLE, label=f"{commune.name} : {value}")
    figure.add_points(drawn)
    return figure, rows, counts
