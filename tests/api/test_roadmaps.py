"""The published roadmaps in the API (/api/v1/feuilles-de-route/…): public fields only, the
budget only when public, and nothing once the roadmap is withdrawn."""

from decimal import Decimal

import pytest
from django.urls import reverse

from roadmaps.models import Roadmap
from roadmaps.services import publication
from tests.factories import ActionFactory, AxisFactory, PartnerFactory, RoadmapFactory, StepFactory


@pytest.fixture
def published(territory, coordinator):
    roadmap = RoadmapFactory(
        territory=territory,
        status=Roadmap.Status.VALIDATED,
        stakes="Le recrutement est devenu le principal problème.",
    )
    axis = AxisFactory(roadmap=roadmap, number=1, title="Recruter")
    pilot = PartnerFactory(territory=territory, name="France Travail Angoulême", slug="ft-ang")
    action = ActionFactory(
        axis=axis,
        number=1,
        title="Micro-forums",
        pilot_partner=pilot,
        pilot_name="Jeanne Pilote",
        coordinator=coordinator,
        budget=Decimal("12000"),
        funders="Département",
        to_discuss=True,
    )
    action.communes.set(territory.communes.filter(insee_code="16374"))
    StepFactory(action=action, done=True)
    StepFactory(action=action, done=False)
    publication.publish(roadmap=roadmap, budget_public=False, by=coordinator)
    return roadmap


def actions_url(territory):
    return reverse("api:feuille_de_route_actions", args=[territory.slug])


def test_published_roadmaps_and_their_actions(client, checked, published, territory):
    body = checked(client.get(reverse("api:feuilles_de_route"))).json()
    (record,) = body["results"]
    assert record["territoire"] == territory.slug and record["statut"] == "validee"
    assert record["enjeux"] == "Le recrutement est devenu le principal problème."
    assert record["axes"] == [{"numero": 1, "intitule": "Recruter", "objectifs": None}]
    assert record["url_actions"].endswith(actions_url(territory))

    body = checked(client.get(actions_url(territory))).json()
    (action,) = body["results"]
    assert (action["code"], action["titre"], action["avancement"]) == ("1.1", "Micro-forums", 50)
    assert action["pilote"] == "France Travail Angoulême"
    assert action["communes"] == ["16374"]
    assert action["budget"] is None and action["financeurs"] is None
    text = str(body)
    for private in ("Jeanne Pilote", "coordinat", "a_discuter", "to_discuss", "12000", "12 000"):
        assert private not in text


def test_the_budget_when_the_coordination_made_it_public(client, checked, published, territory):
    Roadmap.objects.filter(pk=published.pk).update(budget_public=True)
    (action,) = checked(client.get(actions_url(territory))).json()["results"]
    assert action["budget"] == "12000" and action["financeurs"] == "Département"


def test_a_withdrawn_roadmap_leaves_the_api_at_once(
    client, checked, published, territory, coordinator
):
    listing = client.get(reverse("api:feuilles_de_route"))
    etag = listing["ETag"]
    publication.unpublish(roadmap=published, by=coordinator)
    again = checked(client.get(reverse("api:feuilles_de_route"), HTTP_IF_NONE_MATCH=etag))
    assert again.status_code == 200 and again.json()["results"] == []
    response = checked(client.get(actions_url(territory)))
    assert response.status_code == 404
    assert "Aucune feuille de route publiée" in response.json()["detail"]
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert reverse("roadmaps:detail", args=[territory.slug]) not in sitemap


def test_a_draft_is_never_listed(client, territory):
    RoadmapFactory(territory=territory, status=Roadmap.Status.DRAFT, is_published=True)
    assert client.get(reverse("api:feuilles_de_route")).json()["results"] == []
    assert client.get(actions_url(territory)).status_code == 404


@pytest.mark.parametrize("size", [1, 8])
def test_actions_in_constant_queries(client, published, territory, size, django_assert_num_queries):
    axis = published.axes.get()
    for _ in range(size):
        action = ActionFactory(axis=axis)
        action.communes.set(territory.communes.all())
        StepFactory(action=action)
    # 1 content version (ETag), 2 the roadmap, 3 the page's rows, 4 their public fields,
    # 5 step counts, 6 communes
    with django_assert_num_queries(6):
        assert client.get(actions_url(territory)).status_code == 200
    # 1 content version, 2 the roadmaps, 3 their axes
    with django_assert_num_queries(3):
        assert client.get(reverse("api:feuilles_de_route")).status_code == 200
