"""Factories of the roadmaps app."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from roadmaps.models import Action, Axis, Indicator, ProgressUpdate, Roadmap, Signal, Step
from tests.factories.portal import TerritoryFactory

__all__ = [
    "RoadmapFactory",
    "AxisFactory",
    "ActionFactory",
    "StepFactory",
    "IndicatorFactory",
    "ProgressUpdateFactory",
    "SignalFactory",
]


class RoadmapFactory(DjangoModelFactory):
    class Meta:
        model = Roadmap

    territory = factory.SubFactory(TerritoryFactory)
    title = "Feuille de route pour l'emploi et l'insertion"
    period = "2022-2026"
    diagnostic = "Une offre riche mais illisible."


class AxisFactory(DjangoModelFactory):
    class Meta:
        model = Axis

    roadmap = factory.SubFactory(RoadmapFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe de test {n}")


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    axis = factory.SubFactory(AxisFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Action de test {n}")
    status = Action.Status.IN_PROGRESS
    start_date = datetime.date(2022, 1, 1)
    end_date = datetime.date(2030, 12, 31)


class StepFactory(DjangoModelFactory):
    class Meta:
        model = Step

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Étape {n}")
    due_date = datetime.date(2023, 6, 30)


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    action = factory.SubFactory(ActionFactory)
    label = "Participants"
    unit = "personnes"
    baseline = 0
    target = 100


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    date = datetime.date(2023, 3, 1)
    note = "Point d'étape."


class SignalFactory(DjangoModelFactory):
    """A signal recorded by a person (status « nouveau »); `author` is left to the test."""

    class Meta:
        model = Signal

    territory = factory.SubFactory(TerritoryFactory)
    text = factory.Sequence(lambda n: f"Trois employeurs cherchent des soudeurs ({n})")
    observed_on = factory.LazyFunction(timezone.localdate)
    source = Signal.Source.EXCHANGE
