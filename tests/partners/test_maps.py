"""A partner's zone of intervention on a map."""

import pytest

from partners.maps import zone_map
from partners.search import zone_of
from portal.models import Commune, CommuneOutline
from tests.factories import PartnerFactory


@pytest.fixture
def outlines(territory, other_territory):
    for index, commune in enumerate(Commune.objects.order_by("insee_code")):
        CommuneOutline.objects.create(
            commune=commune, path="M0 0l1 0 0 1z", x_min=index, y_min=0, x_max=index + 1, y_max=1
        )


def shades(partner):
    figure = zone_map(partner, zone_of(partner))
    return {label.split(" : ")[0]: style.key for _o, style, label, _h in figure.areas}


def test_the_zone_is_shaded_among_the_territorys_communes(territory, communes, outlines):
    partner = PartnerFactory(territory=territory)
    partner.zone_communes.set([communes[1]])
    assert shades(partner) == {"Angoulême": "hors", "Champniers": "hors", "Soyaux": "zone"}


def test_a_zone_territory_is_drawn_and_shaded(territory, other_territory, outlines):
    partner = PartnerFactory(territory=territory)
    partner.zone_territories.set([other_territory])
    assert shades(partner) == {
        "Angoulême": "hors",
        "Bergerac": "zone",
        "Champniers": "hors",
        "Soyaux": "hors",
    }


def test_a_departement_or_national_zone_shades_the_communes_drawn(territory, communes, outlines):
    partner = PartnerFactory(territory=territory)
    partner.zone_departments.set([communes[0].department])
    assert set(shades(partner).values()) == {"zone"}
    national = PartnerFactory(territory=territory, is_national=True)
    assert set(shades(national).values()) == {"zone"}


def test_the_partner_page_shows_the_map(client, territory, communes, outlines):
    partner = PartnerFactory(territory=territory)
    partner.zone_communes.set([communes[0]])
    html = client.get(partner.get_absolute_url()).text
    assert 'id="carte-zone"' in html and "Dans la zone d&#x27;intervention (1)" in html
