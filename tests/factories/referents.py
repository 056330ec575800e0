"""Factories of the referents app."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from referents.models import Meeting, Referent, Registration

__all__ = ["MeetingFactory", "PublicEventFactory", "ReferentFactory", "RegistrationFactory"]


class ReferentFactory(DjangoModelFactory):
    class Meta:
        model = Referent

    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    role = Referent.Role.ELECTED
    function = "adjointe aux affaires sociales"
    email = factory.LazyAttribute(lambda r: f"{r.first_name}.{r.last_name}@example.org".lower())
    phone = "01 99 00 00 00"
    commune = factory.SubFactory("tests.factories.portal.CommuneFactory")
    mandate_start = date(2020, 7, 1)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    territory = factory.SubFactory("tests.factories.portal.TerritoryFactory")
    kind = Meeting.Kind.MONTHLY
    title = factory.Sequence(lambda n: f"Réunion du réseau n° {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    place = "Salle du conseil"
    agenda = "1. Tour de table"


class PublicEventFactory(MeetingFactory):
    """A rendez-vous open to the public, taking registrations."""

    kind = Meeting.Kind.MICRO_FORUM
    title = factory.Sequence(lambda n: f"Micro-forum de l'emploi n° {n}")
    is_public = True
    audience = Meeting.Audience.JOB_SEEKERS
    public_description = "Venez avec votre CV."
    registration_wanted = True


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(PublicEventFactory)
    name = factory.Sequence(lambda n: f"Camille Martin {n}")
    email = factory.Sequence(lambda n: f"camille{n}@example.org")
    consented_at = factory.LazyFunction(timezone.now)
    token = factory.LazyFunction(Registration.new_token)
