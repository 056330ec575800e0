"""The référents' maps: the territory's communes coloured by coverage (portal/maps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.maps import Map, Style
from referents.models import MAX_ACTIVE_PER_COMMUNE

COVERAGE_STYLES = (
    Style("binome", gettext_lazy("binôme"), "#1d4e89"),
    Style("un", gettext_lazy("un référent"), "#7fa7d9", "hatch", ink="#1d4e89"),
    Style("aucun", gettext_lazy("à pourvoir"), "#fbe3d6", "dots", ink="#8a2c0d"),
)


def coverage_style(count):
    if count >= MAX_ACTIVE_PER_COMMUNE:
        return COVERAGE_STYLES[0]
    return COVERAGE_STYLES[1] if count else COVERAGE_STYLES[2]


def coverage_map(territory, rows, *, links=True):
    """The map of `rows` (every commune of the territory, with its référents): each commune
    links to its row of the network's table (unfiltered). Communes without an outline are left
    out of the map, never out of the table. `rows`' communes come with `outline` selected."""
    base = reverse("referents:list", kwargs={"territory_slug": territory.slug})
    figure = Map(
        id="carte-couverture",
        title=_("Carte de la couverture des communes de %(name)s") % {"name": territory.name},
        description=_("Chaque commune est colorée selon son nombre de référents actifs."),
    )
    for row in rows:
        commune = row["commune"]
        outline = getattr(commune, "outline", None)
        if outline is None:
            continue
        count = len(row["referents"])
        style = coverage_style(count)
        figure.add_area(
            outline,
            style=style,
            label=f"{commune.name} : {style.label}",
            href=f"{base}#commune-{commune.insee_code}" if links else None,
        )
    return figure
