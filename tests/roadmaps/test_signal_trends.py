"""The trends of a territory's signals (/feuilles-de-route/<slug>/signaux/tendances/): counts by
month over 24 months (an SVG chart, its text equivalent, a table), by theme, sector and commune,
« moins de 5 » under 5, a group counted once. Who may see it: tests/security/test_access_matrix.py.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import NafCode
from partners.models import Theme
from portal.models import CommuneOutline
from roadmaps.models import Signal
from roadmaps.trends import last_months
from tests.factories import SignalFactory


def url(territory, **query):
    address = reverse("roadmaps:signal_trends", args=[territory.slug])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def months():
    return last_months(timezone.localdate())


def signals(territory, day, number, **fields):
    return [SignalFactory(territory=territory, observed_on=day, **fields) for _i in range(number)]


def table_rows(page, table_id):
    """{row header: count cell} of the table of the section `table_id` (or the month table)."""
    section = page.split(f'id="{table_id}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(
        r'<th scope="row">\s*(.*?)\s*(?:<span[^>]*>.*?</span>)?\s*</th>\s*'
        r'<td class="num">\s*(.*?)\s*</td>',
        section,
        re.S,
    )
    return {header.strip(): count.strip() for header, count in rows}


def test_counts_by_month_show_moins_de_5_under_five(referent_client, territory, months):
    signals(territory, months[-1], 7)
    signals(territory, months[-2] + datetime.timedelta(days=10), 3)

    response = referent_client.get(url(territory))

    assert response.status_code == 200
    page = response.text
    rows = table_rows(page, "par-mois")
    assert len(rows) == 25  # 24 months and the total
    assert rows[response.context["trends"].months[-1].label.capitalize()] == "7"
    assert rows[response.context["trends"].months[-2].label.capitalize()] == "moins de 5"
    assert rows[response.context["trends"].months[0].label.capitalize()] == "0"
    assert rows["Total"] == "10"


def test_only_the_last_24_months_are_counted(referent_client, territory, months):
    signals(territory, months[0], 5)  # the first day of the window
    signals(territory, months[0] - datetime.timedelta(days=1), 6)  # the day before
    signals(territory, timezone.localdate() + datetime.timedelta(days=1), 6)  # not yet

    trends = referent_client.get(url(territory)).context["trends"]

    assert [line.count for line in trends.months] == [5] + [0] * 23
    assert trends.total == 5


def test_a_group_counts_once(referent_client, territory, months):
    lead = SignalFactory(territory=territory, observed_on=months[-1])
    for _index in range(5):
        SignalFactory(territory=territory, observed_on=months[-2], grouped_into=lead)
    lead.communes.add(territory.communes.get(insee_code="16374"))

    trends = referent_client.get(url(territory)).context["trends"]

    assert trends.total == 1
    assert trends.months[-1].count == 1 and trends.months[-2].count == 0
    assert [(line.label, line.count) for line in trends.communes] == [("Soyaux", 1)]


def test_tables_by_theme_sector_and_commune(referent_client, territory, months):
    soyaux, angouleme = (territory.communes.get(insee_code=code) for code in ["16374", "16015"])
    mobility = Theme.objects.get(slug="mobilite--acceder-a-un-vehicule")  # category Mobilité
    health = Theme.objects.get(slug="sante")
    for signal in signals(territory, months[-1], 6, naf=NafCode.objects.get(code="25")):
        signal.themes.set([mobility, health])
        signal.communes.set([soyaux, angouleme])
    for signal in signals(territory, months[-3], 2, sector="mécatronique"):
        signal.communes.set([soyaux])

    page = referent_client.get(url(territory)).text

    assert table_rows(page, "par-thematique") == {
        "Mobilité": "6",
        "Santé": "6",
        "Sans thématique": "moins de 5",
    }
    assert table_rows(page, "par-secteur") == {
        "C — INDUSTRIE MANUFACTURIÈRE": "6",
        "Mécatronique": "moins de 5",
    }
    assert "(filière du territoire)" in page
    assert table_rows(page, "par-commune") == {"Soyaux": "8", "Angoulême": "6"}


def test_the_map_shades_communes_as_the_table_says(referent_client, territory, months):
    """The map tells no more than the table: 1 to 4 signals are « moins de 5 », in the shade of
    none; each commune leads to the log filtered on it."""
    soyaux, angouleme, champniers = (
        territory.communes.get(insee_code=code) for code in ["16374", "16015", "16102"]
    )
    for commune, x in ((soyaux, 0), (angouleme, 10), (champniers, 20)):
        CommuneOutline.objects.create(
            commune=commune,
            path=f"M{x} 0l10 0 0 10-10 0z",
            x_min=x,
            y_min=0,
            x_max=x + 10,
            y_max=10,
        )
    for signal in signals(territory, months[-1], 6):
        signal.communes.set([soyaux])
    for signal in signals(territory, months[-1], 2):
        signal.communes.set([angouleme])

    page = referent_client.get(url(territory)).text
    svg = page.split('id="carte-signaux"', 1)[1].split("</svg>", 1)[0]

    assert "<title>Soyaux : 6</title>" in svg
    assert "<title>Angoulême : moins de 5</title>" in svg
    assert "<title>Champniers : 0</title>" in svg  # none: 0, as in the tables (portal.counts)
    assert ": 2<" not in svg
    log = reverse("roadmaps:signals", args=[territory.slug])
    assert f'href="{log}?commune={soyaux.pk}"' in svg
    fills = dict(
        (name, fill) for fill, name in re.findall(r'fill="([^"]+)"><title>([^<:]+) :', svg)
    )
    assert fills["Angoulême"] == fills["Champniers"] != fills["Soyaux"]


def test_the_chart_is_an_accessible_picture_with_hatched_small_bars(
    referent_client, territory, months
):
    signals(territory, months[-1], 12)
    signals(territory, months[-5], 2)

    page = referent_client.get(url(territory)).text

    svg = page.split('<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart"', 1)[1]
    svg = svg.split("</svg>", 1)[0]
    assert 'role="img"' in svg
    assert 'aria-labelledby="tendance-mois-title tendance-mois-desc"' in svg
    assert '<title id="tendance-mois-title">Signaux par mois, sur 24 mois</title>' in svg
    assert "14 signaux de " in svg  # the description: the text equivalent
    assert svg.count("<rect x=") == 2  # two bars (the pattern has a tile of its own)
    assert svg.count('fill="url(#tendance-mois-petit)"') == 1  # the month with 2 signals
    assert " : 2</title>" not in svg and " : moins de 5</title>" in svg
    assert "barre hachurée jusqu&#x27;à 5" in page or "barre hachurée jusqu'à 5" in page
    assert "Le mois le plus chargé" in page  # the text equivalent under the chart


def test_filter_by_origin(referent_client, territory, months):
    signals(territory, months[-1], 5)
    for index in range(6):
        SignalFactory(
            territory=territory,
            observed_on=months[-1],
            source=Signal.Source.PORTAL,
            rule="commune-sans-referent",
            rule_key=f"1600{index}",
            period=months[-2],
        )

    assert referent_client.get(url(territory)).context["trends"].total == 11
    assert referent_client.get(url(territory, origine="portail")).context["trends"].total == 6
    assert referent_client.get(url(territory, origine="personnes")).context["trends"].total == 5


def test_a_bad_origin_is_said_and_ignored(referent_client, territory, months):
    signals(territory, months[-1], 5)

    response = referent_client.get(url(territory, origine="ailleurs"))

    assert response.status_code == 200
    assert "Choisissez une origine de la liste." in response.text
    assert response.context["trends"].total == 5


def test_other_territory_signals_are_not_counted(
    referent_client, territory, other_territory, months
):
    signals(other_territory, months[-1], 7)

    assert referent_client.get(url(territory)).context["trends"].total == 0


def test_other_territory_gets_404(other_coordinator_client, territory):
    assert other_coordinator_client.get(url(territory)).status_code == 404


@pytest.mark.parametrize("size", [1, 10])
def test_trends_in_constant_queries(
    coordinator_client, territory, months, size, django_assert_num_queries
):
    soyaux = territory.communes.get(insee_code="16374")
    theme = Theme.objects.get(slug="sante")
    for index in range(size):
        for signal in signals(
            territory, months[-1 - index], 3, naf=NafCode.objects.get(code="C"), sector="image"
        ):
            signal.themes.add(theme)
            signal.communes.add(soyaux)

    # 1 session, 2 user, 3 memberships with their territories, 4 territory; 5 by month,
    # 6 without theme / commune / sector, 7 by theme, 8 by commune, 9 by sector, 10 NAF sections,
    # 11 the map's communes with their outline
    with django_assert_num_queries(11):
        response = coordinator_client.get(url(territory))
    assert response.context["trends"].total == 3 * size
