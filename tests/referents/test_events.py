"""Events open to the public: the list, an event's page, the iCalendar feeds, registrations
(places, waiting list, e-mail through a real SMTP server, the signed cancel link), the
coordinators' list and exports, and the purge 30 days after the event."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from referents import registrations
from referents.models import Meeting, Registration
from tests.factories import (
    MeetingFactory,
    PublicEventFactory,
    ReferentFactory,
    RegistrationFactory,
)
from tests.smtp import attachment, subject, text_body

pytestmark = pytest.mark.django_db


def register_data(**overrides):
    data = {"name": "Camille Martin", "email": "camille@example.org", "phone": "", "consent": "on"}
    data.update(overrides)
    return data


@pytest.fixture
def event(territory):
    return PublicEventFactory(territory=territory, capacity=2, waiting_list=True)


# --- The list ---------------------------------------------------------------------------------


def test_visitor_sees_upcoming_public_events_of_all_territories(client, territory, other_territory):
    PublicEventFactory(territory=territory, title="Job dating Angoulême")
    PublicEventFactory(territory=other_territory, title="Micro-forum Bergerac")
    MeetingFactory(territory=territory, title="Réunion interne")
    PublicEventFactory(
        territory=territory, title="Forum passé", starts_at=timezone.now() - timedelta(days=2)
    )
    page = client.get(reverse("events:list")).text
    assert "Job dating Angoulême" in page and "Micro-forum Bergerac" in page
    assert "Réunion interne" not in page and "Forum passé" not in page
    assert "2 événements à venir" in page


def test_filters_territory_commune_type_audience(client, territory, other_territory, communes):
    PublicEventFactory(
        territory=territory,
        title="Forum Soyaux",
        commune=communes[1],
        kind=Meeting.Kind.JOB_DATING,
        audience=Meeting.Audience.YOUNG,
    )
    PublicEventFactory(territory=other_territory, title="Forum Bergerac")
    url = reverse("events:list")
    assert "Forum Bergerac" not in client.get(url, {"territoire": territory.slug}).text
    assert "Forum Soyaux" in client.get(url, {"commune": "16374"}).text
    assert "Forum Bergerac" not in client.get(url, {"commune": "16374"}).text
    by_type = client.get(url, {"type": "job-dating"}).text
    assert "Forum Soyaux" in by_type and "Forum Bergerac" not in by_type
    by_audience = client.get(url, {"public": "employeurs"}).text
    assert "Forum Soyaux" not in by_audience and "Aucun événement" in by_audience
    # an unknown value is ignored, never an error
    assert client.get(url, {"territoire": "nulle-part", "type": "x"}).status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_count(client, territory, communes, count, django_assert_num_queries):
    PublicEventFactory.create_batch(count, territory=territory, commune=communes[0])
    url = reverse("events:list")
    # 1 the next moment an event is over, 2 the content version; on a miss 3 territories,
    # 4 communes of the filter, 5 count, 6 events with their place
    with django_assert_num_queries(6):
        response = client.get(url, {"type": "micro-forum"})
    assert response.status_code == 200 and response.wsgi_request.page_cache == "miss"
    with django_assert_num_queries(2):
        response = client.get(url, {"type": "micro-forum"})
    assert response.status_code == 200 and response.wsgi_request.page_cache == "hit"


def test_list_is_cached_per_filter_and_stale_when_an_event_changes(
    client, coordinator, territory, other_territory
):
    angouleme = PublicEventFactory(territory=territory, title="Forum Angoulême")
    PublicEventFactory(territory=other_territory, title="Forum Bergerac")
    url = reverse("events:list")
    assert "Forum Bergerac" in client.get(url).text
    only_a = client.get(url, {"territoire": territory.slug})
    assert only_a.wsgi_request.page_cache == "miss" and "Forum Bergerac" not in only_a.text
    assert client.get(url).wsgi_request.page_cache == "hit"
    # another parameter is redirected away rather than making a new copy
    response = client.get(url, {"territoire": territory.slug, "utm_source": "lettre"})
    assert (
        response.status_code == 302 and response["Location"] == f"{url}?territoire={territory.slug}"
    )
    # the coordinator's form saves the meeting: its signals stale the list
    angouleme.title = "Forum de printemps"
    angouleme.save()
    response = client.get(url)
    assert response.wsgi_request.page_cache == "miss"
    assert "Forum de printemps" in response.text and "Forum Angoulême" not in response.text
    # a member is served their own copy, the same content
    member = Client()
    member.force_login(coordinator)
    response = member.get(url)
    assert response.wsgi_request.page_cache == "miss" and "Forum de printemps" in response.text


def test_an_event_over_leaves_the_cached_list_without_any_write(client, territory, monkeypatch):
    now = timezone.now()
    PublicEventFactory(
        territory=territory,
        title="Forum du matin",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    PublicEventFactory(territory=territory, title="Forum de la semaine prochaine")
    url = reverse("events:list")
    assert "Forum du matin" in client.get(url).text
    assert client.get(url).wsgi_request.page_cache == "hit"
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    response = client.get(url)
    assert response.wsgi_request.page_cache == "miss"
    assert "Forum du matin" not in response.text
    assert "Forum de la semaine prochaine" in response.text
    assert "1 événement à venir" in response.text
    assert client.get(url).wsgi_request.page_cache == "hit"


def test_a_registration_changes_nothing_the_list_shows(client, event, settings):
    """Registrations stale no page (portal/scopes.py IGNORED_MODELS): the list shows none."""
    url = reverse("events:list")
    client.get(url)
    RegistrationFactory(meeting=event)
    served = client.get(url)
    assert served.wsgi_request.page_cache == "hit"
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(url).text == served.text


def test_list_is_paginated(client, territory):
    PublicEventFactory.create_batch(21, territory=territory)
    assert "Page 1 sur 2" in client.get(reverse("events:list")).text
    assert client.get(reverse("events:list"), {"page": 2}).text.count('<li class="card') == 1


# --- An event's page --------------------------------------------------------------------------


def test_event_page_shows_public_fields_never_internal_ones(client, territory, communes):
    meeting = PublicEventFactory(
        territory=territory,
        agenda="Point budget confidentiel",
        minutes="Compte rendu interne",
        place="Salle des fêtes",
        starts_at=timezone.make_aware(timezone.datetime(2030, 3, 14, 9, 30)),
    )
    invited = ReferentFactory(commune=communes[0], last_name="Invitée")
    meeting.invited.add(invited)
    registered = RegistrationFactory(meeting=meeting, name="Dominique Inscrite")
    page = client.get(meeting.get_public_url()).text
    for internal in ("Compte rendu interne", invited.last_name, registered.name, registered.email):
        assert internal not in page
    assert "Salle des fêtes" in page and "Venez avec votre CV." in page
    assert "demandeurs d&#x27;emploi" in page.lower() or "demandeurs d'emploi" in page.lower()
    assert "jeudi 14 mars 2030, 09h30" in page
    assert "Point budget confidentiel" not in page


def test_non_public_or_purged_event_is_404(client, territory):
    private = MeetingFactory(territory=territory)
    old = PublicEventFactory(territory=territory, starts_at=timezone.now() - timedelta(days=40))
    assert client.get(reverse("events:detail", args=[private.pk, private.slug])).status_code == 404
    assert client.get(old.get_public_url()).status_code == 404
    assert client.get(reverse("events:ics", args=[private.pk, "x"])).status_code == 404


def test_wrong_slug_redirects(client, event):
    response = client.get(reverse("events:detail", args=[event.pk, "autre"]))
    assert response.status_code == 301 and response["Location"] == event.get_public_url()


def test_event_page_query_count(client, event, django_assert_num_queries):
    # 1 event with its place and number of registrations
    with django_assert_num_queries(1):
        client.get(event.get_public_url())


def test_ics_and_feeds_validate(client, territory, other_territory):
    ours = PublicEventFactory(territory=territory, agenda="Interne")
    theirs = PublicEventFactory(territory=other_territory)
    MeetingFactory(territory=territory, title="Réunion interne")
    single = Calendar.from_ical(
        client.get(reverse("events:ics", args=[ours.pk, ours.slug])).content
    )
    [vevent] = single.walk("VEVENT")
    assert str(vevent["summary"]) == ours.title and "Interne" not in str(vevent.get("description"))
    feed = Calendar.from_ical(client.get(reverse("events:feed", args=[territory.slug])).content)
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == [ours.title]
    every = Calendar.from_ical(client.get(reverse("events:feed_all")).content)
    assert {str(e["summary"]) for e in every.walk("VEVENT")} == {ours.title, theirs.title}
    assert client.get(reverse("events:feed", args=["inconnu"])).status_code == 404


# --- Registration -----------------------------------------------------------------------------


def test_registration_sends_email_with_ics_and_cancel_link(client, event, smtp_server):
    response = client.post(event.get_public_url(), register_data())
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    [message] = smtp_server.wait(1)
    assert message["To"] == "camille@example.org"
    assert subject(message) == f"Inscription confirmée : {event.title}"
    ics = Calendar.from_ical(attachment(message, "text/calendar"))
    assert [str(e["summary"]) for e in ics.walk("VEVENT")] == [event.title]
    body = text_body(message)
    cancel_path = "/evenements/annulation/" + body.split("/evenements/annulation/")[1].split()[0]
    # GET only asks (mail software opens links); POST cancels; a replay changes nothing
    assert "Annuler mon inscription" in client.get(cancel_path).text
    assert Registration.objects.exists()
    assert "est annulée" in client.post(cancel_path, follow=True).text
    assert not Registration.objects.exists()
    replay = client.post(cancel_path)
    assert replay.status_code == 404 and "n'est plus valable" in replay.text


def test_full_event_puts_on_waiting_list_and_cancel_promotes(client, event, smtp_server):
    first = RegistrationFactory(meeting=event)
    RegistrationFactory(meeting=event)
    response = client.post(event.get_public_url(), register_data(), follow=True)
    assert "liste d&#x27;attente" in response.text or "liste d'attente" in response.text
    waiting = Registration.objects.get(email="camille@example.org")
    assert waiting.status == Registration.Status.WAITING
    smtp_server.wait(1)
    client.post(reverse("events:cancel", args=[registrations.cancel_token(first)]))
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    messages = smtp_server.wait(2)
    assert subject(messages[-1]) == f"Une place s'est libérée : {event.title}"


def test_full_event_without_waiting_list_refuses(client, event):
    event.waiting_list = False
    event.save()
    RegistrationFactory.create_batch(2, meeting=event)
    response = client.post(event.get_public_url(), register_data(), follow=True)
    assert "Complet" in response.text
    assert Registration.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"consent": ""}, "Cochez la case"),
        ({"email": "pas-un-courriel"}, "adresse de courriel valide"),
        ({"email": "", "phone": "12"}, "numéro de téléphone valide"),
        ({"email": "", "phone": ""}, "Indiquez un courriel ou un téléphone"),
        ({"name": "x" * 151}, "au plus 150 caractères"),
        ({"email": "a" * 250 + "@example.org"}, "254 caractères"),
        ({"site_web": "http://spam.example"}, "pas pu être envoyé"),
    ],
)
def test_bad_input_gets_french_message_and_writes_nothing(client, event, data, message):
    response = client.post(event.get_public_url(), register_data(**data))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Registration.objects.exists()


def test_signed_in_double_click_registers_once(referent_client, event, submit_twice):
    url = event.get_public_url()
    first, second = submit_twice(referent_client, url, url, register_data())
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == url
    assert Registration.objects.count() == 1


def test_phone_only_registration_is_stored_in_e164(client, event):
    client.post(event.get_public_url(), register_data(email="", phone="05 45 00 00 00"))
    assert Registration.objects.get().phone == "+33545000000"


def test_double_submit_registers_once(client, event, smtp_server):
    client.post(event.get_public_url(), register_data())
    second = client.post(
        event.get_public_url(), register_data(email="CAMILLE@example.org"), follow=True
    )
    assert "déjà inscrit" in second.text
    assert Registration.objects.count() == 1
    assert len(smtp_server.wait(1)) == 1


def test_registration_is_throttled_per_client(client, event, settings):
    settings.EVENT_REGISTRATION_LIMIT_PER_CLIENT = 2
    for n in range(2):
        client.post(event.get_public_url(), register_data(email=f"p{n}@example.org"))
    response = client.post(event.get_public_url(), register_data(email="p3@example.org"))
    assert response.status_code == 429 and "Trop d'inscriptions" in response.text.replace(
        "&#x27;", "'"
    )
    assert Registration.objects.count() == 2
    caches["throttle"].clear()


def test_event_without_registration_refuses_posts(client, territory):
    meeting = PublicEventFactory(territory=territory, registration_wanted=False)
    assert "M&#x27;inscrire" not in client.get(meeting.get_public_url()).text
    client.post(meeting.get_public_url(), register_data())
    assert not Registration.objects.exists()


def test_capacity_is_decided_in_order(event):
    """Sequentially, as two concurrent requests are once the event's row is locked."""
    results = [
        registrations.register(meeting_pk=event.pk, name=f"P{n}", email=f"p{n}@ex.org", phone="")
        for n in range(4)
    ]
    statuses = [registration.status for registration, _created in results]
    assert statuses == ["inscrit", "inscrit", "attente", "attente"]


def test_tampered_cancel_link_is_refused(client, event):
    registration = RegistrationFactory(meeting=event)
    token = registrations.cancel_token(registration)
    response = client.post(reverse("events:cancel", args=[token[:-2] + "xx"]))
    assert response.status_code == 404 and Registration.objects.exists()


# --- The coordination's side ------------------------------------------------------------------


def test_coordinator_sees_exports_and_marks_attendance(coordinator_client, territory):
    meeting = PublicEventFactory(territory=territory, starts_at=timezone.now() - timedelta(hours=1))
    came, missed = RegistrationFactory(meeting=meeting), RegistrationFactory(meeting=meeting)
    url = reverse("referents:meeting_registrations", args=[meeting.pk])
    assert came.name in coordinator_client.get(url).text
    coordinator_client.post(url, {"present": [came.pk]})
    came.refresh_from_db()
    missed.refresh_from_db()
    assert came.attended is True and missed.attended is False
    rows = list(
        csv.reader(
            io.StringIO(
                coordinator_client.get(
                    reverse("referents:meeting_registrations_export_csv", args=[meeting.pk])
                ).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert rows[0][0] == "Nom" and {row[0] for row in rows[1:]} == {came.name, missed.name}
    xlsx = coordinator_client.get(
        reverse("referents:meeting_registrations_export_xlsx", args=[meeting.pk])
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == came.name and sheet["F2"].value == "oui"


def test_referent_sees_counts_not_names(referent_client, event):
    registration = RegistrationFactory(meeting=event)
    page = referent_client.get(event.get_absolute_url()).text
    assert "1 inscrit·e" in page and registration.name not in page


def test_coordinator_makes_a_meeting_public(coordinator_client, territory):
    start = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT14:00")
    data = {
        "kind": "job-dating",
        "title": "Job dating",
        "starts_at": start,
        "place": "Salle",
        "is_public": "on",
        "audience": "",
        "registration_wanted": "on",
        "consent_text": "J'accepte.",
    }
    url = reverse("referents:meeting_create", args=[territory.slug])
    response = coordinator_client.post(url, data)
    assert "Dites pour qui" in response.text and not Meeting.objects.exists()
    coordinator_client.post(url, data | {"audience": "jeunes", "capacity": "30"})
    meeting = Meeting.objects.get()
    assert meeting.is_public and meeting.capacity == 30


# --- Purge ------------------------------------------------------------------------------------


def test_purge_deletes_registrations_30_days_after_the_event(territory):
    old = PublicEventFactory(territory=territory, starts_at=timezone.now() - timedelta(days=31))
    recent = PublicEventFactory(territory=territory, starts_at=timezone.now() - timedelta(days=5))
    RegistrationFactory.create_batch(2, meeting=old)
    kept = RegistrationFactory(meeting=recent)
    out = io.StringIO()
    call_command("purge_registrations", stdout=out)
    assert "2 inscriptions supprimées." in out.getvalue()
    assert list(Registration.objects.all()) == [kept]
    out = io.StringIO()
    call_command("purge_registrations", stdout=out)
    assert "0 inscription supprimée." in out.getvalue()


@pytest.mark.parametrize("count", [2, 20])
def test_registrations_pages_query_count(
    coordinator_client, territory, count, django_assert_num_queries
):
    meeting = PublicEventFactory(territory=territory)
    RegistrationFactory.create_batch(count, meeting=meeting)
    # 1 session, 2 user, 3 memberships with territories, 4 meeting with place, 5 registrations
    with django_assert_num_queries(5):
        response = coordinator_client.get(
            reverse("referents:meeting_registrations", args=[meeting.pk])
        )
    assert response.text.count("<tr>") == count + 1


@pytest.mark.parametrize("count", [2, 20])
def test_public_meeting_page_query_count(
    referent_client, territory, count, django_assert_num_queries
):
    meeting = PublicEventFactory(territory=territory)
    RegistrationFactory.create_batch(count, meeting=meeting)
    # 1 session, 2 user, 3 meeting with host, 4 memberships with territories, 5 next meeting,
    # 6 roadmap actions, 7 signals to examine, 8 invited, 9 present, 10 registration counts
    with django_assert_num_queries(10):
        referent_client.get(meeting.get_absolute_url())


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_take_the_last_place_once(territory):
    """On PostgreSQL the event's row is locked: of two registrations sent together for the last
    place, one gets it and the other goes on the waiting list."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on its own; the row lock is PostgreSQL's")
    meeting = PublicEventFactory(territory=territory, capacity=1, waiting_list=True)
    barrier = threading.Barrier(2)
    statuses = []

    def register(n):
        try:
            barrier.wait()
            registration, _created = registrations.register(
                meeting_pk=meeting.pk, name=f"P{n}", email=f"p{n}@ex.org", phone=""
            )
            statuses.append(registration.status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == ["attente", "inscrit"]
