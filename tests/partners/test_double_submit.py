"""A double click on a creation form of the directory creates once (portal/submissions.py),
including the error report form of a partner's record, a page kept in the cache."""

import pytest
from django.urls import reverse

from partners.models import ErrorReport, Partner
from tests.conftest import submission_token
from tests.factories import ErrorReportFactory
from tests.partners.test_editing import form_data

pytestmark = pytest.mark.django_db


def assert_created_once(client, first, second):
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    page = client.get(second["Location"], follow=True).text
    assert "Ce formulaire avait déjà été envoyé" in page


def test_double_submit_of_a_partner_creates_one(coordinator_client, territory, submit_twice):
    url = reverse("partners:create")
    first, second = submit_twice(coordinator_client, url, url, form_data(territory))
    assert_created_once(coordinator_client, first, second)
    assert Partner.objects.count() == 1


@pytest.mark.parametrize("form_page", ["partners:detail", "partners:report"])
def test_double_submit_of_an_error_report_creates_one(
    referent_client, france_travail, submit_twice, form_page
):
    url = reverse("partners:report", args=[france_travail.slug])
    first, second = submit_twice(
        referent_client,
        reverse(form_page, args=[france_travail.slug]),
        url,
        {"message": "Le numéro a changé."},
    )
    assert_created_once(referent_client, first, second)
    assert ErrorReport.objects.count() == 1


def test_the_cached_record_gets_a_new_token_at_each_display(referent_client, france_travail):
    url = france_travail.get_absolute_url()
    tokens = {submission_token(referent_client.get(url).text) for _display in range(2)}
    assert len(tokens) == 2
    report = reverse("partners:report", args=[france_travail.slug])
    for token in tokens:
        referent_client.post(report, {"message": "Adresse fausse", "submission": token})
    assert ErrorReport.objects.count() == 2


def test_double_click_on_mark_a_report_as_dealt_with_is_harmless(
    coordinator_client, coordinator, france_travail
):
    report = ErrorReportFactory(partner=france_travail)
    url = reverse("partners:report_resolve", args=[report.pk])
    first = coordinator_client.post(url)
    report.refresh_from_db()
    resolved_at = report.resolved_at
    second = coordinator_client.post(url, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "déjà marqué comme traité" in second.text
    report.refresh_from_db()
    assert (report.resolved_at, report.resolved_by) == (resolved_at, coordinator)
