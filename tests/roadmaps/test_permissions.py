"""What each persona finds on the roadmap pages (who may reach them:
tests/security/test_access_matrix.py)."""

from django.urls import reverse

from roadmaps.models import Action

SLUG = "grand-angouleme"


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
