"""The dashboard's map: the communes concerned by the roadmap's open actions."""

import pytest
from django.urls import reverse

from portal.models import CommuneOutline
from roadmaps.models import Action
from tests.factories import ActionFactory, AxisFactory, RoadmapFactory


@pytest.fixture
def roadmap(territory, communes):
    for index, commune in enumerate(communes):
        CommuneOutline.objects.create(
            commune=commune, path="M0 0l1 0 0 1z", x_min=index, y_min=0, x_max=index + 1, y_max=1
        )
    roadmap = RoadmapFactory(territory=territory)
    axis = AxisFactory(roadmap=roadmap, number=1)
    angouleme, soyaux, _champniers = communes
    for number, named, status in [
        (1, [angouleme, soyaux], Action.Status.IN_PROGRESS),
        (2, [angouleme], Action.Status.PLANNED),
        (3, [angouleme], Action.Status.IN_PROGRESS),
        (4, [soyaux], Action.Status.DONE),  # closed: not on the map
        (5, [], Action.Status.IN_PROGRESS),  # the whole territory
    ]:
        action = ActionFactory(axis=axis, number=number, status=status)
        action.communes.set(named)
    return roadmap


def test_the_dashboard_map_counts_each_communes_own_open_actions(referent_client, roadmap):
    response = referent_client.get(reverse("roadmaps:dashboard", args=[roadmap.territory.slug]))
    figure = response.context["map"]
    shades = {label: style.key for _outline, style, label, _href in figure.areas}
    assert shades == {
        "Angoulême : 3 actions propres": "a3",
        "Champniers : 0 action propre": "a0",
        "Soyaux : 1 action propre": "a1",
    }
    table = [(row["commune"].name, row["value"]) for row in response.context["map_rows"]]
    assert table == [
        ("Angoulême", "3 actions propres"),
        ("Champniers", "0 action propre"),
        ("Soyaux", "1 action propre"),
    ]
    assert "1 action en cours concerne tout le territoire." in response.text
    legend = [(str(item.style.label), item.count) for item in response.context["legend"]]
    assert legend == [
        ("aucune action propre", 1),
        ("1 ou 2 actions propres", 1),
        ("3 actions propres ou plus", 1),
    ]


def test_the_dashboard_pdf_draws_the_map(referent_client, roadmap):
    from tests.referents.test_maps import map_fills

    response = referent_client.get(reverse("roadmaps:dashboard_pdf", args=[roadmap.territory.slug]))
    assert 3 in map_fills(response.content)
