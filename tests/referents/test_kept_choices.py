"""The rendez-vous, attendance and référent forms keep what a record already has, even when a
new record would not be offered it (portal.forms.KeepCurrentChoicesMixin); an untouched save
changes nothing."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Commune
from referents.models import Meeting, Referent
from tests.factories import MeetingFactory, ReferentFactory, UserFactory
from tests.referents.conftest import make_partner
from tests.submission import unchanged_submission


@pytest.fixture
def old_meeting(territory, pair, other_territory):
    """Two months ago, at a partner that has since stopped serving the territory; one of the
    invited référents' mandate has ended since."""
    starts = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    meeting = MeetingFactory(
        territory=territory,
        starts_at=starts - timedelta(days=60),
        host=make_partner(other_territory, "mission-locale", "Mission locale voisine"),
    )
    meeting.invited.set(pair)
    Referent.objects.filter(pk=pair[0].pk).update(
        mandate_end=timezone.localdate() - timedelta(days=10)
    )
    return meeting


def snapshot(meeting):
    meeting = Meeting.objects.get(pk=meeting.pk)
    return (
        Meeting.objects.filter(pk=meeting.pk).values().get(),
        sorted(meeting.invited.values_list("pk", flat=True)),
        sorted(meeting.present.values_list("pk", flat=True)),
    )


def test_writing_the_minutes_keeps_ended_mandates_and_the_host(
    coordinator_client, old_meeting, pair
):
    url = reverse("referents:meeting_update", args=[old_meeting.pk])
    page = coordinator_client.get(url)
    assert f"{pair[0]} ({pair[0].commune}) (mandat terminé)" in page.content.decode()
    assert "Mission locale voisine (ne sert plus le territoire)" in page.content.decode()
    data = unchanged_submission(page)
    data["minutes"] = ["Huit communes représentées."]

    assert coordinator_client.post(url, data).status_code == 302

    old_meeting.refresh_from_db()
    assert old_meeting.minutes == "Huit communes représentées."
    assert old_meeting.host.name == "Mission locale voisine"
    assert set(old_meeting.invited.all()) == set(pair)


def test_an_untouched_meeting_save_changes_nothing(coordinator_client, old_meeting):
    url = reverse("referents:meeting_update", args=[old_meeting.pk])
    before = snapshot(old_meeting)

    response = coordinator_client.post(url, unchanged_submission(coordinator_client.get(url)))

    assert response.status_code == 302
    assert snapshot(old_meeting) == before  # "mis à jour le" included


def test_attendance_keeps_a_referent_whose_commune_left_the_territory(
    coordinator_client, old_meeting, pair, other_territory
):
    moved = ReferentFactory(commune=Commune.objects.get(insee_code="24037"))
    old_meeting.present.set([pair[1], moved])
    url = reverse("referents:meeting_attendance", args=[old_meeting.pk])
    page = coordinator_client.get(url)
    assert "(n&#x27;est plus du territoire)" in page.content.decode()
    before = snapshot(old_meeting)
    data = unchanged_submission(page)

    assert coordinator_client.post(url, data).status_code == 302
    assert snapshot(old_meeting) == before

    data["present"].append(str(pair[0].pk))
    coordinator_client.post(url, data)
    assert set(old_meeting.present.all()) == {pair[0], pair[1], moved}


def test_referent_form_keeps_an_account_that_left_the_territory(coordinator_client, pair):
    referent = pair[0]
    referent.email = "referente@soyaux.example.org"
    referent.user = UserFactory(username="ancien.membre", first_name="Anne", last_name="Ancienne")
    referent.save()
    url = reverse("referents:update", args=[referent.pk])
    page = coordinator_client.get(url)
    assert "Anne Ancienne (n&#x27;est plus membre du territoire)" in page.content.decode()
    before = Referent.objects.filter(pk=referent.pk).values().get()

    response = coordinator_client.post(url, unchanged_submission(page))
    assert response.status_code == 302, response.context["form"].errors
    assert Referent.objects.filter(pk=referent.pk).values().get() == before

    data = unchanged_submission(page)
    data["phone"] = ["05 45 00 00 00"]
    assert coordinator_client.post(url, data).status_code == 302
    referent.refresh_from_db()
    assert (referent.phone, referent.user.username) == ("05 45 00 00 00", "ancien.membre")
    assert referent.mandate_start == date(2020, 7, 1)


def test_kept_choices_cost_no_query_per_row(coordinator_client, old_meeting, other_territory):
    """The form page costs as many queries with one former référent invited as with ten."""
    url = reverse("referents:meeting_update", args=[old_meeting.pk])
    bergerac = Commune.objects.get(insee_code="24037")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(url).status_code == 200
        return len(queries)

    old_meeting.invited.add(ReferentFactory(commune=bergerac))
    one = count()
    old_meeting.invited.add(*(ReferentFactory(commune=bergerac) for _ in range(9)))
    assert count() == one
