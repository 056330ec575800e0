"""The référents' network on a map: each commune coloured by its coverage, linked to its row of
the table, with a legend that gives the same figures as the page's counters."""

import io
import re

import pytest
from django.urls import reverse

from portal.models import CommuneOutline
from tests.factories import ReferentFactory


def square(commune, x):
    return CommuneOutline.objects.create(
        commune=commune, path=f"M{x} 0l10 0 0 10-10 0z", x_min=x, y_min=0, x_max=x + 10, y_max=10
    )


@pytest.fixture
def mapped(territory, communes):
    angouleme, soyaux, champniers = communes
    ReferentFactory(commune=angouleme)
    ReferentFactory(commune=angouleme)
    ReferentFactory(commune=soyaux)
    square(angouleme, 0)
    square(soyaux, 10)  # Champniers has no outline: in the table, not on the map
    return communes


def test_the_network_map_colours_communes_by_coverage(territory, referent_client, mapped):
    url = reverse("referents:list", args=[territory.slug])
    html = referent_client.get(url).text
    areas = re.findall(
        r'<a href="([^"]+)" aria-label="([^"]+)"><path d="[^"]+" fill="([^"]+)"', html
    )
    assert [(href, label) for href, label, _fill in areas] == [
        (f"{url}#commune-16015", "Angoulême : binôme"),
        (f"{url}#commune-16374", "Soyaux : un référent"),
    ]
    assert areas[0][2] == "#1d4e89"  # binôme: plain dark blue
    assert areas[1][2] == "url(#carte-couverture-un)"  # one référent: hatched
    # Each link leads to the commune's row, and every commune keeps its row.
    for code in ("16015", "16374", "16102"):
        assert f'id="commune-{code}"' in html
    legend = re.findall(r"</svg> ([^(<]+) \((\d+)\)</li>", html)
    assert legend == [("Binôme", "1"), ("Un référent", "1"), ("À pourvoir", "0")]


def test_a_filtered_table_keeps_the_whole_map(territory, referent_client, mapped):
    url = reverse("referents:list", args=[territory.slug])
    html = referent_client.get(url, {"couverture": "aucun"}).text
    assert html.count(f'<a href="{url}#commune-') == 2


def test_no_map_without_outlines(territory, referent_client, communes):
    html = referent_client.get(reverse("referents:list", args=[territory.slug])).text
    assert "map-figure" not in html


def map_fills(pdf):
    """How many shapes were filled with the even-odd rule and stroked (`B*`: the map's
    communes) on each page."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [
        len(re.findall(rb"(?<![A-Za-z])B\*", page.get_contents().get_data()))
        for page in reader.pages
    ]


def test_the_guide_and_its_pdf_show_the_map(territory, referent_client, mapped):
    response = referent_client.get(reverse("referents:guide", args=[territory.slug]))
    figure = response.context["map"]
    assert [label for _o, _s, label, href in figure.areas if href is None] == [
        "Angoulême : binôme",
        "Soyaux : un référent",
    ]  # a printed guide: no links
    assert "Binôme (1)" in response.text
    fills = map_fills(
        referent_client.get(reverse("referents:guide_pdf", args=[territory.slug])).content
    )
    assert 2 in fills  # both communes with an outline, drawn on one page


def test_a_communes_guide_locates_it_in_the_territory(territory, referent_client, mapped):
    soyaux = mapped[1]
    url = reverse("referents:guide", args=[territory.slug]) + f"?commune={soyaux.pk}"
    response = referent_client.get(url)
    figure = response.context["map"]
    assert [label for _o, _s, label, _h in figure.areas] == ["Angoulême", "Soyaux"]
    assert [figure.areas[index][2] for index in figure.highlighted] == ["Soyaux"]
