"""A partner's record: public channels for everyone, contact persons for members only."""

import re

import pytest
from django.urls import reverse

from partners.models import NetworkMembership
from portal.models import Membership
from tests.conftest import PERSONAS
from tests.factories import (
    ContactFactory,
    MembershipFactory,
    PartnerFactory,
    TerritoryFactory,
    UserFactory,
)
from tests.security.test_access_matrix import expected

pytestmark = pytest.mark.django_db


def detail(partner):
    return reverse("partners:detail", args=[partner.slug])


def test_record_shows_public_channels_and_how_to_get_there(client, france_travail):
    response = client.get(detail(france_travail))
    assert response.status_code == 200
    text = response.text
    assert text.count("<h1") == 1
    assert "France Travail Angoulême" in text
    assert "Pôle emploi, ANPE" in text
    assert 'href="tel:+33500000010">05 00 00 00 10<' in text
    assert "2 rue de la Démo" in text and "16000 Angoulême" in text
    assert "Demandeurs d&#x27;emploi" in text
    assert reverse("partners:vcard", args=[france_travail.slug]) in text


def test_unknown_partner_is_404(client, db):
    assert client.get("/partenaires/inconnu/").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_contacts_are_shown_to_whoever_may_download_them(as_persona, france_travail, persona):
    sees_contacts = expected("partners:contact_vcard", persona) == 200
    response = as_persona(persona).get(detail(france_travail))
    assert response.status_code == 200
    assert ("Démo-Rivière" in response.text) is sees_contacts
    assert ("Zéphyrine" in response.text) is sees_contacts
    contact_vcard = reverse(
        "partners:contact_vcard", args=[france_travail.slug, france_travail.contacts.first().pk]
    )
    assert (contact_vcard in response.text) is sees_contacts
    if persona == "visitor":
        assert "réservées aux membres du réseau" in response.text


def test_members_of_a_territory_the_partner_serves_see_contacts_once_accepted(
    client, france_travail, other_territory, other_coordinator
):
    """A zone alone does not show contacts in another territory: its coordination must have
    accepted the partner into its network (docs/partners.md)."""
    client.force_login(other_coordinator)
    assert "Démo-Rivière" not in client.get(detail(france_travail)).text
    france_travail.zone_territories.add(other_territory)
    assert "Démo-Rivière" not in client.get(detail(france_travail)).text
    NetworkMembership.objects.create(territory=other_territory, partner=france_travail)
    assert "Démo-Rivière" in client.get(detail(france_travail)).text


def test_serving_through_department_shows_contacts_once_accepted(
    client, france_travail, other_territory
):
    # In the shared fixtures, Bergerac's commune is in department 16 (factory default).
    from portal.models import Department

    user = MembershipFactory(territory=other_territory, role=Membership.Role.REFERENT).user
    client.force_login(user)
    france_travail.zone_departments.add(Department.objects.get(code="16"))
    assert "Démo-Rivière" not in client.get(detail(france_travail)).text
    contact = france_travail.contacts.first()
    vcard = reverse("partners:contact_vcard", args=[france_travail.slug, contact.pk])
    assert client.get(vcard).status_code == 404
    NetworkMembership.objects.create(territory=other_territory, partner=france_travail)
    assert "Démo-Rivière" in client.get(detail(france_travail)).text
    assert client.get(vcard).status_code == 200


def test_account_without_territory_sees_no_contacts(client, france_travail):
    client.force_login(UserFactory(username="sans-territoire"))
    assert "Démo-Rivière" not in client.get(detail(france_travail)).text


def test_freshness_is_shown(client, territory):
    from datetime import timedelta

    from django.utils import timezone

    partner = PartnerFactory(
        territory=territory, verified_at=timezone.now() - timedelta(days=200), check_interval=6
    )
    text = client.get(detail(partner)).text
    assert ">à vérifier<" in text
    assert "Tous les 6 mois" in text


def test_organisation_vcard_is_public_and_escaped(client, france_travail):
    france_travail.name = "Mission; locale, Arc\\Charente"
    france_travail.opening_hours = "Lundi : 9 h\nMardi : 10 h"
    france_travail.save()
    response = client.get(reverse("partners:vcard", args=[france_travail.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="france-travail-angouleme.vcf"'
    text = response.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert text.endswith("END:VCARD\r\n")
    assert "FN:Mission\\; locale\\, Arc\\\\Charente\r\n" in text
    assert "KIND:org" in text
    assert "TEL;TYPE=work,voice;VALUE=uri:tel:+33500000010\r\n" in text
    assert "NOTE:Lundi : 9 h\\nMardi : 10 h" in text
    assert "ADR;TYPE=work:;;2 rue de la Démo;Angoulême;;16000;France" in text
    assert "Démo-Rivière" not in text  # no contact person in the organisation's card
    for line in response.content.split(b"\r\n"):
        assert len(line) <= 75


def test_vcard_folds_long_lines_without_breaking_characters(client, france_travail):
    france_travail.opening_hours = "é" * 100
    france_travail.save()
    content = client.get(reverse("partners:vcard", args=[france_travail.slug])).content
    lines = content.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    unfolded = content.replace(b"\r\n ", b"").decode("utf-8")
    assert "NOTE:" + "é" * 100 in unfolded


# Every line boundary of str.splitlines() but CRLF, and a few other control characters.
LINE_SEPARATORS = "\u2028\u0085\u2029\x0b\x0c\x1c\x1d\x1e\r\n"


def parse_vcard(content):
    """Properties of a vCard, read strictly: lines end with CRLF and nothing else splits them
    (`vobject` is not installed; icalendar's generic Component reads the unfolded lines)."""
    from icalendar.cal import Component

    text = content.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert text.splitlines() == physical, "a line separator other than CRLF"
    assert not any(ord(char) < 32 and char not in "\r\n\t" for char in text)
    for line in physical:  # a property, or the continuation of a folded one
        assert line.startswith(" ") or re.match(r"[A-Z-]+[;:]", line), line
    card = Component.from_ical(text)
    assert card.name == "VCARD"
    return card


def test_vcard_escapes_every_kind_of_line_separator(client, referent_client, france_travail):
    france_travail.name = f"Mission{LINE_SEPARATORS}locale"
    france_travail.opening_hours = "Lundi\u2028EMAIL:pirate@evil.example\u0085Mardi\x07"
    france_travail.website = "https://example.org/\u2028NOTE:x"
    france_travail.save()
    contact = france_travail.contacts.get(last_name="Démo-Rivière")
    contact.role = "Conseillère\u2028TEL:0600000000"
    contact.contact_for = "Tout\x85le reste"
    contact.save()
    card = parse_vcard(client.get(reverse("partners:vcard", args=[france_travail.slug])).content)
    assert str(card["EMAIL"]) == france_travail.email  # not the one typed in the hours
    assert str(card["FN"]) == "Mission" + "\\n" * 9 + "locale"
    assert str(card["NOTE"]) == "Lundi\\nEMAIL:pirate@evil.example\\nMardi"
    assert set(card) == {"ADR", "CATEGORIES", "EMAIL", "FN", "KIND", "NOTE", "ORG", "SOURCE"} | {
        "TEL",
        "URL",
        "VERSION",
    }
    url = reverse("partners:contact_vcard", args=[france_travail.slug, contact.pk])
    card = parse_vcard(referent_client.get(url).content)
    assert "TEL:0600000000" in str(card["TITLE"]) and str(card["NOTE"]) == "Tout\\nle reste"


def test_contact_vcard_for_members(referent_client, france_travail):
    contact = france_travail.contacts.get(last_name="Démo-Rivière")
    response = referent_client.get(
        reverse("partners:contact_vcard", args=[france_travail.slug, contact.pk])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "FN:Zéphyrine Démo-Rivière" in text
    assert "N:Démo-Rivière;Zéphyrine;;;" in text
    assert "ORG:France Travail Angoulême" in text
    assert f"EMAIL;TYPE=work:{contact.email}" in text


def test_contact_of_another_partner_is_404(referent_client, france_travail, territory):
    stranger = ContactFactory(partner=PartnerFactory(territory=territory))
    url = reverse("partners:contact_vcard", args=[france_travail.slug, stranger.pk])
    assert referent_client.get(url).status_code == 404


def test_coordinator_sees_edit_and_confirm_buttons_only_on_own_partners(
    as_persona, france_travail, bergerac_partner
):
    client = as_persona("coordinator")
    assert (
        reverse("partners:update", args=[france_travail.slug])
        in client.get(detail(france_travail)).text
    )
    assert (
        reverse("partners:update", args=[bergerac_partner.slug])
        not in client.get(detail(bergerac_partner)).text
    )
    referent = as_persona("referent")
    assert "Modifier la fiche" not in referent.get(detail(france_travail)).text
    assert "Signaler une erreur" in referent.get(detail(france_travail)).text
    assert "Signaler une erreur" not in as_persona("visitor").get(detail(france_travail)).text


def test_contacts_hidden_in_other_project_territory(client, france_travail):
    user = MembershipFactory(territory=TerritoryFactory(slug="loin")).user
    client.force_login(user)
    assert "Démo-Faure" not in client.get(detail(france_travail)).text
