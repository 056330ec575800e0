"""A small roadmap for the territory of the personas: two axes, three actions."""

import datetime

import pytest

from roadmaps.models import Action
from tests.factories import ActionFactory, AxisFactory, RoadmapFactory


@pytest.fixture
def roadmap(territory):
    return RoadmapFactory(territory=territory)


@pytest.fixture
def axes(roadmap):
    return [
        AxisFactory(roadmap=roadmap, number=1, title="Accompagner les jeunes"),
        AxisFactory(roadmap=roadmap, number=2, title="Faciliter le recrutement"),
    ]


@pytest.fixture
def action(axes):
    return ActionFactory(
        axis=axes[0],
        number=1,
        title="Micro-forums pour l'emploi",
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2030, 12, 31),
    )


@pytest.fixture
def actions(axes, action):
    return [
        action,
        ActionFactory(axis=axes[0], number=2, title="Parrainage", to_discuss=True),
        ActionFactory(
            axis=axes[1],
            number=1,
            title="Marque employeur",
            status=Action.Status.PLANNED,
            end_date=datetime.date(2020, 6, 30),
            start_date=datetime.date(2020, 1, 1),
        ),
    ]


@pytest.fixture
def other_roadmap(other_territory):
    roadmap = RoadmapFactory(territory=other_territory, title="CADET")
    axis = AxisFactory(roadmap=roadmap, number=1, title="Formation")
    ActionFactory(axis=axis, number=1, title="BTS usinage")
    return roadmap
