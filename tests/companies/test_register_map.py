"""The register's map (/entreprises/<territoire>/carte/): the establishments that match the
list's filters as points over the communes, at most MAP_MAX, with the counts per commune."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from companies import maps
from portal.maps import Map
from tests.factories import EstablishmentFactory, LegalUnitFactory
from tests.portal.test_maps import SVG, outlines  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

MAP = reverse("companies:map", args=["grand-angouleme"])
LIST = reverse("companies:list", args=["grand-angouleme"])


def located(commune, number, **kwargs):
    """An establishment of `commune` near Angoulême's centre."""
    return EstablishmentFactory(
        commune=commune,
        legal_unit=LegalUnitFactory(name=f"Entreprise {number:03d}"),
        longitude=0.156 + number / 10_000,
        latitude=45.649,
        **kwargs,
    )


def svg_of(response):
    text = response.content.decode()
    start = text.index("<svg", text.index('class="map-figure"'))
    return ET.fromstring(text[start : text.index("</svg>", start) + 6])


@pytest.mark.usefixtures("outlines")
def test_points_over_the_communes_with_the_counts_per_commune(referent_client, angouleme):
    for number in range(3):
        located(angouleme, number)
    EstablishmentFactory(commune=angouleme, name="Sans Coordonnées")
    response = referent_client.get(MAP)
    assert response.status_code == 200
    root = svg_of(response)
    assert root.get("role") == "img"  # no link: a picture, the table is its text
    assert len(root.findall(f".//{SVG}path")) == 3  # the three communes
    assert len(root.findall(f".//{SVG}g[@class='map-dots']/{SVG}circle")) == 3
    text = response.content.decode()
    assert "4 établissements" in text
    assert "1 établissement n&#x27;est pas dessiné : sans coordonnées dans le répertoire" in text
    rows = {row["commune"].name: row["value"] for row in response.context["rows"]}
    assert rows == {
        "Angoulême": "4 établissements",
        "Champniers": "0 établissement",
        "Soyaux": "0 établissement",
    }


def test_the_list_filters_apply_and_the_list_links_to_the_map(referent_client, angouleme):
    located(angouleme, 1, name="Boulangerie du Port")
    located(angouleme, 2, name="Garage", is_active=False)
    response = referent_client.get(MAP, {"q": "boulangerie", "etat": "actifs"})
    assert response.context["counts"].total == 1
    assert len(svg_of(response).findall(f".//{SVG}circle")) == 1
    assert 'value="boulangerie"' in response.content.decode()
    listing = referent_client.get(LIST, {"q": "boulangerie", "page": "1"})
    assert f'href="{MAP}?q=boulangerie"' in listing.content.decode()


def test_at_most_map_max_points_and_says_how_many_are_left(referent_client, angouleme, monkeypatch):
    monkeypatch.setattr(maps, "MAP_MAX", 2)
    for number in range(5):
        located(angouleme, number)
    response = referent_client.get(MAP)
    assert len(svg_of(response).findall(f".//{SVG}circle")) == 2
    counts = response.context["counts"]
    assert (counts.total, counts.drawn, counts.not_drawn) == (5, 2, 3)
    assert (
        "3 établissements ne sont pas dessinés : la carte s&#x27;arrête aux 2 premiers dans "
        "l&#x27;ordre de la liste qui ont des coordonnées." in response.content.decode()
    )


def test_without_outlines_the_points_alone(referent_client, angouleme):
    located(angouleme, 1)
    response = referent_client.get(MAP)
    assert len(svg_of(response).findall(f".//{SVG}circle")) == 1
    assert "Les contours des communes ne sont pas encore importés" in response.content.decode()


def test_bad_filters_get_a_message_not_an_error(referent_client, angouleme):
    response = referent_client.get(MAP, {"commune": "abc"})
    assert response.status_code == 200
    assert "corrigez les champs signalés" in response.content.decode()


def test_post_is_refused(referent_client, territory):
    assert referent_client.post(MAP).status_code == 405


@pytest.mark.usefixtures("outlines")
def test_queries_are_constant(django_assert_num_queries, referent_client, angouleme):
    for number in range(3):
        located(angouleme, number)
    referent_client.get(MAP)  # the nomenclatures are read once per process
    params = {"q": "entreprise", "tri": "commune", "effectif": "11"}
    # 1 session, 2 user, 3 memberships with their territories, 4 communes with their outlines,
    # 5 counts per commune, 6 the points drawn.
    with django_assert_num_queries(6):
        referent_client.get(MAP, params)
    for number in range(3, 40):
        located(angouleme, number)
    with django_assert_num_queries(6):
        response = referent_client.get(MAP)
    assert len(svg_of(response).findall(f".//{SVG}circle")) == 40


def test_add_points_projects_like_add_point():
    one, many = Map(id="a", title="A"), Map(id="b", title="B")
    one.add_point(0.156, 45.649, label="x", insee_code="16015")
    many.add_points([(0.156, 45.649, "16015"), (55.45, -20.88, "97411")])
    assert many.dots[0] == one.points[0][0]
    assert len(many.dots) == 2  # La Réunion in its own projection, not lost


def test_the_legend_names_the_points_drawn(referent_client, angouleme):
    located(angouleme, 1)
    located(angouleme, 2)
    legend = referent_client.get(MAP).context["legend"]
    assert [(str(item.style.label), item.count) for item in legend][-1:] == [
        ("établissement dessiné", 2)
    ]
