"""Phones (stored E.164, shown in French, RFC 3966 `tel:` in links and vCards), SIRET, opening
hours in OpenStreetMap syntax shown in French."""

import re
from datetime import date

import pytest
import vobject
from django.urls import reverse

from partners.hours import week_in_french
from partners.models import Partner
from tests.factories import ContactFactory
from tests.partners.test_editing import form_data

pytestmark = pytest.mark.django_db

# RFC 3966 global number: "tel:" "+" digits (visual separators allowed, none written here).
TEL_URI = re.compile(r"^tel:\+[1-9][0-9]{1,14}$")


def test_phone_typed_in_any_usual_way_is_stored_in_e164(coordinator_client, territory):
    data = form_data(territory, phone="05.45.00.00.42", siret="13000548100010")
    data["contacts-0-phone"] = "+33 6 00 00 00 01"
    response = coordinator_client.post(reverse("partners:create"), data)
    assert response.status_code == 302
    partner = Partner.objects.get(slug="mission-locale-arc-charente")
    assert partner.phone == "+33545000042"
    assert partner.contacts.get().phone == "+33600000001"
    assert partner.siret == "13000548100010"
    page = coordinator_client.get(reverse("partners:update", args=[partner.slug])).text
    assert 'value="05 45 00 00 42"' in page  # the form shows the French format


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"phone": "05 45"}, "phone", "n'est pas un numéro de téléphone valide"),
        ({"phone": "bonjour"}, "phone", "n'est pas un numéro de téléphone valide"),
        ({"siret": "13000548100011"}, "siret", "n'est pas un numéro SIRET valide"),
        ({"siret": "1300054810001"}, "siret", "n'est pas un numéro SIRET valide"),
        ({"opening_hours_osm": "du lundi au vendredi"}, "opening_hours_osm", "OpenStreetMap"),
    ],
)
def test_bad_phone_siret_or_hours_is_refused_with_a_french_message(
    coordinator_client, territory, overrides, field, message
):
    response = coordinator_client.post(
        reverse("partners:create"), form_data(territory, **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Partner.objects.filter(slug="mission-locale-arc-charente").exists()


def test_record_links_phones_as_rfc3966_and_shows_them_in_french(
    coordinator_client, france_travail
):
    text = coordinator_client.get(france_travail.get_absolute_url()).text
    assert '<a href="tel:+33500000010">05 00 00 00 10</a>' in text
    assert '<a href="tel:+33500000099">05 00 00 00 99</a>' in text  # contacts too
    assert 'href="tel:05' not in text


def test_vcards_tel_values_are_valid_rfc3966(coordinator_client, france_travail):
    contact = ContactFactory(partner=france_travail, phone="+33600000001")
    for url in (
        reverse("partners:vcard", args=[france_travail.slug]),
        reverse("partners:contact_vcard", args=[france_travail.slug, contact.pk]),
    ):
        card = vobject.readOne(coordinator_client.get(url).content.decode())
        values = [tel.value for tel in card.contents["tel"]]
        assert values and all(TEL_URI.match(value) for value in values), values
        assert card.contents["tel"][0].params["VALUE"] == ["uri"]


def test_opening_hours_are_shown_in_french(client, france_travail):
    france_travail.opening_hours_osm = "Mo-Fr 08:30-12:30,13:30-17:00; We 08:30-12:00; PH off"
    france_travail.opening_hours = "Fermé la première semaine d'août."
    france_travail.save()
    monday = date(2026, 11, 30)
    assert week_in_french(france_travail.opening_hours_osm, today=monday) == [
        ("lundi", "8 h 30 – 12 h 30 et 13 h 30 – 17 h"),
        ("mardi", "8 h 30 – 12 h 30 et 13 h 30 – 17 h"),
        ("mercredi", "8 h 30 – 12 h"),
        ("jeudi", "8 h 30 – 12 h 30 et 13 h 30 – 17 h"),
        ("vendredi", "8 h 30 – 12 h 30 et 13 h 30 – 17 h"),
        ("samedi", "fermé"),
        ("dimanche", "fermé"),
    ]
    text = client.get(france_travail.get_absolute_url()).text
    assert '<th scope="row">Mercredi</th>' in text
    assert "Fermé la première semaine d&#x27;août." in text  # the free text is kept
    assert week_in_french("pas une syntaxe") == []
