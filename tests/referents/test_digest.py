"""The weekly digest (`send_digests`): the sections that are non-empty only, nothing sent when
there is nothing, idempotent per week, a failed send retried by the next run, the opt-out (page
and signed link), a constant number of queries per territory."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from partners.models import ErrorReport
from referents import digest
from referents.models import DigestOptOut, DigestSent
from roadmaps.models import Signal
from tests.factories import (
    ActionFactory,
    AxisFactory,
    ErrorReportFactory,
    MeetingFactory,
    PartnerFactory,
    ReminderFactory,
    RoadmapFactory,
    SignalFactory,
)
from tests.smtp import subject, text_body

pytestmark = pytest.mark.django_db

WEEK = "2026-W48"


@pytest.fixture
def coordinator_with_email(coordinator):
    coordinator.email = "coordination@example.org"
    coordinator.save()
    return coordinator


def fill(territory, coordinator, size, *, roadmap=False):
    axis = (
        AxisFactory(roadmap=RoadmapFactory(territory=territory, is_current=True))
        if roadmap
        else None
    )
    for index in range(size):
        if axis:
            ActionFactory(axis=axis, end_date=timezone.localdate() - timedelta(days=1 + index))
        partner = PartnerFactory(territory=territory, verified_at=None, name=f"Partenaire {index}")
        ErrorReportFactory(partner=partner)
        MeetingFactory(
            territory=territory, starts_at=timezone.now() + timedelta(days=3 + index % 5)
        )
        ReminderFactory(
            territory=territory, person=coordinator, date=timezone.localdate() - timedelta(days=2)
        )
        SignalFactory(territory=territory, status=Signal.Status.NEW)


def test_nothing_to_say_sends_nothing(coordinator_with_email, smtp_server):
    call_command("send_digests", "--week", WEEK)
    assert smtp_server.messages == [] and not DigestSent.objects.exists()


def test_digest_lists_non_empty_sections_and_is_idempotent(
    territory, coordinator_with_email, smtp_server
):
    fill(territory, coordinator_with_email, 2)
    call_command("send_digests", "--week", WEEK)
    [message] = smtp_server.wait(1)
    assert message["To"] == "coordination@example.org"
    assert territory.name in subject(message)
    body = text_body(message)
    assert "2 fiches partenaires à vérifier" in body
    assert "2 signalements d'erreur en attente" in body
    assert "2 rendez-vous dans les 14 prochains jours" in body
    assert "2 rappels en retard" in body
    assert "2 nouveaux signaux faibles cette semaine" in body
    assert "action en retard" not in body and "actions en retard" not in body  # empty: left out
    assert DigestSent.objects.filter(user=coordinator_with_email, week=WEEK).exists()
    call_command("send_digests", "--week", WEEK)  # the same week: nothing more
    assert len(smtp_server.wait(2, timeout=0.5)) == 1


def test_singular(territory, coordinator_with_email, smtp_server):
    ErrorReportFactory(partner=PartnerFactory(territory=territory))
    ErrorReport.objects.update()
    call_command("send_digests", "--week", WEEK)
    [message] = smtp_server.wait(1)
    assert "1 signalement d'erreur en attente" in text_body(message)


def test_failed_send_is_retried_next_run(territory, coordinator_with_email, settings):
    fill(territory, coordinator_with_email, 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False
    with pytest.raises(CommandError):
        call_command("send_digests", "--week", WEEK)
    assert not DigestSent.objects.exists()
    from tests.smtp import running_smtp_server

    with running_smtp_server(settings) as inbox:
        call_command("send_digests", "--week", WEEK)
        assert len(inbox.wait(1)) == 1
    assert DigestSent.objects.filter(week=WEEK).count() == 1


def test_bad_week_is_refused():
    with pytest.raises(CommandError, match="Semaine invalide"):
        call_command("send_digests", "--week", "semaine-48")


def test_opt_out_page_and_signed_link(
    client, coordinator_client, territory, coordinator_with_email, smtp_server
):
    url = reverse("referents:digest_preferences")
    assert "checked" in coordinator_client.get(url).text
    coordinator_client.post(url, {})  # unticked
    assert DigestOptOut.objects.filter(user=coordinator_with_email).exists()
    fill(territory, coordinator_with_email, 1)
    call_command("send_digests", "--week", WEEK)
    assert smtp_server.messages == []
    coordinator_client.post(url, {"wanted": "on"})
    assert not DigestOptOut.objects.exists()
    call_command("send_digests", "--week", WEEK)
    [message] = smtp_server.wait(1)
    link = text_body(message).split("/referents/resume-hebdomadaire/desabonnement/")[1].split()[0]
    coordinator_client.logout()
    path = f"/referents/resume-hebdomadaire/desabonnement/{link}"
    assert "Ne plus le recevoir" in client.get(path).text
    assert not DigestOptOut.objects.exists()  # GET only asks
    assert client.post(path)["Location"] == path  # POST, then back to the page: done
    assert client.post(path, follow=True).status_code == 200  # replay
    assert DigestOptOut.objects.count() == 1
    forged = client.post("/referents/resume-hebdomadaire/desabonnement/1:x/")
    assert forged.status_code == 404 and DigestOptOut.objects.count() == 1


@pytest.mark.parametrize("size", [1, 6])
def test_constant_queries_per_territory(
    territory, coordinator_with_email, size, django_assert_num_queries
):
    fill(territory, coordinator_with_email, size, roadmap=True)
    with django_assert_num_queries(7):  # current roadmap + the six sections
        result = digest.territory_digest(coordinator_with_email, territory, timezone.localdate())
    assert len(result.sections) == 6
    assert result.sections[2].title.endswith("en retard") and result.sections[2].count == size
