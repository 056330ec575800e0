"""Maps drawn by the server, as SVG: no tile server, no outside host, no JavaScript.

Outlines come from official contours (`manage.py import_contours`, IGN Admin Express or any GeoJSON
whose features carry the INSEE code). Each is projected once, at import, with a projection suited
to where the commune lies (Lambert-93 in metropolitan France, the local UTM zone overseas), rounded
to `UNIT` metres (finer than a screen pixel of a territory's map) and stored as an SVG path with
relative coordinates (`CommuneOutline`). Drawing a map is then joining stored paths inside a
viewBox that frames them: no computation per point at request time.

Rounding is the only simplification: two communes that share a border share its vertices in the
source, which round to the same map points, so neighbours still touch (a topology-blind
simplifier would open gaps between them).

`Map` builds one figure: areas (communes) with a style each (a fill colour doubled by a pattern,
so that colour never carries the meaning alone), optional points (establishments), a link and a
title per area. The page shows the legend (`Map.legend`) and a table with the same figures: the
map is the illustration, the table the equivalent text (RGAA 1.1, 1.3).
"""

from dataclasses import dataclass, field
from functools import cache

from django.utils.html import escape
from django.utils.safestring import mark_safe
from pyproj import Transformer

from portal.counts import shown_count

UNIT = 50  # metres per map unit

# Overseas départements lie far from Lambert-93's cone: each has its official UTM projection.
OVERSEAS_CRS = {
    "971": "EPSG:5490",  # Guadeloupe: RGAF09 / UTM 20N
    "972": "EPSG:5490",  # Martinique
    "973": "EPSG:2972",  # Guyane: RGFG95 / UTM 22N
    "974": "EPSG:2975",  # La Réunion: RGR92 / UTM 40S
    "976": "EPSG:4471",  # Mayotte: RGM04 / UTM 38S
}
METROPOLITAN_CRS = "EPSG:2154"  # RGF93 v1 / Lambert-93


def crs_for(insee_code):
    return OVERSEAS_CRS.get(insee_code[:3], METROPOLITAN_CRS)


@cache
def _transformer(crs):
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def project(points, insee_code):
    """[(lon, lat)] (WGS 84) → [(x, y)] in map units, y pointing down (SVG's way)."""
    if not points:
        return []
    xs, ys = _transformer(crs_for(insee_code)).transform(
        [point[0] for point in points], [point[1] for point in points]
    )
    return [(round(x / UNIT), -round(y / UNIT)) for x, y in zip(xs, ys, strict=True)]


def _rings(geometry):
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coordinates)
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    return []


def _numbers(values):
    # "12 -3 4" → "12-3 4": a minus sign separates numbers in SVG path data.
    return " ".join(str(value) for value in values).replace(" -", "-")


def outline_from_geometry(geometry, insee_code):
    """(SVG path, (x_min, y_min, x_max, y_max)) of a GeoJSON Polygon or MultiPolygon, or None
    when nothing of it is left at the map's resolution. Holes are rings too: the path is
    filled with `fill-rule="evenodd"`."""
    parts = []
    xs, ys = [], []
    for ring in _rings(geometry):
        points = []
        for point in project(ring, insee_code):
            if not points or point != points[-1]:
                points.append(point)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(set(points)) < 3:
            continue
        xs.extend(x for x, _ in points)
        ys.extend(y for _, y in points)
        (x0, y0), steps = points[0], []
        previous = points[0]
        for x, y in points[1:]:
            steps += (x - previous[0], y - previous[1])
            previous = (x, y)
        parts.append(f"M{_numbers((x0, y0))}l{_numbers(steps)}z")
    if not parts:
        return None
    return "".join(parts), (min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Style:
    """How a class of areas is drawn: a fill, and a pattern over it (`hatch`, `dots`, `cross` or
    None) so that the class does not rest on colour alone."""

    key: str
    label: str
    fill: str
    pattern: str | None = None
    ink: str = "#1b1b1b"  # the pattern's colour

    def paint(self, prefix):
        return f"url(#{prefix}-{self.key})" if self.pattern else self.fill

    def defs(self, prefix, scale=1):
        """The pattern, drawn at `scale` map units per CSS pixel (8 px tiles on screen)."""
        if not self.pattern:
            return ""
        shapes = {
            "hatch": f'<path d="M0 8L8 0" stroke="{self.ink}" stroke-width="1.6"/>',
            "cross": (f'<path d="M0 8L8 0M0 0L8 8" stroke="{self.ink}" stroke-width="1.1"/>'),
            "dots": f'<circle cx="4" cy="4" r="1.5" fill="{self.ink}"/>',
        }[self.pattern]
        return (
            f'<pattern id="{prefix}-{self.key}" width="8" height="8" '
            f'patternUnits="userSpaceOnUse" patternTransform="scale({scale:.3g})">'
            f'<rect width="8" height="8" fill="{self.fill}"/>'
            f"{shapes}</pattern>"
        )

    def swatch(self, prefix):
        """A small self-contained SVG for the legend (its own pattern, so that it prints and
        reads without the map)."""
        own = f"{prefix}-legend"
        return mark_safe(
            f'<svg class="map-swatch" width="24" height="16" viewBox="0 0 24 16" '
            f'aria-hidden="true" focusable="false"><defs>{self.defs(own)}</defs>'
            f'<rect x="0.5" y="0.5" width="23" height="15" fill="{self.paint(own)}" '
            f'stroke="#1b1b1b"/></svg>'
        )


DOT_FILL = "#a3000b"  # the points of `Map.add_points`


def dot_swatch():
    """The legend's sample of a point drawn by `Map.add_points`."""
    return mark_safe(
        '<svg class="map-swatch" width="24" height="16" viewBox="0 0 24 16" aria-hidden="true" '
        f'focusable="false"><circle cx="12" cy="8" r="4" fill="{DOT_FILL}" stroke="#ffffff"/>'
        "</svg>"
    )


@dataclass
class LegendItem:
    style: Style
    count: int
    swatch: str


@dataclass
class Map:
    """One map: `add_area` for each commune (with its stored outline), `add_point` for each
    point, then `svg()` in the page and `legend()` beside it."""

    id: str
    title: str
    description: str = ""
    width: int = 640  # CSS pixels of the figure's intrinsic width (it scales down)
    areas: list = field(default_factory=list)
    points: list = field(default_factory=list)
    dots: list = field(default_factory=list)  # unlabelled points (add_points)
    highlighted: set = field(default_factory=set)

    def add_area(self, outline, *, style, label, href=None, highlight=False):
        self.areas.append((outline, style, label, href))
        if highlight:
            self.highlighted.add(len(self.areas) - 1)

    def add_point(self, lon, lat, *, label, href=None, insee_code="", style=None):
        projected = project([(lon, lat)], insee_code or "")
        if projected:
            self.points.append((projected[0], label, href, style))

    def add_points(self, points):
        """Many unlabelled points at once (`points`: (lon, lat, insee_code) triples), projected in
        one call per projection: a map of a register's establishments. They are drawn small and
        plain, without a title or a link each: the page gives their figures as text."""
        groups = {}
        for lon, lat, insee_code in points:
            groups.setdefault(crs_for(insee_code or ""), []).append((lon, lat))
        for crs, items in groups.items():
            xs, ys = _transformer(crs).transform([p[0] for p in items], [p[1] for p in items])
            self.dots.extend(
                (round(x / UNIT), -round(y / UNIT)) for x, y in zip(xs, ys, strict=True)
            )

    def frame(self):
        boxes = [
            (outline.x_min, outline.y_min, outline.x_max, outline.y_max)
            for outline, *_ in self.areas
        ]
        boxes += [(x, y, x, y) for (x, y), *_ in self.points]
        if self.dots:
            xs, ys = [x for x, _ in self.dots], [y for _, y in self.dots]
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
        if not boxes:
            return None
        x_min = min(box[0] for box in boxes)
        y_min = min(box[1] for box in boxes)
        x_max = max(box[2] for box in boxes)
        y_max = max(box[3] for box in boxes)
        margin = max(x_max - x_min, y_max - y_min, 1) // 40 + 1
        return (
            x_min - margin,
            y_min - margin,
            x_max - x_min + 2 * margin,
            y_max - y_min + 2 * margin,
        )

    def styles(self):
        seen = {}
        for _outline, style, *_ in self.areas:
            seen.setdefault(style.key, style)
        for *_, style in self.points:
            if style:
                seen.setdefault(style.key, style)
        return list(seen.values())

    def legend(self, styles=None):
        """One item per style, with how many areas have it, in the order of `styles` (all the
        classes of the map's scale, even empty ones) or of first use."""
        counts = {}
        for _outline, style, *_ in self.areas:
            counts[style.key] = counts.get(style.key, 0) + 1
        return [
            LegendItem(style, counts.get(style.key, 0), style.swatch(f"{self.id}-{style.key}"))
            for style in (styles or self.styles())
        ]

    def svg(self):
        frame = self.frame()
        if frame is None:
            return ""
        x, y, w, h = frame
        height = max(1, round(self.width * h / w))
        # Strokes, patterns and points keep their size on screen whatever the territory's extent.
        px = w / self.width
        labelled = f"{self.id}-title" + (f" {self.id}-desc" if self.description else "")
        # A picture is role="img"; with links, its children must stay reachable: a group.
        linked = any(area[3] for area in self.areas) or any(point[2] for point in self.points)
        role = "group" if linked else "img"
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="map" id="{self.id}" '
            f'viewBox="{x} {y} {w} {h}" width="{self.width}" height="{height}" role="{role}" '
            f'aria-labelledby="{labelled}">'
            f'<title id="{self.id}-title">{escape(self.title)}</title>'
        ]
        if self.description:
            parts.append(f'<desc id="{self.id}-desc">{escape(self.description)}</desc>')
        defs = "".join(style.defs(self.id, px) for style in self.styles())
        if defs:
            parts.append(f"<defs>{defs}</defs>")
        stroke = f'stroke="#8a8f98" stroke-width="{px * 0.6:.3g}" stroke-linejoin="round"'
        parts.append(f'<g class="map-areas" fill-rule="evenodd" {stroke}>')
        for index, (outline, style, label, href) in enumerate(self.areas):
            if index in self.highlighted:
                continue
            parts.append(self._area(outline, style, label, href))
        parts.append("</g>")
        if self.highlighted:
            highlight = f'stroke="#1b1b1b" stroke-width="{px * 2.5:.3g}" stroke-linejoin="round"'
            parts.append(f'<g class="map-highlight" fill-rule="evenodd" {highlight}>')
            for index in sorted(self.highlighted):
                parts.append(self._area(*self.areas[index]))
            parts.append("</g>")
        if self.dots:
            # One short element a point (2,000 points: about 70 KB), the style on the group.
            radius = f"{px * 3:.3g}"
            parts.append(
                f'<g class="map-dots" fill="{DOT_FILL}" fill-opacity="0.75" stroke="#ffffff" '
                f'stroke-width="{px * 0.5:.3g}" aria-hidden="true">'
            )
            parts.extend(f'<circle cx="{cx}" cy="{cy}" r="{radius}"/>' for cx, cy in self.dots)
            parts.append("</g>")
        if self.points:
            radius = f"{px * 3.5:.3g}"
            parts.append(f'<g class="map-points" stroke="#ffffff" stroke-width="{px:.3g}">')
            for (cx, cy), label, href, style in self.points:
                fill = style.paint(self.id) if style else DOT_FILL
                circle = (
                    f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{fill}">'
                    f"<title>{escape(label)}</title></circle>"
                )
                parts.append(self._link(circle, label, href))
            parts.append("</g>")
        parts.append("</svg>")
        return mark_safe("".join(parts))

    def _area(self, outline, style, label, href):
        path = (
            f'<path d="{outline.path}" fill="{style.paint(self.id)}">'
            f"<title>{escape(label)}</title></path>"
        )
        return self._link(path, label, href)

    @staticmethod
    def _link(shape, label, href):
        if not href:
            return shape
        return f'<a href="{escape(href)}" aria-label="{escape(label)}">{shape}</a>'


# Scales: how a page chooses a style for a value.

COUNT_STYLES = (
    # A count under 5 is shown as « moins de 5 », zero included: no shade tells 0 from 1–4.
    Style("n0", "moins de 5", "#f2f4f7", "dots", ink="#5c6370"),
    Style("n5", "5 à 9", "#a9c6e8", "hatch", ink="#1d4e89"),
    Style("n10", "10 à 19", "#4f86c6", "cross", ink="#0b2545"),
    Style("n20", "20 ou plus", "#1d4e89"),
)


def count_style(count):
    """The style of a count on a choropleth (COUNT_STYLES)."""
    if count < 5:
        return COUNT_STYLES[0]
    if count < 10:
        return COUNT_STYLES[1]
    if count < 20:
        return COUNT_STYLES[2]
    return COUNT_STYLES[3]


def count_map(*, id, title, description, communes, totals, href=None):
    """A choropleth of counts per commune (`totals`: {commune id: count}; `communes` with their
    `outline` selected): each commune shaded by COUNT_STYLES, a count under 5 (zero included)
    in one shade and written « moins de 5 », so that the map tells no more than its table.
    `href(commune)`, if given, is where a commune leads. Returns the map and the rows of its
    table equivalent (commune, count as shown). No query."""
    figure = Map(id=id, title=title, description=description)
    rows = []
    for commune in communes:
        total = totals.get(commune.pk, 0)
        shown = shown_count(total)
        rows.append({"commune": commune, "value": shown})
        outline = getattr(commune, "outline", None)
        if outline is not None:
            figure.add_area(
                outline,
                style=count_style(total),
                label=f"{commune.name} : {shown}",
                href=href(commune) if href else None,
            )
    return figure, rows
