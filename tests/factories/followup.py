"""Factories of the follow-up of companies (échanges, needs, rappels, contacts)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from companies.models import CompanyContact, Exchange, Need, NeedNote, Reminder
from tests.factories.companies import EstablishmentFactory
from tests.factories.portal import TerritoryFactory, UserFactory

__all__ = [
    "CompanyContactFactory",
    "ExchangeFactory",
    "NeedFactory",
    "NeedNoteFactory",
    "ReminderFactory",
]


class CompanyContactFactory(DjangoModelFactory):
    class Meta:
        model = CompanyContact

    establishment = factory.SubFactory(EstablishmentFactory)
    territory = factory.SubFactory(TerritoryFactory)
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Contact{n}")
    role = "Responsable des ressources humaines"
    email = factory.Sequence(lambda n: f"contact{n}@entreprise.example")


class ExchangeFactory(DjangoModelFactory):
    class Meta:
        model = Exchange

    establishment = factory.SubFactory(EstablishmentFactory)
    territory = factory.SubFactory(TerritoryFactory)
    date = datetime.date(2026, 3, 2)
    kind = Exchange.Kind.VISIT
    summary = "Visite de l'atelier, projet d'extension."
    private_note = ""


class NeedFactory(DjangoModelFactory):
    class Meta:
        model = Need

    establishment = factory.SubFactory(EstablishmentFactory)
    territory = factory.SubFactory(TerritoryFactory)
    kind = Need.Kind.RECRUITMENT
    status = Need.Status.DETECTED
    title = factory.Sequence(lambda n: f"Besoin {n}")
    job = factory.LazyAttribute(lambda o: "Usineur" if o.kind == Need.Kind.RECRUITMENT else "")
    positions = factory.LazyAttribute(lambda o: 2 if o.kind == Need.Kind.RECRUITMENT else None)


class NeedNoteFactory(DjangoModelFactory):
    class Meta:
        model = NeedNote

    need = factory.SubFactory(NeedFactory)
    date = datetime.date(2026, 3, 3)
    text = "Relancé par téléphone."


class ReminderFactory(DjangoModelFactory):
    class Meta:
        model = Reminder

    establishment = factory.SubFactory(EstablishmentFactory)
    territory = factory.SubFactory(TerritoryFactory)
    person = factory.SubFactory(UserFactory)
    date = datetime.date(2026, 4, 1)
    text = factory.Sequence(lambda n: f"Rappeler l'entreprise ({n})")
