"""Maps drawn by the server: contours imported from GeoJSON (portal/contours.py), projected and
stored once, then joined into an SVG (portal/maps.py)."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portal.contours import import_contours
from portal.maps import COUNT_STYLES, UNIT, Map, Style, count_style, outline_from_geometry
from portal.models import CommuneOutline

DEMO_CONTOURS = Path(__file__).resolve().parents[2] / "portal" / "demo_data" / "contours.geojson"
SVG = "{http://www.w3.org/2000/svg}"


def demo_features(*codes):
    features = json.loads(DEMO_CONTOURS.read_text())["features"]
    return [feature for feature in features if feature["properties"]["code"] in codes]


def geojson(tmp_path, features, name="contours.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def square(lon, lat, size=0.01):
    ring = [(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size), (lon, lat)]
    return {"type": "Polygon", "coordinates": [ring]}


def absolute_points(path):
    """The map points of an SVG path written by outline_from_geometry (M x y l dx dy … z)."""
    points = set()
    for part in re.findall(r"M([^l]+)l([^z]*)z", path):
        numbers = [int(n) for n in re.findall(r"-?\d+", part[0] + " " + part[1])]
        x, y = numbers[0], numbers[1]
        points.add((x, y))
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            points.add((x, y))
    return points


# --- Projection and outlines ---------------------------------------------------------------


def test_an_outline_is_a_closed_relative_path_in_lambert_93():
    path, (x_min, y_min, x_max, y_max) = outline_from_geometry(square(0.15, 45.65), "16015")
    assert re.fullmatch(r"M-?\d+[ -]\d+l[-\d ]+z", path)
    # Angoulême lies near x = 478 km, y = 6,505 km in Lambert-93 (y points down on the map).
    assert 470_000 < x_min * UNIT < 490_000
    assert 6_490_000 < -y_max * UNIT < 6_520_000
    # A square of 0.01° is about 780 m by 1,110 m there.
    assert 14 <= x_max - x_min <= 17 and 21 <= y_max - y_min <= 24


def test_overseas_communes_use_their_own_projection():
    # Saint-Denis (La Réunion) in UTM 40S: x around 340 km, y around 7,690 km.
    _path, (x_min, y_min, _x, _y) = outline_from_geometry(square(55.45, -20.88), "97411")
    assert 330_000 < x_min * UNIT < 350_000
    assert 7_680_000 < -y_min * UNIT < 7_700_000


def test_multipolygons_and_holes_become_rings_of_one_path():
    outer = square(0.1, 45.6, 0.1)["coordinates"][0]
    hole = square(0.13, 45.63, 0.02)["coordinates"][0]
    island = square(0.3, 45.6, 0.01)["coordinates"][0]
    path, _box = outline_from_geometry(
        {"type": "MultiPolygon", "coordinates": [[outer, hole], [island]]}, "16015"
    )
    assert path.count("M") == 3 and path.count("z") == 3


def test_a_ring_smaller_than_the_map_resolution_vanishes():
    assert outline_from_geometry(square(0.15, 45.65, 0.0001), "16015") is None
    assert outline_from_geometry({"type": "Point", "coordinates": [0.1, 45.6]}, "16015") is None


def test_neighbours_still_touch_after_rounding(communes, tmp_path):
    import_contours(geojson(tmp_path, demo_features("16015", "16374")))
    angouleme, soyaux = (
        CommuneOutline.objects.get(commune__insee_code=code) for code in ("16015", "16374")
    )
    shared = absolute_points(angouleme.path) & absolute_points(soyaux.path)
    assert len(shared) >= 5  # their common border, vertex for vertex


# --- Import ---------------------------------------------------------------------------------


def test_import_stores_known_communes_and_reports_the_rest(communes, territory, tmp_path):
    features = demo_features("16015", "16374")
    features.append({"type": "Feature", "properties": {"code": "99999"}, "geometry": square(1, 46)})
    features.append(
        {"type": "Feature", "properties": {"nom": "sans code"}, "geometry": square(1, 46)}
    )
    report = import_contours(geojson(tmp_path, features), label="test")
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.unknown == ["99999"]
    assert report.missing == ["16102"]  # Champniers: no outline in the file, reported
    assert set(CommuneOutline.objects.values_list("commune__insee_code", flat=True)) == {
        "16015",
        "16374",
    }
    again = import_contours(geojson(tmp_path, features), label="test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    moved = demo_features("16015")
    moved[0]["geometry"] = square(0.15, 45.65)
    changed = import_contours(geojson(tmp_path, moved), label="test")
    assert (changed.created, changed.updated) == (0, 1)


def test_the_code_property_can_be_named(communes, tmp_path):
    feature = {
        "type": "Feature",
        "properties": {"INSEE_COM": "16015"},
        "geometry": square(0.15, 45.65),
    }
    assert import_contours(geojson(tmp_path, [feature])).created == 1
    other = {"type": "Feature", "properties": {"cog": "16374"}, "geometry": square(0.2, 45.65)}
    assert import_contours(geojson(tmp_path, [other]), code_property="cog").created == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("pas du json", "Fichier GeoJSON illisible"),
        ('{"type": "Feature"}', "n'est pas une FeatureCollection"),
        ('{"type": "FeatureCollection", "features": [{"properties": {}}]}', "Aucune entité"),
        (
            '{"type": "FeatureCollection", "features": [{"properties": {"code": "16015"},'
            ' "geometry": {"type": "Polygon", "coordinates": [[["a", "b"]]]}}]}',
            "Tracé illisible pour la commune 16015",
        ),
    ],
)
def test_a_bad_file_changes_nothing(communes, tmp_path, content, message):
    import_contours(geojson(tmp_path, demo_features("16374")))
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    before = list(CommuneOutline.objects.values_list("commune_id", "path"))
    with pytest.raises(CommandError, match=message):
        call_command("import_contours", str(path))
    assert list(CommuneOutline.objects.values_list("commune_id", "path")) == before


def test_the_command_reports_in_french(communes, territory, tmp_path, capsys):
    call_command("import_contours", str(geojson(tmp_path, demo_features("16015"))))
    out = capsys.readouterr().out
    assert "1 contour(s) créé(s), 0 mis à jour, 0 inchangé(s)." in out
    assert "2 commune(s) des territoires sans contour" in out


# --- The SVG --------------------------------------------------------------------------------


@pytest.fixture
def outlines(communes, tmp_path):
    features = demo_features("16015", "16374")
    features.append(
        {"type": "Feature", "properties": {"code": "16102"}, "geometry": square(0.2, 45.7)}
    )
    import_contours(geojson(tmp_path, features))
    return {o.commune.insee_code: o for o in CommuneOutline.objects.select_related("commune")}


def parse(svg):
    return ET.fromstring(str(svg))


def test_every_area_is_a_named_link_and_the_frame_holds_them_all(outlines):
    style = Style("a", "une classe", "#1d4e89")
    figure = Map(id="carte", title="Communes & co", description="Essai")
    for code, outline in outlines.items():
        figure.add_area(outline, style=style, label=f"Commune {code}", href=f"/c/{code}/?a=1&b=2")
    root = parse(figure.svg())  # well-formed XML: titles and links are escaped
    assert root.get("role") == "group" and root.get("aria-labelledby") == "carte-title carte-desc"
    assert root.find(f"{SVG}title").text == "Communes & co"
    links = root.findall(f".//{SVG}a")
    assert sorted(link.get("href") for link in links) == [
        f"/c/{code}/?a=1&b=2" for code in sorted(outlines)
    ]
    for link in links:
        assert link.get("aria-label") == link.find(f"{SVG}path/{SVG}title").text
    x, y, w, h = (int(value) for value in root.get("viewBox").split())
    for outline in outlines.values():
        assert x <= outline.x_min and outline.x_max <= x + w
        assert y <= outline.y_min and outline.y_max <= y + h


def test_a_map_without_links_is_an_image_and_highlights_its_commune(outlines):
    figure = Map(id="situation", title="Situation")
    for code, outline in outlines.items():
        figure.add_area(outline, style=COUNT_STYLES[0], label=code, highlight=code == "16374")
    root = parse(figure.svg())
    assert root.get("role") == "img" and not root.findall(f".//{SVG}a")
    highlighted = root.find(f"{SVG}g[@class='map-highlight']")
    assert [path.find(f"{SVG}title").text for path in highlighted] == ["16374"]


def test_patterns_double_the_colours_and_the_legend_counts_areas(outlines):
    figure = Map(id="comptes", title="Comptes")
    for count, outline in zip([0, 3, 12], outlines.values(), strict=True):
        figure.add_area(outline, style=count_style(count), label=str(count))
    root = parse(figure.svg())
    pattern_ids = {pattern.get("id") for pattern in root.iter(f"{SVG}pattern")}
    assert pattern_ids == {"comptes-n0", "comptes-n10"}
    legend = figure.legend(COUNT_STYLES)
    assert [(item.style.label, item.count) for item in legend] == [
        ("moins de 5", 2),
        ("5 à 9", 0),
        ("10 à 19", 1),
        ("20 ou plus", 0),
    ]
    for item in legend:
        parse(item.swatch)  # each swatch stands alone


@pytest.mark.parametrize("count", range(5))
def test_counts_under_five_share_one_shade(count):
    assert count_style(count) is COUNT_STYLES[0]
    assert count_style(count).label == "moins de 5"


def test_an_empty_map_draws_nothing():
    assert Map(id="vide", title="Vide").svg() == ""


def test_points_are_projected_like_the_outlines(outlines):
    figure = Map(id="points", title="Établissements")
    figure.add_point(0.156, 45.649, label="Atelier <Démo>", href="/e/1/", insee_code="16015")
    root = parse(figure.svg())
    circle = root.find(f".//{SVG}circle")
    x, y = float(circle.get("cx")), float(circle.get("cy"))
    angouleme = outlines["16015"]
    assert angouleme.x_min <= x <= angouleme.x_max and angouleme.y_min <= y <= angouleme.y_max
    assert circle.find(f"{SVG}title").text == "Atelier <Démo>"
