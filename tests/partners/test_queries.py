"""The directory and a record run a constant number of queries, whatever the data size."""

import pytest
from django.urls import reverse

from partners.models import Public, Theme
from tests.factories import (
    CommuneFactory,
    ContactFactory,
    ErrorReportFactory,
    PartnerFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

PARAMS = {"q": "partenaire", "commune": "Soyaux", "tri": "commune"}


def add_partners(territory, count, start):
    publics = list(Public.objects.all()[:4])
    themes = list(Theme.objects.all()[:5])
    for number in range(start, start + count):
        partner = PartnerFactory(
            territory=territory, name=f"Partenaire {number:03d}", slug=f"p-{number}"
        )
        partner.publics.set(publics)
        partner.themes.set(themes)
        partner.zone_territories.set([territory])
        ContactFactory.create_batch(2, partner=partner)
        add_services(partner, 2)


def add_services(partner, count):
    subthemes = list(Theme.objects.filter(parent__isnull=False)[:6])
    for _number in range(count):
        service = ServiceFactory(partner=partner)
        service.themes.set(subthemes)
        service.publics.set(Public.objects.all()[:3])


def test_directory_queries_are_constant(django_assert_num_queries, coordinator_client, territory):
    url = reverse("partners:list")
    add_partners(territory, 3, 0)
    # 1 session, 2 user, 3 memberships with their territories (roles and menu), 4 content
    # version (portal/cache), 5 reference lists (one UNION), 6 datalist communes, 7 count (at
    # most 1,001: COUNT over a LIMITed subquery), 8 ids and slugs of the page's partners, 9 the
    # versions of their pages (portal.cache.show_rows), 10 their rows with category and commune,
    # 11 publics and themes of the page (one UNION), 12 names of their services. Soyaux comes
    # from the datalist: no query.
    with django_assert_num_queries(12):
        response = coordinator_client.get(url, PARAMS)
    assert response.context["page"].paginator.count == 3
    add_partners(territory, 40, 3)
    with django_assert_num_queries(12):
        response = coordinator_client.get(url, PARAMS)
    assert response.context["page"].paginator.count == 43
    with django_assert_num_queries(12):
        coordinator_client.get(url, {**PARAMS, "page": 2})
    # The same page again comes from the cache: the layout's queries, the content version and
    # the versions of the partners it shows.
    with django_assert_num_queries(5):
        coordinator_client.get(url, {**PARAMS, "page": 2})


def test_directory_queries_for_visitors(django_assert_num_queries, client, territory):
    url = reverse("partners:list")
    add_partners(territory, 3, 0)
    # 1 content version, 2 reference lists, 3 datalist communes (all territories), 4 commune
    # lookup (typed code outside the datalist), 5 count, 6 ids of the page, 7 versions of their
    # pages, 8 their rows, 9 publics and themes, 10 services' names.
    CommuneFactory(insee_code="16999", name="Hors réseau")
    PartnerFactory(territory=territory, name="Partenaire national", is_national=True)
    with django_assert_num_queries(10):
        response = client.get(url, {**PARAMS, "commune": "16999"})
    assert response.context["page"] is not None
    # An unknown commune: 1 version, 2 reference lists, 3 datalist, 4 lookup; the form says why.
    with django_assert_num_queries(4):
        client.get(url, {**PARAMS, "commune": "99999"})
    with django_assert_num_queries(9):
        client.get(url, PARAMS)
    add_partners(territory, 40, 3)
    with django_assert_num_queries(9):
        client.get(url, PARAMS)
    # From the cache: the content version, the versions of the partners it shows.
    with django_assert_num_queries(2):
        client.get(url, PARAMS)


def test_detail_queries_are_constant(django_assert_num_queries, client, coordinator, territory):
    add_partners(territory, 1, 0)
    partner = PartnerFactory(territory=territory, name="Cible", slug="cible")
    partner.publics.set(Public.objects.all()[:2])
    partner.themes.set(Theme.objects.all()[:2])
    ContactFactory.create_batch(2, partner=partner)
    ErrorReportFactory(partner=partner)
    add_services(partner, 1)
    url = partner.get_absolute_url()
    client.force_login(coordinator)
    # 1 session, 2 user, 3 memberships with their territories, 4 content version, 5 partner
    # with category, commune, territory, verifier and open report count, 6 publics, 7 themes,
    # 8 zone (one UNION of four tables), 9 contacts, 10 the communes of the zone's map with
    # their outline, 11 services, 12 their themes with their categories, 13 their publics.
    with django_assert_num_queries(13):
        response = client.get(url)
    assert len(response.context["contacts"]) == 2
    partner.publics.set(Public.objects.all())
    partner.themes.set(Theme.objects.all())
    partner.zone_communes.set(territory.communes)
    ContactFactory.create_batch(20, partner=partner)
    ErrorReportFactory.create_batch(5, partner=partner)
    add_services(partner, 15)
    with django_assert_num_queries(13):
        response = client.get(url)
    assert len(response.context["contacts"]) == 22
    with django_assert_num_queries(4):  # from the cache
        client.get(url)


def test_detail_queries_when_visibility_needs_a_check(
    django_assert_num_queries, other_coordinator_client, territory
):
    partner = PartnerFactory(territory=territory, slug="cible")
    ContactFactory.create_batch(3, partner=partner)
    # 1 session, 2 user, 3 memberships with their territories, 4 content version, 5 partner,
    # 6 publics, 7 themes, 8 zone, 9 does it serve one of the user's territories (EXISTS),
    # 10 the communes of the zone's map, 11 services (none: nothing to prefetch).
    with django_assert_num_queries(11):
        other_coordinator_client.get(partner.get_absolute_url())


def test_detail_queries_for_visitors(django_assert_num_queries, client, territory):
    partner = PartnerFactory(territory=territory, slug="cible")
    ContactFactory.create_batch(3, partner=partner)
    # 1 content version, 2 partner, 3 publics, 4 themes, 5 zone, 6 the communes of the zone's
    # map, 7 services. No contacts.
    with django_assert_num_queries(7):
        client.get(partner.get_absolute_url())
    with django_assert_num_queries(1):  # from the cache
        client.get(partner.get_absolute_url())


def test_review_queue_queries_are_constant(
    django_assert_num_queries, coordinator_client, territory
):
    url = reverse("partners:review")
    PartnerFactory(territory=territory, verified_at=None)
    # 1 session, 2 user, 3 memberships with their territories, 4 due partners, 5 open reports.
    with django_assert_num_queries(5):
        coordinator_client.get(url)
    for _number in range(15):
        ErrorReportFactory(partner=PartnerFactory(territory=territory, verified_at=None))
    with django_assert_num_queries(5):
        coordinator_client.get(url)
