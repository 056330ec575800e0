"""The network page lists decided partners, each with the form that reverses the decision."""

from django.urls import reverse

from partners.models import NetworkMembership
from tests.factories import PartnerFactory


def test_decided_partners_offer_the_opposite_decision(
    coordinator_client, territory, other_territory
):
    kept = PartnerFactory(territory=other_territory, name="Gardé", slug="garde")
    dropped = PartnerFactory(territory=other_territory, name="Écarté", slug="ecarte")
    for partner, status in [
        (kept, NetworkMembership.Status.ACCEPTED),
        (dropped, NetworkMembership.Status.DECLINED),
    ]:
        partner.zone_territories.add(territory)
        NetworkMembership.objects.create(territory=territory, partner=partner, status=status)
    html = coordinator_client.get(reverse("partners:network", args=[territory.slug])).text
    decline = reverse("partners:network_decline", args=[territory.slug, "garde"])
    accept = reverse("partners:network_accept", args=[territory.slug, "ecarte"])
    assert f'action="{decline}"' in html and f'action="{accept}"' in html
    assert "Retirer du réseau" in html and "Accepter dans le réseau" in html
    assert "— Gardé" in html and "— Écarté" in html
