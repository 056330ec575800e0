"""Coordinators' pages and members' error reports: happy paths, bad input (who may reach them:
tests/security/test_access_matrix.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Category, Contact, ErrorReport, Partner, Public
from tests.factories import ErrorReportFactory, PartnerFactory, reference

pytestmark = pytest.mark.django_db


def form_data(owner, **overrides):
    data = {
        "territory": owner.pk,
        "name": "Mission locale Arc Charente",
        "also_known_as": "ML",
        "category": reference(Category, "mission-locale").pk,
        "scale": "local",
        "description": "Accompagnement des jeunes.",
        "commune": "Angoulême (16015)",
        "postal_code": "16000",
        "phone": "05 00 00 00 42",
        "email": "contact@ml.example.org",
        "reception_in_person": "on",
        "mobilise_phone": "on",
        "publics": [reference(Public, "jeunes").pk],
        "check_interval": "6",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "30",
        "contacts-0-first_name": "Sarah",
        "contacts-0-last_name": "Démo-Lemoine",
        "contacts-0-role": "Directrice",
        "contacts-0-email": "sarah@example.org",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", ["partners:verify", "partners:report_resolve"])
def test_post_only_views_reject_get(coordinator_client, france_travail, name):
    args = (
        [france_travail.slug]
        if name == "partners:verify"
        else [ErrorReportFactory(partner=france_travail).pk]
    )
    assert coordinator_client.get(reverse(name, args=args)).status_code == 405


def test_coordinator_creates_a_partner_with_a_contact(coordinator_client, coordinator, territory):
    response = coordinator_client.post(reverse("partners:create"), form_data(territory))
    partner = Partner.objects.get(slug="mission-locale-arc-charente")
    assert response.status_code == 302 and response["Location"] == partner.get_absolute_url()
    assert partner.territory == territory
    assert partner.commune.insee_code == "16015"
    assert partner.verified_by == coordinator and partner.verified_at is not None
    assert list(partner.publics.values_list("slug", flat=True)) == ["jeunes"]
    assert partner.contacts.get().last_name == "Démo-Lemoine"
    assert "mission locale arc charente" in partner.search_text


def test_create_form_offers_only_editable_territories(
    coordinator_client, territory, other_territory
):
    form = coordinator_client.get(reverse("partners:create")).context["form"]
    assert list(form.fields["territory"].queryset) == [territory]
    response = coordinator_client.post(
        reverse("partners:create"), form_data(territory, territory=other_territory.pk)
    )
    assert response.status_code == 200
    assert "territory" in response.context["form"].errors
    assert not Partner.objects.exists()


def test_all_publics_is_exclusive(coordinator_client, territory):
    publics = [reference(Public, "tous-publics").pk, reference(Public, "jeunes").pk]
    response = coordinator_client.post(
        reverse("partners:create"), form_data(territory, publics=publics)
    )
    assert response.status_code == 200
    assert "ne se combine pas" in response.text
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Ce champ est obligatoire"),
        ("commune", "Atlantide", "Commune inconnue"),
        ("email", "pas-un-courriel", "adresse de courriel valide"),
        ("postal_code", "ABCDE", ""),
        ("website", "javascript:alert(1)", "URL valide"),
        ("check_interval", "7", "choix valide"),
        ("contacts-0-email", "faux", "adresse de courriel valide"),
    ],
)
def test_bad_input_changes_nothing(coordinator_client, territory, field, value, message):
    response = coordinator_client.post(
        reverse("partners:create"), form_data(territory, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.text
    assert (
        "La fiche n&#x27;est pas enregistrée" in response.text or "pas enregistrée" in response.text
    )
    assert not Partner.objects.exists() and not Contact.objects.exists()


def test_mobilisation_link_required_when_mode_ticked(coordinator_client, territory):
    response = coordinator_client.post(
        reverse("partners:create"), form_data(territory, mobilise_link="on")
    )
    assert "Indiquez le lien de mobilisation" in response.text


def test_coordinator_updates_partner_and_contacts(coordinator_client, france_travail, territory):
    url = reverse("partners:update", args=[france_travail.slug])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert 'value="Angoulême (16015)"' in page.text
    contacts = list(france_travail.contacts.order_by("pk"))
    data = form_data(
        territory,
        name="France Travail Angoulême Ma Campagne",
        **{
            "contacts-TOTAL_FORMS": "3",
            "contacts-INITIAL_FORMS": "2",
            "contacts-0-id": contacts[0].pk,
            "contacts-0-first_name": "Claire",
            "contacts-0-last_name": "Démo-Rivière",
            "contacts-0-role": "Responsable",
            "contacts-1-id": contacts[1].pk,
            "contacts-1-first_name": "Yanis",
            "contacts-1-last_name": "Démo-Faure",
            "contacts-1-DELETE": "on",
            "contacts-2-first_name": "",
            "contacts-2-last_name": "",
        },
    )
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    france_travail.refresh_from_db()
    assert france_travail.name == "France Travail Angoulême Ma Campagne"
    assert france_travail.slug == "france-travail-angouleme"  # URLs stay stable
    assert list(france_travail.contacts.values_list("role", flat=True)) == ["Responsable"]


def test_confirm_in_one_click(coordinator_client, coordinator, france_travail):
    Partner.objects.filter(pk=france_travail.pk).update(
        verified_at=timezone.now() - timedelta(days=400), verified_by=None
    )
    response = coordinator_client.post(reverse("partners:verify", args=[france_travail.slug]))
    assert response.status_code == 302
    france_travail.refresh_from_db()
    assert france_travail.verified_by == coordinator
    assert timezone.now() - france_travail.verified_at < timedelta(minutes=1)
    assert not france_travail.is_due


def test_confirm_from_queue_returns_to_queue(coordinator_client, france_travail):
    response = coordinator_client.post(
        reverse("partners:verify", args=[france_travail.slug]), {"next": "queue"}
    )
    assert response["Location"] == reverse("partners:review")


def test_member_reports_an_error(referent_client, referent, france_travail):
    url = reverse("partners:report", args=[france_travail.slug])
    response = referent_client.post(url, {"message": "  Le numéro a changé.  "})
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    assert report.partner == france_travail and report.reported_by == referent
    assert report.message == "Le numéro a changé."


@pytest.mark.parametrize("message", ["", "   ", "x" * 1001])
def test_empty_or_long_report_is_refused(referent_client, france_travail, message):
    url = reverse("partners:report", args=[france_travail.slug])
    response = referent_client.post(url, {"message": message})
    assert response.status_code == 200
    assert not ErrorReport.objects.exists()


def test_review_queue_lists_due_partners_and_reports_of_own_territories(
    coordinator_client, territory, france_travail, bergerac_partner
):
    now = timezone.now()
    late = PartnerFactory(
        territory=territory, name="En retard", verified_at=now - timedelta(days=200)
    )
    quarterly = PartnerFactory(
        territory=territory,
        name="Trimestriel",
        check_interval=3,
        verified_at=now - timedelta(days=100),
    )
    yearly = PartnerFactory(
        territory=territory, name="Annuel", check_interval=12, verified_at=now - timedelta(days=200)
    )
    never = PartnerFactory(territory=territory, name="Jamais", verified_at=None)
    Partner.objects.filter(pk=bergerac_partner.pk).update(verified_at=None)  # other territory
    ErrorReportFactory(partner=france_travail, message="Adresse fausse")
    ErrorReportFactory(partner=bergerac_partner, message="Ailleurs")
    ErrorReportFactory(partner=france_travail, message="Déjà vu", resolved_at=now + timedelta(1))

    response = coordinator_client.get(reverse("partners:review"))
    due = response.context["due"]
    assert set(due) == {late, quarterly, never}
    assert yearly not in due and france_travail not in due
    assert [report.message for report in response.context["reports"]] == ["Adresse fausse"]
    assert "Ailleurs" not in response.text


def test_resolving_a_report_removes_it_from_the_queue(
    coordinator_client, coordinator, france_travail
):
    report = ErrorReportFactory(partner=france_travail)
    response = coordinator_client.post(reverse("partners:report_resolve", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved_by == coordinator and report.resolved_at is not None
    assert coordinator_client.get(reverse("partners:review")).context["reports"] == []
    # A resolved report is not resolved again (a second click says so: see
    # test_double_submit.py).
    resolved_at = report.resolved_at
    again = coordinator_client.post(reverse("partners:report_resolve", args=[report.pk]))
    assert again.status_code == 302
    report.refresh_from_db()
    assert report.resolved_at == resolved_at
