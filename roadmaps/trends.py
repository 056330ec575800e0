"""Trends of a territory's signals faibles over the last 24 months: counts by month (a bar
chart drawn on the server, as SVG, with its text equivalent and a table), by theme, by sector
(NAF section or the territory's filière) and by commune.

A group of signals counts once (its lead signal, `Signal.objects.leading()`), in the month it
was observed. Counts of 1 to 4 are shown « moins de 5 » everywhere (portal/counts.py), the
chart's bars too: a hatched bar from 0 to 5, the legend says so. Six queries whatever the
number of signals.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from companies.followup.queries import section_labels
from portal.counts import SMALL_COUNT_LIMIT, is_small_count, shown_count
from portal.maps import Style
from roadmaps.models import Signal

MONTHS = 24
ORIGINS = {"personnes": "raised_by_people", "portail": "raised_by_portal"}

BAR = "#1f4e8c"  # the roadmaps dashboard's bars
SMALL_BAR = Style("petit", gettext_lazy("moins de 5"), "#e6ebf2", "hatch", ink="#1f4e8c")
SHORT_MONTHS = [
    gettext_lazy("janv."),
    gettext_lazy("févr."),
    gettext_lazy("mars"),
    gettext_lazy("avr."),
    gettext_lazy("mai"),
    gettext_lazy("juin"),
    gettext_lazy("juil."),
    gettext_lazy("août"),
    gettext_lazy("sept."),
    gettext_lazy("oct."),
    gettext_lazy("nov."),
    gettext_lazy("déc."),
]


def last_months(today, number=MONTHS):
    """The first days of the `number` months ending with today's, oldest first."""
    months = [today.replace(day=1)]
    while len(months) < number:
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return months[::-1]


@dataclass
class Line:
    label: str
    count: int
    note: str = ""
    month: datetime.date | None = None

    @property
    def shown(self):
        return shown_count(self.count)


@dataclass
class Table:
    id: str
    title: str
    caption: str
    heading: str
    lines: list
    total: object = None  # shown under the lines, if any


@dataclass
class Trends:
    months: list  # [Line] with `month` set, oldest first
    themes: list = field(default_factory=list)
    sectors: list = field(default_factory=list)
    communes: list = field(default_factory=list)
    commune_totals: dict = field(default_factory=dict)  # {commune id: signals}, for the map
    total: int = 0
    chart: str = ""
    summary: str = ""

    @property
    def month_table(self):
        return Table(
            "par-mois",
            _("Signaux par mois"),
            _("Signaux par mois d'observation (un groupe compte une fois)."),
            _("Mois"),
            self.months,
            total=self.shown_total,
        )

    @property
    def tables(self):
        return [
            Table(
                "par-thematique",
                _("Par thématique"),
                _("Un signal peut porter sur plusieurs thématiques : il compte dans chacune."),
                _("Thématique"),
                self.themes,
            ),
            Table(
                "par-secteur",
                _("Par secteur"),
                _(
                    "Section de la NAF ou filière du territoire ; un signal qui nomme les deux "
                    "compte dans chacune."
                ),
                _("Secteur"),
                self.sectors,
            ),
            Table(
                "par-commune",
                _("Par commune"),
                _("Un signal peut concerner plusieurs communes : il compte dans chacune."),
                _("Commune"),
                self.communes,
            ),
        ]

    @property
    def shown_total(self):
        return shown_count(self.total)


def signal_trends(territory, *, origin="", today=None):
    """The trends of `territory`'s signals; `origin`: "" (all), "personnes" or "portail"."""
    today = today or timezone.localdate()
    months = last_months(today)
    signals = Signal.objects.of_territory(territory).leading()
    signals = signals.filter(observed_on__gte=months[0], observed_on__lte=today)
    if origin:
        signals = getattr(signals, ORIGINS[origin])()

    by_month = {
        _first_day(month): count
        for month, count in signals.annotate(month=TruncMonth("observed_on"))
        .order_by()
        .values_list("month")
        .annotate(total=Count("pk"))
    }
    lines = []
    for month in months:
        lines.append(Line(month_name(month), by_month.get(month, 0), month=month))
    trends = Trends(months=lines, total=sum(line.count for line in lines))

    themes = Signal.themes.through.objects.filter(signal__in=signals.values("pk"))
    communes = Signal.communes.through.objects.filter(signal__in=signals.values("pk"))
    without = signals.aggregate(
        theme=Count("pk", filter=~Exists(themes.filter(signal=OuterRef("pk")))),
        commune=Count("pk", filter=~Exists(communes.filter(signal=OuterRef("pk")))),
        sector=Count("pk", filter=Q(naf__isnull=True, sector="")),
    )
    trends.themes = [
        Line(row["category"], row["total"])
        for row in themes.annotate(
            category=Coalesce("theme__parent__label", "theme__label"),
            position=Coalesce("theme__parent__position", "theme__position"),
        )
        .values("category", "position")
        .annotate(total=Count("signal_id", distinct=True))
        .order_by("-total", "position", "category")
    ]
    _add_none(trends.themes, without["theme"], _("Sans thématique"))

    by_commune = list(
        communes.values("commune_id", "commune__name")
        .annotate(total=Count("signal_id", distinct=True))
        .order_by("-total", "commune__name")
    )
    trends.communes = [Line(row["commune__name"], row["total"]) for row in by_commune]
    trends.commune_totals = {row["commune_id"]: row["total"] for row in by_commune}
    _add_none(trends.communes, without["commune"], _("Sans commune précisée"))

    sections, filieres = {}, {}
    for section, sector, total in (
        signals.order_by().values_list("naf__section", "sector").annotate(total=Count("pk"))
    ):
        if section:
            sections[section] = sections.get(section, 0) + total
        if sector:
            filieres[sector] = filieres.get(sector, 0) + total
    labels = section_labels()
    trends.sectors = sorted(
        [Line(f"{code} — {labels.get(code, '')}".strip(" —"), n) for code, n in sections.items()]
        + [Line(name, n, note=_("filière du territoire")) for name, n in filieres.items()],
        key=lambda line: (-line.count, line.label),
    )
    _add_none(trends.sectors, without["sector"], _("Sans secteur"))

    trends.chart = bar_chart(trends, title=_("Signaux par mois, sur 24 mois"))
    trends.summary = summary(trends)
    return trends


def _first_day(month):
    # TruncMonth gives a date on a DateField (a datetime on some backends)
    return month.date() if isinstance(month, datetime.datetime) else month


def _add_none(lines, count, label):
    if count:
        lines.append(Line(label, count))


def month_name(month):
    return date_format(month, "F Y")


def summary(trends):
    """The chart's text equivalent: the period, the total, the busiest months."""
    period = _("de %(start)s à %(end)s") % {
        "start": trends.months[0].label,
        "end": trends.months[-1].label,
    }
    if not trends.total:
        return _("Aucun signal %(period)s.") % {"period": period}
    if is_small_count(trends.total):
        text = _("Moins de 5 signaux %(period)s.") % {"period": period}
    else:
        text = ngettext(
            "%(count)d signal %(period)s.", "%(count)d signaux %(period)s.", trends.total
        ) % {"count": trends.total, "period": period}
    busiest = max(line.count for line in trends.months)
    if busiest >= SMALL_COUNT_LIMIT:
        names = [line.label for line in trends.months if line.count == busiest]
        text += " " + ngettext(
            "Le mois le plus chargé : %(months)s (%(count)d signaux).",
            "Les mois les plus chargés : %(months)s (%(count)d signaux chacun).",
            len(names),
        ) % {"months": ", ".join(names), "count": busiest}
    else:
        text += " " + _("Chaque mois compte moins de 5 signaux.")
    return text


def bar_chart(trends, *, title):
    """The bars of `trends.months` as an SVG picture (role="img", a title and a description),
    in the roadmaps dashboard's colours. A count under 5 is a hatched bar from 0 to 5."""
    chart_id = "tendance-mois"
    width, height, left, top, bottom, slot = 720, 240, 36, 12, 44, 28
    plot = height - top - bottom
    top_value = max([SMALL_COUNT_LIMIT, *(line.count for line in trends.months)])
    step = _nice_step(top_value)
    top_value = -(-top_value // step) * step

    def y(value):
        return top + plot - plot * value / top_value

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" id="{chart_id}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary(trends))}</desc>'
        f"<defs>{SMALL_BAR.defs(chart_id)}</defs>"
        f'<g class="trend-axis" font-size="11" fill="#555b62">'
    ]
    for value in range(0, top_value + 1, step):
        parts.append(
            f'<line x1="{left}" x2="{width}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#d5dbe3"/><text x="{left - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{value}</text>'
        )
    parts.append('</g><g class="trend-bars">')
    for index, line in enumerate(trends.months):
        x = left + 6 + index * slot
        if is_small_count(line.count):
            value, fill = SMALL_COUNT_LIMIT, SMALL_BAR.paint(chart_id)
        else:
            value, fill = line.count, BAR
        if value:
            parts.append(
                f'<rect x="{x}" y="{y(value):.1f}" width="{slot - 8}" '
                f'height="{y(0) - y(value):.1f}" fill="{fill}" stroke="{BAR}" stroke-width="1">'
                f"<title>{escape(line.label)} : {escape(line.shown)}</title></rect>"
            )
        month = line.month
        # quarters are labelled (January with its year), and the first bar unless a quarter's
        # label follows too close
        to_quarter = (3 - (month.month - 1) % 3) % 3
        first = index == 0 and to_quarter != 1
        if to_quarter == 0 or first:
            label = escape(SHORT_MONTHS[month.month - 1])
            center = x + (slot - 8) / 2
            parts.append(
                f'<text x="{center:.1f}" y="{height - bottom + 16}" font-size="11" '
                f'text-anchor="middle" fill="#1b1b1b">{label}</text>'
            )
            if month.month == 1 or first:
                parts.append(
                    f'<text x="{center:.1f}" y="{height - bottom + 32}" font-size="11" '
                    f'text-anchor="middle" fill="#555b62">{month.year}</text>'
                )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


def _nice_step(top_value):
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top_value / step <= 5:
            return step
    return -(-top_value // 5)


def legend():
    """The chart's legend items: (swatch, text)."""
    plain = mark_safe(
        '<svg class="map-swatch" width="24" height="16" viewBox="0 0 24 16" aria-hidden="true" '
        f'focusable="false"><rect x="0.5" y="0.5" width="23" height="15" fill="{BAR}"/></svg>'
    )
    return [
        (plain, _("nombre de signaux du mois (5 ou plus)")),
        (
            SMALL_BAR.swatch("tendance-legende"),
            _("moins de 5 signaux : barre hachurée jusqu'à 5, le nombre exact n'est pas montré"),
        ),
    ]
