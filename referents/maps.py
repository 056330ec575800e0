"""The référents' maps: the territory's communes coloured by coverage (portal/maps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.maps import COUNT_STYLES, Map, Style, count_map
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


LOCATOR_STYLES = (
    Style("commune", gettext_lazy("la commune"), "#1d4e89"),
    Style("territoire", gettext_lazy("les autres communes du territoire"), "#e4e7ec"),
)


def guide_map(territory, communes, referents, commune=None):
    """The guide's map: the territory's communes coloured by coverage (`referents`: the active
    ones), or, in a commune's guide, where the commune lies in the territory."""
    if commune is not None:
        figure = Map(
            id="carte-guide",
            title=_("%(commune)s dans %(territory)s")
            % {"commune": commune.name, "territory": territory.name},
        )
        for other in communes:
            outline = getattr(other, "outline", None)
            if outline is not None:
                mine = other.pk == commune.pk
                figure.add_area(
                    outline,
                    style=LOCATOR_STYLES[0 if mine else 1],
                    label=other.name,
                    highlight=mine,
                )
        return figure, LOCATOR_STYLES
    by_commune = {}
    for referent in referents:
        by_commune.setdefault(referent.commune_id, []).append(referent)
    rows = [{"commune": c, "referents": by_commune.get(c.pk, [])} for c in communes]
    return coverage_map(territory, rows, links=False), COVERAGE_STYLES


def interviews_map(territory, communes, totals):
    """The observatory's map: each commune shaded by its first interviews over the period
    (`totals`: {commune id: count}), « moins de 5 » in one shade (portal.maps.count_map).
    Returns the map and the rows of its table equivalent (commune, count as shown)."""
    return count_map(
        id="carte-entretiens",
        title=_("Carte des premiers entretiens par commune de %(name)s") % {"name": territory.name},
        description=_("Chaque commune est teintée selon le nombre d'entretiens sur la période."),
        communes=communes,
        totals=totals,
    )


INTERVIEW_STYLES = COUNT_STYLES
