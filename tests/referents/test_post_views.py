"""POST-only coordinator actions: login redirect, 403 read-only, 404 other territory, 405 on GET."""

import pytest
from django.urls import reverse

from referents.models import CalendarFeed, OutlineSection
from referents.services import calendar_feed, install_default_outline

GA = "?territoire=grand-angouleme"


@pytest.mark.parametrize(
    "persona,status",
    [
        ("visitor", 302),
        ("referent", 403),
        ("other_coordinator", 404),
        ("member_without_territory", 404),
        ("coordinator", 302),
    ],
)
def test_calendar_renew(as_persona, territory, persona, status):
    token = calendar_feed(territory=territory).token
    response = as_persona(persona).post(reverse("referents:calendar_renew") + GA)
    assert response.status_code == status
    assert (CalendarFeed.objects.get().token == token) == (persona != "coordinator")


@pytest.mark.parametrize(
    "persona,status",
    [
        ("visitor", 302),
        ("referent", 403),
        ("other_coordinator", 404),
        ("member_without_territory", 404),
        ("coordinator", 302),
    ],
)
def test_outline_install(as_persona, territory, persona, status):
    response = as_persona(persona).post(reverse("referents:outline_install") + GA)
    assert response.status_code == status
    assert OutlineSection.objects.exists() == (persona == "coordinator")


@pytest.mark.parametrize("persona", ["visitor", "referent", "member_without_territory"])
def test_section_delete_refused(as_persona, territory, persona):
    install_default_outline(territory=territory)
    section = OutlineSection.objects.first()
    response = as_persona(persona).post(reverse("referents:section_delete", args=[section.pk]))
    expected = {"visitor": 302, "referent": 403, "member_without_territory": 404}
    assert response.status_code == expected[persona]
    assert OutlineSection.objects.filter(pk=section.pk).exists()
