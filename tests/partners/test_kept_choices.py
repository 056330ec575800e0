"""The partner form keeps what a record already has, even when a new record would not be
offered it (portal.forms.KeepCurrentChoicesMixin); an untouched save changes nothing."""

import pytest
from django.urls import reverse

from partners.models import Partner
from portal.models import Commune
from tests.submission import unchanged_submission


@pytest.fixture(autouse=True)
def valid_contact_emails(france_travail):
    france_travail.contacts.update(email="contact@example.org")  # the factory's have accents


def snapshot(partner):
    partner = Partner.objects.get(pk=partner.pk)
    return (
        Partner.objects.filter(pk=partner.pk).values().get(),
        {
            name: sorted(getattr(partner, name).values_list("pk", flat=True))
            for name in ("zone_communes", "zone_territories", "publics", "themes")
        },
        list(partner.contacts.values()),
    )


def test_saving_a_partner_keeps_zone_communes_of_other_territories(
    coordinator_client, france_travail, other_territory
):
    bergerac = Commune.objects.get(insee_code="24037")
    france_travail.zone_communes.add(bergerac)
    france_travail.zone_territories.add(other_territory)
    url = reverse("partners:update", args=[france_travail.slug])
    page = coordinator_client.get(url)
    assert "Bergerac (hors de vos territoires)" in page.content.decode()
    data = unchanged_submission(page)
    data["name"] = ["France Travail Angoulême Sud"]

    assert coordinator_client.post(url, data).status_code == 302

    france_travail.refresh_from_db()
    assert france_travail.name == "France Travail Angoulême Sud"
    assert bergerac in france_travail.zone_communes.all()
    assert other_territory in france_travail.zone_territories.all()


def test_an_untouched_partner_save_changes_nothing(
    coordinator_client, france_travail, other_territory
):
    france_travail.zone_communes.add(Commune.objects.get(insee_code="24037"))
    url = reverse("partners:update", args=[france_travail.slug])
    before = snapshot(france_travail)

    response = coordinator_client.post(url, unchanged_submission(coordinator_client.get(url)))

    assert response.status_code == 302
    assert snapshot(france_travail) == before  # "mis à jour le" included
