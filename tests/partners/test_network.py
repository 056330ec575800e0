"""A territory's network: no coordinator changes what another territory's members see.

Zone communes and territories are limited to one's own territories; a partner of another
territory (or a departmental, regional, national one) enters a territory's guide, orientation
helper and contacts only once that territory's coordination accepted it (NetworkMembership)."""

import pytest
from django.apps import apps
from django.urls import reverse

from partners.models import NetworkMembership, Partner
from portal.models import Department
from tests.factories import ContactFactory, PartnerFactory
from tests.partners.test_editing import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def bergerac_partner(other_territory):
    partner = PartnerFactory(
        territory=other_territory, name="CFA de Bergerac", slug="cfa-de-bergerac"
    )
    partner.zone_territories.add(other_territory)
    ContactFactory(partner=partner, last_name="Démo-Bergerac")
    return partner


def bergerac_data(other_territory, **overrides):
    return form_data(
        other_territory,
        name="CFA de Bergerac",
        commune="Bergerac (24037)",
        postal_code="24100",
        **overrides,
    )


def test_other_coordinator_cannot_put_our_territory_in_a_zone(
    client, other_coordinator, other_territory, territory, bergerac_partner
):
    client.force_login(other_coordinator)
    url = reverse("partners:update", args=[bergerac_partner.slug])
    data = bergerac_data(
        other_territory,
        zone_territories=[other_territory.pk, territory.pk],
        **{"contacts-INITIAL_FORMS": "0"},
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "que les territoires que vous coordonnez" in response.text
    assert list(bergerac_partner.zone_territories.all()) == [other_territory]
    assert territory not in response.context["form"].fields["zone_territories"].queryset


def test_other_coordinator_cannot_put_our_communes_in_a_zone(
    client, other_coordinator, other_territory, communes
):
    client.force_login(other_coordinator)
    data = bergerac_data(other_territory, zone_communes=[communes[0].pk])
    response = client.post(reverse("partners:create"), data)
    assert response.status_code == 200
    assert "que des communes des territoires que vous coordonnez" in response.text
    assert not Partner.objects.filter(name="CFA de Bergerac").exists()


def test_departments_stay_open_and_values_already_there_stay(
    client, other_coordinator, other_territory, territory, bergerac_partner
):
    """A zone set before (here by staff) is kept on save; a department may be chosen."""
    bergerac_partner.zone_territories.add(territory)
    client.force_login(other_coordinator)
    charente = Department.objects.get(code="16")
    data = bergerac_data(
        other_territory,
        zone_territories=[other_territory.pk, territory.pk],
        zone_departments=[charente.pk],
    )
    response = client.post(reverse("partners:update", args=[bergerac_partner.slug]), data)
    assert response.status_code == 302
    assert set(bergerac_partner.zone_territories.all()) == {other_territory, territory}
    assert list(bergerac_partner.zone_departments.all()) == [charente]


def test_coordinator_sees_proposed_partners_and_accepts_one(
    coordinator_client, coordinator, territory, bergerac_partner
):
    bergerac_partner.zone_departments.add(Department.objects.get(code="16"))
    url = reverse("partners:network", args=["grand-angouleme"])
    response = coordinator_client.get(url)
    assert [p.slug for p in response.context["proposed"]] == [bergerac_partner.slug]
    assert "1 partenaire proposé" in response.text
    accept = reverse("partners:network_accept", args=[territory.slug, bergerac_partner.slug])
    response = coordinator_client.post(accept)
    assert response.status_code == 302
    membership = NetworkMembership.objects.get()
    assert (membership.territory, membership.partner) == (territory, bergerac_partner)
    assert (membership.status, membership.decided_by) == ("accepte", coordinator)
    response = coordinator_client.get(url)
    assert response.context["proposed"] == []
    assert "1 partenaire accepté" in response.text and "accepté le" in response.text
    decline = reverse("partners:network_decline", args=[territory.slug, bergerac_partner.slug])
    assert coordinator_client.post(decline).status_code == 302
    assert NetworkMembership.objects.get().status == "ecarte"
    response = coordinator_client.get(url)
    assert response.context["proposed"] == response.context["accepted"] == []
    assert [m.partner for m in response.context["declined"]] == [bergerac_partner]


def test_a_set_aside_partner_leaves_our_pages_and_the_proposals(
    client, referent, territory, bergerac_partner
):
    bergerac_partner.zone_departments.add(Department.objects.get(code="16"))
    NetworkMembership.objects.create(
        territory=territory, partner=bergerac_partner, status=NetworkMembership.Status.DECLINED
    )
    client.force_login(referent)
    assert "Démo-Bergerac" not in client.get(bergerac_partner.get_absolute_url()).text
    assert bergerac_partner not in Partner.objects.in_network_of(territory.pk)
    assert bergerac_partner not in Partner.objects.proposed_to(territory.pk)


def test_coordinators_reach_the_network_page_from_the_referents_menu(
    as_persona, territory, bergerac_partner
):
    url = reverse("partners:network", args=["grand-angouleme"])
    assert (
        url
        in as_persona("coordinator")
        .get(reverse("referents:observatory", args=[territory.slug]))
        .text
    )
    assert (
        url
        not in as_persona("referent").get(reverse("referents:outline", args=[territory.slug])).text
    )


def test_a_partner_that_does_not_serve_us_cannot_be_accepted(
    coordinator_client, territory, bergerac_partner
):
    accept = reverse("partners:network_accept", args=[territory.slug, bergerac_partner.slug])
    assert coordinator_client.post(accept).status_code == 404
    assert not NetworkMembership.objects.exists()


def test_migration_accepts_wide_zones_only(territory, other_territory, bergerac_partner):
    """Existing data: departments, regions and national zones were legitimate; a territory
    put in the zone by another territory's coordinator waits for consent."""
    from importlib import import_module

    migration = import_module("partners.migrations.0007_accept_existing_network")
    pushed = PartnerFactory(territory=other_territory, slug="pousse")
    pushed.zone_territories.add(territory)
    bergerac_partner.zone_departments.add(Department.objects.get(code="16"))
    national = PartnerFactory(territory=territory, slug="3949", is_national=True)
    migration.accept_existing(apps, None)
    assert set(NetworkMembership.objects.values_list("territory__slug", "partner__slug")) == {
        ("grand-angouleme", "cfa-de-bergerac"),
        ("grand-bergeracois", national.slug),
    }


def test_staff_sees_acceptances_in_the_admin(staff, client, territory, bergerac_partner):
    NetworkMembership.objects.create(territory=territory, partner=bergerac_partner)
    client.force_login(staff)
    response = client.get(reverse("admin:partners_networkmembership_changelist"))
    assert response.status_code == 200 and "CFA de Bergerac" in response.text


@pytest.mark.parametrize("size", [1, 20])
def test_network_page_query_count(
    coordinator_client, territory, other_territory, size, django_assert_num_queries
):
    for index in range(size):
        proposed = PartnerFactory(territory=other_territory, slug=f"propose-{index}")
        proposed.zone_territories.add(territory)
        accepted = PartnerFactory(territory=other_territory, slug=f"accepte-{index}")
        accepted.zone_territories.add(territory)
        NetworkMembership.objects.create(territory=territory, partner=accepted)
    url = reverse("partners:network", args=["grand-angouleme"])
    # 1 session, 2 user, 3 territory named, 4 memberships with territories, 5 proposed partners
    # (category, territory, commune), 6 decisions (partner, category, territory, commune,
    # decided_by)
    with django_assert_num_queries(6):
        response = coordinator_client.get(url)
    assert len(response.context["proposed"]) == len(response.context["accepted"]) == size
