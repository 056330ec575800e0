"""A double click on a creation form creates once (portal/submissions.py); a step is marked done
or to do explicitly, so a double click cannot undo it."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from roadmaps.models import (
    Action,
    Axis,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Roadmap,
    RoadmapVersion,
    Step,
)
from tests.factories import StepFactory
from tests.roadmaps.test_editing import action_data

SLUG = "grand-angouleme"


def assert_created_once(client, model, first, second, count=1):
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]  # the second is sent to the first's result
    assert model.objects.count() == count
    page = client.get(second["Location"], follow=True).text
    assert "Ce formulaire avait déjà été envoyé" in page


def test_double_submit_of_a_progress_update_records_one(coordinator_client, action, submit_twice):
    first, second = submit_twice(
        coordinator_client,
        action.get_absolute_url(),
        reverse("roadmaps:progress_create", args=[SLUG, action.pk]),
        {"date": "2024-02-01", "note": "Salle réservée", "status": "", "progress": "40"},
    )
    assert_created_once(coordinator_client, ProgressUpdate, first, second)


def test_double_submit_of_a_step_indicator_or_value_creates_one(
    coordinator_client, action, submit_twice
):
    page = action.get_absolute_url()
    args = [SLUG, action.pk]
    first, second = submit_twice(
        coordinator_client,
        page,
        reverse("roadmaps:step_create", args=args),
        {"title": "Réserver la salle", "due_date": ""},
    )
    assert_created_once(coordinator_client, Step, first, second)
    first, second = submit_twice(
        coordinator_client,
        page,
        reverse("roadmaps:indicator_create", args=args),
        {"label": "Participants", "unit": "", "baseline": "0", "target": "10"},
    )
    assert_created_once(coordinator_client, Indicator, first, second)
    indicator = Indicator.objects.get()
    first, second = submit_twice(
        coordinator_client,
        page,
        reverse("roadmaps:indicator_value_create", args=[*args, indicator.pk]),
        {"date": "2024-03-01", "value": "5"},
    )
    assert_created_once(coordinator_client, IndicatorValue, first, second)


def test_double_submit_of_a_new_action_or_axis_creates_one(
    coordinator_client, action, axes, submit_twice
):
    url = reverse("roadmaps:action_create", args=[SLUG, 1])
    data = action_data(action, title="Guide du référent", progress=0)
    del data["version"]
    first, second = submit_twice(coordinator_client, url, url, data)
    assert_created_once(coordinator_client, Action, first, second, count=2)
    url = reverse("roadmaps:axis_create", args=[SLUG])
    first, second = submit_twice(coordinator_client, url, url, {"title": "Mobilité"})
    assert_created_once(coordinator_client, Axis, first, second, count=3)


def test_double_submit_of_a_validation_freezes_one_version(
    coordinator_client, roadmap, submit_twice
):
    url = reverse("roadmaps:validate", args=[SLUG])
    data = {"name": "Comité de mars", "validated_on": "2024-03-01", "validated_by": ""}
    first, second = submit_twice(coordinator_client, url, url, data)
    assert_created_once(coordinator_client, RoadmapVersion, first, second)


def test_double_submit_of_a_new_roadmap_creates_one(coordinator_client, territory, submit_twice):
    url = reverse("roadmaps:update", args=[SLUG])
    data = {"title": "Feuille de route 2024", "axis_label": "axe", "status": "brouillon"}
    first, second = submit_twice(coordinator_client, url, url, data)
    assert first.status_code == second.status_code == 302
    assert Roadmap.objects.count() == 1


def test_each_display_of_a_form_gets_its_own_token(coordinator_client, action):
    from tests.conftest import submission_token

    url = action.get_absolute_url()
    post_url = reverse("roadmaps:step_create", args=[SLUG, action.pk])
    for title in ("Première", "Seconde"):
        token = submission_token(coordinator_client.get(url).text)
        coordinator_client.post(post_url, {"title": title, "due_date": "", "submission": token})
    assert list(Step.objects.values_list("title", flat=True)) == ["Première", "Seconde"]


def test_refused_input_does_not_use_up_the_token(coordinator_client, action):
    from tests.conftest import submission_token

    url = reverse("roadmaps:progress_create", args=[SLUG, action.pk])
    token = submission_token(coordinator_client.get(url).text)
    bad = {"date": "2024-02-01", "note": "", "status": "", "progress": "", "submission": token}
    assert coordinator_client.post(url, bad).status_code == 400
    response = coordinator_client.post(url, bad | {"note": "Corrigé"})
    assert response.status_code == 302 and ProgressUpdate.objects.get().note == "Corrigé"


# --- Steps: « marquer faite » / « marquer à faire » carry the state wanted ------------------


@pytest.mark.parametrize("done", [True, False])
def test_double_click_on_mark_done_leaves_the_step_done(coordinator_client, action, done):
    step = StepFactory(action=action, done=not done, due_date=None)
    url = reverse("roadmaps:step_mark", args=[SLUG, action.pk, step.pk])
    for _click in range(2):
        response = coordinator_client.post(url, {"done": "1" if done else "0"})
        assert response.status_code == 302
    step.refresh_from_db()
    assert step.done is done
    assert step.history.count() == 2  # created, then one change: the second click changed nothing


def test_step_form_on_the_action_page_posts_the_state_wanted(coordinator_client, action):
    StepFactory(action=action, done=False, due_date=None)
    page = coordinator_client.get(action.get_absolute_url()).text
    # \s+: the template formatter (djlint) may put each attribute on its own line
    assert re.search(r'name="done"\s+value="1"', page) and "Marquer faite" in page


def test_step_state_missing_or_invalid_is_refused(coordinator_client, action):
    step = StepFactory(action=action, done=False, due_date=None)
    url = reverse("roadmaps:step_mark", args=[SLUG, action.pk, step.pk])
    for data in ({}, {"done": "peut-être"}):
        assert coordinator_client.post(url, data).status_code == 400
    step.refresh_from_db()
    assert not step.done


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_display_create_one(action, coordinator):
    """A real double click: both POSTs in flight at once. The second one's claim of the token
    waits for the first to commit, then finds it (needs a database that two connections share:
    PostgreSQL; the in-memory SQLite test database is per connection)."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections to the in-memory SQLite test database see two databases")
    url = reverse("roadmaps:progress_create", args=[SLUG, action.pk])
    data = {"date": "2024-02-01", "note": "Point", "status": "", "progress": "40"}
    data["submission"] = "double-clic-simultane-0123456789"
    barrier = threading.Barrier(2)
    answers = []

    def click():
        try:
            client = Client()
            client.force_login(coordinator)
            barrier.wait(timeout=10)
            answers.append(client.post(url, data))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _click in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert ProgressUpdate.objects.count() == 1
