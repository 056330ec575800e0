"""Rendez-vous invitations by e-mail (iTIP): created → REQUEST, moved → REQUEST with a higher
SEQUENCE, cancelled → CANCEL, the same UID; sent through a real SMTP server after the commit;
the signed unsubscribe link (GET asks, POST stops, replay and forgery change nothing)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from referents import invitations
from referents.models import Meeting, Referent
from tests.factories import ReferentFactory
from tests.smtp import attachment, subject, text_body

pytestmark = pytest.mark.django_db


def meeting_data(referents, **overrides):
    data = {
        "kind": "reunion",
        "title": "Réunion de rentrée",
        "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT14:00"),
        "ends_at": "",
        "host": "",
        "place": "Mairie de Soyaux",
        "access": "",
        "agenda": "Tour de table",
        "minutes": "",
        "invited": [r.pk for r in referents],
    }
    data.update(overrides)
    return data


def event_of(message):
    [event] = Calendar.from_ical(attachment(message, "text/calendar")).walk("VEVENT")
    return event


def ics_method(message):
    return str(Calendar.from_ical(attachment(message, "text/calendar"))["method"])


@pytest.fixture
def invitees(soyaux):
    return [
        ReferentFactory(commune=soyaux, first_name="Anne", last_name="Aubert"),
        ReferentFactory(commune=soyaux, first_name="Bruno", last_name="Blanc"),
        ReferentFactory(commune=soyaux, first_name="Sans", last_name="Courriel", email=""),
        ReferentFactory(
            commune=soyaux, first_name="Ote", last_name="Optout", meeting_emails_opt_out=True
        ),
    ]


def test_create_move_cancel_send_request_request_cancel(
    coordinator_client, territory, invitees, smtp_server, django_capture_on_commit_callbacks
):
    url = reverse("referents:meeting_create", args=[territory.slug])
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator_client.post(url, meeting_data(invitees)).status_code == 302
    meeting = Meeting.objects.get()
    created = smtp_server.wait(2)
    assert sorted(m["To"] for m in created) == [
        "anne.aubert@example.org",
        "bruno.blanc@example.org",
    ]
    first = created[0]
    assert subject(first) == "Invitation : Réunion de rentrée"
    assert territory.name in text_body(first)
    assert ics_method(first) == "REQUEST"
    event = event_of(first)
    uid = str(event["uid"])
    assert uid.startswith(f"meeting-{meeting.pk}@") and int(event["sequence"]) == 0
    assert "ne-pas-repondre@maillage.local" in str(event["organizer"])
    attendees = sorted(str(a) for a in event["attendee"])
    assert attendees == ["mailto:anne.aubert@example.org", "mailto:bruno.blanc@example.org"]
    assert str(event["location"]) == "Mairie de Soyaux"

    # an edit that does not move it sends nothing
    update = reverse("referents:meeting_update", args=[meeting.pk])
    starts = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(update, meeting_data(invitees, starts_at=starts, agenda="Autre"))
    # moved: a new REQUEST, same UID, higher SEQUENCE
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            update, meeting_data(invitees, starts_at=starts, agenda="Autre", place="Salle B")
        )
    assert response.status_code == 302
    moved = smtp_server.wait(4)[2:]
    assert len(moved) == 2 and subject(moved[0]) == "Rendez-vous modifié : Réunion de rentrée"
    assert ics_method(moved[0]) == "REQUEST"
    assert str(event_of(moved[0])["uid"]) == uid and int(event_of(moved[0])["sequence"]) == 1
    assert str(event_of(moved[0])["location"]) == "Salle B"

    # cancelled: CANCEL, same UID, SEQUENCE 2; the meeting is deleted
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("referents:meeting_cancel", args=[meeting.pk]))
    assert response.status_code == 302 and not Meeting.objects.exists()
    cancelled = smtp_server.wait(6)[4:]
    assert (
        len(cancelled) == 2 and subject(cancelled[0]) == "Rendez-vous annulé : Réunion de rentrée"
    )
    assert ics_method(cancelled[0]) == "CANCEL"
    event = event_of(cancelled[0])
    assert str(event["uid"]) == uid and int(event["sequence"]) == 2
    assert str(event["status"]) == "CANCELLED"
    assert len(smtp_server.messages) == 6


def test_mail_server_down_never_fails_the_page(
    coordinator_client, territory, invitees, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens
    settings.EMAIL_USE_TLS = False
    url = reverse("referents:meeting_create", args=[territory.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, meeting_data(invitees))
    assert response.status_code == 302 and Meeting.objects.exists()


def test_cancel_asks_first(coordinator_client, next_meeting):
    url = reverse("referents:meeting_cancel", args=[next_meeting.pk])
    page = coordinator_client.get(url)
    assert page.status_code == 200 and "Les 2 référents invités" in page.text
    assert Meeting.objects.filter(pk=next_meeting.pk).exists()


def test_referent_cannot_cancel(referent_client, next_meeting):
    url = reverse("referents:meeting_cancel", args=[next_meeting.pk])
    assert referent_client.post(url).status_code == 403
    assert Meeting.objects.filter(pk=next_meeting.pk).exists()


def test_other_territory_cannot_cancel(other_coordinator_client, next_meeting):
    url = reverse("referents:meeting_cancel", args=[next_meeting.pk])
    assert other_coordinator_client.post(url).status_code == 404
    assert Meeting.objects.filter(pk=next_meeting.pk).exists()


def test_unsubscribe_link(client, invitees, smtp_server):
    anne = invitees[0]
    url = reverse("referents:unsubscribe", args=[invitations.unsubscribe_token(anne)])
    page = client.get(url)
    assert page.status_code == 200 and "Ne plus recevoir ces courriels" in page.text
    anne.refresh_from_db()
    assert not anne.meeting_emails_opt_out  # GET only asks
    done = client.post(url, follow=True).text  # POST, then back to the page
    assert "C&#x27;est fait" in done or "C'est fait" in done
    anne.refresh_from_db()
    assert anne.meeting_emails_opt_out
    assert client.post(url, follow=True).status_code == 200  # a replay changes nothing more
    forged = client.post(reverse("referents:unsubscribe", args=["1:forged"]))
    assert forged.status_code == 404 and "n'est pas valable" in forged.text.replace("&#x27;", "'")
    assert Referent.objects.filter(meeting_emails_opt_out=True).count() == 2


def test_unsubscribe_link_is_in_the_email(
    coordinator_client, territory, invitees, smtp_server, django_capture_on_commit_callbacks, client
):
    url = reverse("referents:meeting_create", args=[territory.slug])
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url, meeting_data(invitees[:1]))
    [message] = smtp_server.wait(1)
    body = text_body(message)
    path = "/referents/desabonnement/" + body.split("/referents/desabonnement/")[1].split()[0]
    client.post(path)
    invitees[0].refresh_from_db()
    assert invitees[0].meeting_emails_opt_out


def test_invited_added_get_request_removed_get_cancel(
    coordinator_client, territory, invitees, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("referents:meeting_create", args=[territory.slug]), meeting_data(invitees[:1])
        )
    meeting = Meeting.objects.get()
    smtp_server.wait(1)
    starts = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("referents:meeting_update", args=[meeting.pk]),
            meeting_data(invitees[1:2], starts_at=starts),
        )
    messages = smtp_server.wait(3)[1:]
    by_address = {m["To"]: ics_method(m) for m in messages}
    assert by_address == {"bruno.blanc@example.org": "REQUEST", "anne.aubert@example.org": "CANCEL"}
    assert {int(event_of(m)["sequence"]) for m in messages} == {0}
    [removed] = [m for m in messages if m["To"] == "anne.aubert@example.org"]
    assert subject(removed) == "Vous n'êtes plus invité·e : Réunion de rentrée"
