"""Every view × every persona: visitors sign in, other territories get 404, référents read only."""

import pytest
from django.urls import reverse

from roadmaps.models import Action, Axis, Roadmap
from tests.factories import IndicatorFactory, StepFactory

SLUG = "grand-angouleme"

# name, kwargs builder (from the action), methods
READ_VIEWS = [
    ("roadmaps:detail", lambda a: {"slug": SLUG}),
    ("roadmaps:versions", lambda a: {"slug": SLUG}),
    ("roadmaps:dashboard", lambda a: {"slug": SLUG}),
    ("roadmaps:export_csv", lambda a: {"slug": SLUG}),
    ("roadmaps:export_xlsx", lambda a: {"slug": SLUG}),
    ("roadmaps:action", lambda a: {"slug": SLUG, "pk": a.pk}),
]

FORM_VIEWS = [
    ("roadmaps:update", lambda a: {"slug": SLUG}),
    ("roadmaps:validate", lambda a: {"slug": SLUG}),
    ("roadmaps:axis_create", lambda a: {"slug": SLUG}),
    ("roadmaps:axis_update", lambda a: {"slug": SLUG, "number": 1}),
    ("roadmaps:action_create", lambda a: {"slug": SLUG, "number": 1}),
    ("roadmaps:action_update", lambda a: {"slug": SLUG, "pk": a.pk}),
    ("roadmaps:step_create", lambda a: {"slug": SLUG, "pk": a.pk}),
    ("roadmaps:progress_create", lambda a: {"slug": SLUG, "pk": a.pk}),
    ("roadmaps:indicator_create", lambda a: {"slug": SLUG, "pk": a.pk}),
    (
        "roadmaps:indicator_value_create",
        lambda a: {"slug": SLUG, "pk": a.pk, "indicator_pk": a.indicators.get().pk},
    ),
]

POST_ONLY_VIEWS = [
    ("roadmaps:axis_move", lambda a: {"slug": SLUG, "number": 1, "direction": "descendre"}),
    ("roadmaps:action_move", lambda a: {"slug": SLUG, "pk": a.pk, "direction": "descendre"}),
    ("roadmaps:action_move_axis", lambda a: {"slug": SLUG, "pk": a.pk}),
    (
        "roadmaps:step_mark",
        lambda a: {"slug": SLUG, "pk": a.pk, "step_pk": a.steps.get().pk},
    ),
]

READ_EXPECTED = {
    "referent": 200,
    "coordinator": 200,
    "other_coordinator": 404,
    "member_without_territory": 404,  # a named territory they may not see: 404, as for others
    "staff": 200,
}
WRITE_EXPECTED = {"referent": 403, "other_coordinator": 404, "member_without_territory": 404}


@pytest.fixture
def full_action(
    actions,
    referent,
    coordinator,
    other_coordinator,
    member_without_territory,
    staff,
    other_roadmap,
):
    action = actions[0]
    StepFactory(action=action, due_date=None)
    IndicatorFactory(action=action)
    return action


def snapshot_state():
    return (
        list(Roadmap.objects.values_list("pk", "title", "status")),
        list(Axis.objects.values_list("pk", "number", "title")),
        list(Action.objects.values_list("pk", "axis_id", "number", "title", "version")),
    )


def test_visitor_is_sent_to_login_everywhere(client, full_action):
    before = snapshot_state()
    for name, kwargs in (
        [("roadmaps:list", lambda a: {})] + READ_VIEWS + FORM_VIEWS + POST_ONLY_VIEWS
    ):
        url = reverse(name, kwargs=kwargs(full_action))
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login"))
        assert client.post(url, {"title": "x"}).status_code == 302, name
    assert snapshot_state() == before


@pytest.mark.parametrize("name,kwargs", READ_VIEWS)
def test_read_views(as_persona, full_action, name, kwargs):
    url = reverse(name, kwargs=kwargs(full_action))
    for persona, expected in READ_EXPECTED.items():
        assert as_persona(persona).get(url).status_code == expected, persona


@pytest.mark.parametrize("name,kwargs", FORM_VIEWS)
def test_write_forms(as_persona, full_action, name, kwargs):
    """Coordinators and staff get the form; référents 403, other territories 404, nothing saved."""
    url = reverse(name, kwargs=kwargs(full_action))
    for persona in ["coordinator", "staff"]:
        response = as_persona(persona).get(url)
        assert response.status_code == 200, persona
        assert b"<form" in response.content
    before = snapshot_state()
    for persona, expected in WRITE_EXPECTED.items():
        client = as_persona(persona)
        assert client.get(url).status_code == expected, persona
        data = {"title": "Piraté", "axis": full_action.axis_id, "note": "x", "name": "v"}
        assert client.post(url, data).status_code == expected, persona
    assert snapshot_state() == before


@pytest.mark.parametrize("name,kwargs", POST_ONLY_VIEWS)
def test_state_changes(as_persona, full_action, name, kwargs):
    """POST only; référents 403 and other territories 404 change nothing; editors redirect."""
    url = reverse(name, kwargs=kwargs(full_action))
    before = snapshot_state()
    assert as_persona("coordinator").get(url).status_code == 405
    for persona, expected in WRITE_EXPECTED.items():
        assert as_persona(persona).post(url, {"axis": full_action.axis_id}).status_code == expected
    assert snapshot_state() == before
    last_axis = full_action.axis.roadmap.axes.last().pk
    for persona in ["coordinator", "staff"]:
        data = {"axis": last_axis, "done": "1"}  # `done`: the state a step is marked with
        assert as_persona(persona).post(url, data).status_code == 302, persona


def test_list_shows_only_the_users_territories(other_coordinator_client, roadmap, other_roadmap):
    response = other_coordinator_client.get(reverse("roadmaps:list"))
    assert response.status_code == 200
    assert "CADET" in response.text
    assert "Grand Angoulême" not in response.text


def test_list_for_staff_shows_every_territory(staff_client, roadmap, other_roadmap):
    response = staff_client.get(reverse("roadmaps:list"))
    assert "Grand Angoulême" in response.text and "Grand Bergeracois" in response.text


def test_action_of_another_territory_is_404_even_under_own_slug(
    coordinator_client, roadmap, other_roadmap
):
    other_action = Action.objects.get(axis__roadmap=other_roadmap)
    url = reverse("roadmaps:action", kwargs={"slug": SLUG, "pk": other_action.pk})
    assert coordinator_client.get(url).status_code == 404


def test_referent_sees_no_edit_buttons(referent_client, actions):
    response = referent_client.get(reverse("roadmaps:detail", args=[SLUG]))
    assert "Ajouter une action" not in response.text
    response = referent_client.get(actions[0].get_absolute_url())
    assert "Modifier l'action" not in response.text
    assert "Ajouter un point d'étape" not in response.text


def test_coordinator_sees_edit_buttons(coordinator_client, actions):
    response = coordinator_client.get(reverse("roadmaps:detail", args=[SLUG]))
    assert "Ajouter une action" in response.text


def test_territory_without_roadmap_offers_creation_to_coordinators_only(as_persona, territory):
    url = reverse("roadmaps:detail", args=[SLUG])
    response = as_persona("coordinator").get(url)
    assert response.status_code == 200
    assert "Créer la feuille de route" in response.text
    response = as_persona("referent").get(url)
    assert response.status_code == 200
    assert "Créer la feuille de route" not in response.text
    assert as_persona("referent").get(reverse("roadmaps:dashboard", args=[SLUG])).status_code == 404
