"""A double click on a creation form of the network creates once (portal/submissions.py)."""

from django.urls import reverse

from referents.models import Meeting, OutlineSection, Referent
from referents.services import install_default_outline
from tests.referents.test_meetings import meeting_data
from tests.referents.test_referents import referent_data


def assert_created_once(client, first, second):
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    page = client.get(second["Location"], follow=True).text
    assert "Ce formulaire avait déjà été envoyé" in page


def test_double_submit_of_a_meeting_creates_one(coordinator_client, territory, submit_twice):
    url = reverse("referents:meeting_create", args=[territory.slug])
    first, second = submit_twice(coordinator_client, url, url, meeting_data())
    assert_created_once(coordinator_client, first, second)
    assert Meeting.objects.count() == 1


def test_double_submit_of_a_referent_creates_one(
    territory, coordinator_client, soyaux, submit_twice
):
    url = reverse("referents:create", args=[territory.slug])
    first, second = submit_twice(coordinator_client, url, url, referent_data(soyaux))
    assert_created_once(coordinator_client, first, second)
    assert Referent.objects.count() == 1


def test_double_submit_of_an_outline_section_creates_one(
    coordinator_client, territory, submit_twice
):
    install_default_outline(territory=territory)
    count = OutlineSection.objects.count()
    url = reverse("referents:section_create", args=[territory.slug])
    data = {
        "section-title": "Mobilité",
        "section-position": 9,
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    first, second = submit_twice(coordinator_client, url, url, data)
    assert_created_once(coordinator_client, first, second)
    assert OutlineSection.objects.count() == count + 1
