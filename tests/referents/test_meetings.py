from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from referents.models import CalendarFeed, Meeting
from referents.services import calendar_feed
from tests.factories import MeetingFactory


def meeting_data(**overrides):
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
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_meeting(coordinator_client, territory):
    response = coordinator_client.post(
        reverse("referents:meeting_create", args=[territory.slug]), meeting_data()
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.territory == territory


def test_minutes_before_the_event_are_refused(coordinator_client, next_meeting):
    url = reverse("referents:meeting_update", args=[next_meeting.pk])
    data = meeting_data(
        title=next_meeting.title,
        starts_at=timezone.localtime(next_meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        minutes="Tout s'est bien passé",
    )
    response = coordinator_client.post(url, data)
    assert "se rédige après le rendez-vous" in response.content.decode()
    next_meeting.refresh_from_db()
    assert next_meeting.minutes == ""


def test_minutes_after_the_event_are_saved(coordinator_client, past_meeting):
    url = reverse("referents:meeting_update", args=[past_meeting.pk])
    data = meeting_data(
        title=past_meeting.title,
        starts_at=timezone.localtime(past_meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        minutes="Douze présents.",
    )
    assert coordinator_client.post(url, data).status_code == 302
    past_meeting.refresh_from_db()
    assert past_meeting.minutes == "Douze présents."


def test_host_of_another_territory_only_is_refused(territory, coordinator_client, other_territory):
    from tests.referents.conftest import make_partner

    elsewhere = make_partner(other_territory, "mission-locale", "Mission locale ailleurs")
    response = coordinator_client.post(
        reverse("referents:meeting_create", args=[territory.slug]), meeting_data(host=elsewhere.pk)
    )
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_attendance_is_recorded_and_shown(territory, coordinator_client, past_meeting, pair):
    url = reverse("referents:meeting_attendance", args=[past_meeting.pk])
    response = coordinator_client.post(url, {"present": [pair[0].pk]})
    assert response.status_code == 302
    assert list(past_meeting.present.all()) == [pair[0]]
    rates = coordinator_client.get(reverse("referents:attendance", args=[territory.slug]))
    soyaux = next(row for row in rates.context["rows"] if row["commune"] == pair[0].commune)
    assert soyaux["rate"] == 100


def test_attendance_of_a_future_meeting_is_refused(coordinator_client, next_meeting, pair):
    url = reverse("referents:meeting_attendance", args=[next_meeting.pk])
    response = coordinator_client.post(url, {"present": [pair[0].pk]})
    assert response.status_code == 200 and not next_meeting.present.exists()


def test_next_meeting_lists_roadmap_actions_without_failing(referent_client, next_meeting):
    response = referent_client.get(next_meeting.get_absolute_url())
    assert response.status_code == 200 and response.context["is_next"]


def test_calendar_feed_is_valid_icalendar(client, territory, past_meeting, next_meeting):
    feed = calendar_feed(territory=territory)
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {past_meeting.title, next_meeting.title}
    event = events[next_meeting.title]
    assert event.decoded("dtstart") == next_meeting.starts_at.replace(microsecond=0)
    assert str(event["uid"]).startswith(f"rendez-vous-{next_meeting.pk}@")
    assert calendar["version"] == "2.0" and "prodid" in calendar


def test_calendar_with_a_wrong_token_is_404(client, territory):
    feed = calendar_feed(territory=territory)
    url = reverse("referents:calendar", args=[territory.slug, "x" * 43])
    assert client.get(url).status_code == 404
    other = reverse("referents:calendar", args=["grand-bergeracois", feed.token])
    assert client.get(other).status_code == 404


def test_renewing_the_calendar_revokes_the_old_address(coordinator_client, client, territory):
    old = calendar_feed(territory=territory).get_absolute_url()
    assert (
        coordinator_client.post(
            reverse("referents:calendar_renew", args=[territory.slug])
        ).status_code
        == 302
    )
    coordinator_client.logout()
    assert client.get(old).status_code == 404
    assert client.get(CalendarFeed.objects.get().get_absolute_url()).status_code == 200


def test_calendar_renew_rejects_get(territory, coordinator_client):
    assert (
        coordinator_client.get(
            reverse("referents:calendar_renew", args=[territory.slug])
        ).status_code
        == 405
    )


def test_only_the_next_meeting_lists_the_actions_to_discuss(
    referent_client, territory, next_meeting
):
    from tests.factories import ActionFactory, AxisFactory, RoadmapFactory

    axis = AxisFactory(roadmap=RoadmapFactory(territory=territory))
    ActionFactory(axis=axis, title="Parrainage des jeunes", to_discuss=True)
    ActionFactory(axis=axis, title="Action tranquille", to_discuss=False)
    later = MeetingFactory(territory=territory, starts_at=timezone.now() + timedelta(days=40))
    content = referent_client.get(next_meeting.get_absolute_url()).content.decode()
    assert "Parrainage des jeunes" in content and "Action tranquille" not in content
    assert "Parrainage des jeunes" not in referent_client.get(later.get_absolute_url()).text
