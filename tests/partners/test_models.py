"""Model rules: freshness, search column, zone of intervention, constraints, the demo."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from partners import demo
from partners.models import Contact, ErrorReport, Partner
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("interval", "days", "due"),
    [
        (3, 80, False),
        (3, 100, True),
        (6, 170, False),
        (6, 190, True),
        (12, 350, False),
        (12, 380, True),
    ],
)
def test_partner_is_due_after_its_check_interval(territory, interval, days, due):
    partner = PartnerFactory(
        territory=territory,
        check_interval=interval,
        verified_at=timezone.now() - timedelta(days=days),
    )
    assert partner.is_due is due
    assert (partner in Partner.objects.due_for_review()) is due


def test_never_verified_is_due_and_two_years_is_outdated(territory):
    never = PartnerFactory(territory=territory, verified_at=None)
    assert never.is_due and not never.is_outdated  # just created
    old = PartnerFactory(territory=territory, verified_at=timezone.now() - timedelta(days=731))
    assert old.is_outdated and old.is_due


def test_default_check_interval_is_six_months(territory):
    assert PartnerFactory(territory=territory).check_interval == 6


def test_confirm_records_who_and_when(territory, coordinator):
    partner = PartnerFactory(territory=territory, verified_at=None)
    partner.confirm(by=coordinator)
    partner.refresh_from_db()
    assert partner.verified_by == coordinator and not partner.is_due


def test_search_text_is_maintained_on_save_and_by_bulk_helpers(territory):
    partner = PartnerFactory(territory=territory, name="Étape", also_known_as="Œuvre")
    assert partner.search_text == "etape oeuvre"
    bulk = Partner(territory=territory, category=partner.category, name="Élan", slug="elan")
    bulk.search_text = bulk.build_search_text()
    Partner.objects.bulk_create([bulk])
    assert list(Partner.objects.search("ELAN")) == [Partner.objects.get(slug="elan")]


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"check_interval": 7}, "partners_partner_check_interval_valid"),
        ({"postal_code": "16A00"}, "partners_partner_postal_code_format"),
        ({"slug": "a-verifier"}, "partners_partner_slug_not_reserved"),
        ({"name": ""}, "partners_partner_name_not_empty"),
    ],
)
def test_database_enforces_partner_rules(territory, changes, constraint):
    partner = PartnerFactory(territory=territory)
    with pytest.raises(
        IntegrityError, match=constraint if "sqlite" not in str(type(partner)) else ""
    ):
        with transaction.atomic():
            Partner.objects.filter(pk=partner.pk).update(**changes)


def test_database_enforces_report_and_contact_rules(territory):
    partner = PartnerFactory(territory=territory)
    with pytest.raises(IntegrityError), transaction.atomic():
        ErrorReport.objects.create(partner=partner, message="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(partner=partner, first_name="A", last_name="")


def test_serving_territories(territory, other_territory, bergerac_partner, france_travail):
    assert set(Partner.objects.serving_territories([territory.pk])) == {france_travail}
    bergerac_partner.zone_territories.add(territory)
    assert set(Partner.objects.serving_territories([territory.pk])) == {
        france_travail,
        bergerac_partner,
    }


def test_demo_is_idempotent(db):
    from portal import demo as portal_demo

    portal_demo.load()
    demo.load()
    count = Partner.objects.count()
    contacts = Contact.objects.count()
    verified = dict(Partner.objects.values_list("slug", "verified_at"))
    demo.load()
    assert 38 <= count <= 45
    assert Partner.objects.count() == count and Contact.objects.count() == contacts
    assert dict(Partner.objects.values_list("slug", "verified_at")) == verified
    assert Partner.objects.filter(territory__slug="grand-bergeracois").count() >= 15
    assert (
        Partner.objects.search("pole emploi").filter(category__slug="france-travail").count() >= 3
    )
    cluster = Partner.objects.get(slug="cluster-b")
    assert "2017" in cluster.description
    assert "démonstration" in cluster.description
    assert all(
        email.endswith("@example.org") for email in Contact.objects.values_list("email", flat=True)
    )
    assert all(
        phone.startswith("+335000") for phone in Contact.objects.values_list("phone", flat=True)
    )
