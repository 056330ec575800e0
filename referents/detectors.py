"""Signals the portal raises from the référent network's data (roadmaps/detectors.py says how
detectors work; settings.SIGNAL_DETECTORS names them): orientation needs no known partner
serves in a commune, communes that lost their référents."""

from collections import defaultdict

from django.db.models import Count
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.counts import is_small_count, shown_count
from referents.models import OrientationCount, Referent
from roadmaps.detectors import (
    Finding,
    as_of,
    detector,
    evidence_table,
    month_bounds,
    month_label,
)

UNMET_NEED_INTERVIEWS = 3  # interviews of the month, in one commune, with one need unmet


@detector("besoin-sans-partenaire", gettext_lazy("Besoin d'orientation sans partenaire"))
def unmet_orientation_needs(territory, month):
    """Needs ticked in the orientation helper that no known partner serves in the commune:
    one finding per commune and need counted at least UNMET_NEED_INTERVIEWS times in the month.
    Counts of people: 1 to 4 are written « moins de 5 » (portal/counts.py). Three queries
    (needs unmet, needs ticked, interviews per commune), whatever the number of interviews."""
    first, last = month_bounds(month)
    counts = OrientationCount.objects.filter(territory=territory, date__range=(first, last))
    in_month = {
        "orientationcount__territory": territory,
        "orientationcount__date__range": (first, last),
    }
    unmet = list(
        OrientationCount.unmet_needs.through.objects.filter(**in_month)
        .values(
            "orientationcount__commune_id",
            "orientationcount__commune__name",
            "orientationcount__commune__insee_code",
            "theme_id",
            "theme__slug",
            "theme__label",
        )
        .annotate(total=Count("orientationcount_id"))
        .filter(total__gte=UNMET_NEED_INTERVIEWS)
        .order_by("orientationcount__commune__name", "theme__label")
    )
    if not unmet:
        return []
    communes = {row["orientationcount__commune_id"] for row in unmet}
    ticked = {
        (commune, theme): total
        for commune, theme, total in OrientationCount.needs.through.objects.filter(
            **in_month, orientationcount__commune__in=communes
        )
        .values_list("orientationcount__commune_id", "theme_id")
        .annotate(total=Count("orientationcount_id"))
        .order_by()
    }
    interviews = dict(
        counts.filter(commune__in=communes)
        .values_list("commune_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    findings = []
    for row in unmet:
        commune, theme, total = row["orientationcount__commune_id"], row["theme_id"], row["total"]
        name = row["orientationcount__commune__name"]
        values = {
            "commune": name,
            "need": row["theme__label"],
            "month": month_label(first),
        }
        if is_small_count(total):
            text = _(
                "%(commune)s, %(month)s : moins de 5 entretiens d'orientation ont relevé le "
                "besoin « %(need)s », qu'aucun partenaire connu ne couvre dans la commune."
            )
        else:
            text = ngettext(
                "%(commune)s, %(month)s : %(count)d entretien d'orientation a relevé le besoin "
                "« %(need)s », qu'aucun partenaire connu ne couvre dans la commune.",
                "%(commune)s, %(month)s : %(count)d entretiens d'orientation ont relevé le "
                "besoin « %(need)s », qu'aucun partenaire connu ne couvre dans la commune.",
                total,
            )
        findings.append(
            Finding(
                rule_key=f"{row['orientationcount__commune__insee_code']}:{row['theme__slug']}",
                text=text % (values | {"count": total}),
                evidence=evidence_table(
                    caption=_("Entretiens comptés par l'aide à l'orientation (anonymes)"),
                    columns=[
                        _("Commune"),
                        _("Besoin"),
                        _("Entretiens du mois"),
                        _("Avec ce besoin"),
                        _("Sans partenaire connu"),
                    ],
                    rows=[
                        [
                            name,
                            row["theme__label"],
                            shown_count(interviews.get(commune, 0)),
                            shown_count(ticked.get((commune, theme), total)),
                            shown_count(total),
                        ]
                    ],
                    numeric=[2, 3, 4],
                ),
                communes=[commune],
                themes=[theme],
            )
        )
    return findings


@detector("commune-sans-referent", gettext_lazy("Commune sans référent"))
def communes_without_referent(territory, month):
    """Communes of the territory where a référent's mandate ended during the month and where
    no référent is in office at its end (today for the current month). A commune that never
    had one is not a signal: the network's map shows it. Two queries (mandates ended, référents
    in office there)."""
    first, _last = month_bounds(month)
    day = as_of(month)
    ended = list(
        Referent.objects.of_territory(territory)
        .filter(mandate_end__range=(first, day))
        .values("commune_id", "commune__name", "commune__insee_code", "role", "mandate_end")
        .order_by("commune__name", "mandate_end", "pk")
    )
    if not ended:
        return []
    in_office = set(
        Referent.objects.of_territory(territory)
        .active(day)
        .filter(commune__in={row["commune_id"] for row in ended})
        .values_list("commune_id", flat=True)
    )
    by_commune = defaultdict(list)
    for row in ended:
        if row["commune_id"] not in in_office:
            by_commune[
                (row["commune_id"], row["commune__name"], row["commune__insee_code"])
            ].append(row)
    roles = dict(Referent.Role.choices)
    findings = []
    for (commune, name, insee_code), rows in by_commune.items():
        text = ngettext(
            "%(commune)s n'a plus de référent en activité : %(count)d mandat a pris fin en "
            "%(month)s.",
            "%(commune)s n'a plus de référent en activité : %(count)d mandats ont pris fin en "
            "%(month)s.",
            len(rows),
        ) % {"commune": name, "count": len(rows), "month": month_label(first)}
        findings.append(
            Finding(
                rule_key=insee_code,
                text=text,
                evidence=evidence_table(
                    caption=_("Mandats terminés dans le mois (%(commune)s)") % {"commune": name},
                    columns=[_("Qualité"), _("Fin du mandat")],
                    rows=[
                        [roles.get(row["role"], row["role"]), date_format(row["mandate_end"])]
                        for row in rows
                    ],
                ),
                communes=[commune],
            )
        )
    return findings
