"""Factories of the partners app."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from partners.models import Category, Contact, ErrorReport, Partner, Public, Service, Theme
from tests.factories.portal import TerritoryFactory, UserFactory

__all__ = ["ContactFactory", "ErrorReportFactory", "PartnerFactory", "ServiceFactory", "reference"]


def reference(model, slug):
    """A seeded reference item (Category, Public, Theme) by its data·inclusion slug."""
    return model.objects.get(slug=slug)


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Partenaire {n}")
    slug = factory.Sequence(lambda n: f"partenaire-{n}")
    category = factory.LazyFunction(lambda: Category.objects.get(slug="mission-locale"))
    phone = "+33500000001"
    email = factory.LazyAttribute(lambda partner: f"contact@{partner.slug}.example.org")
    verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def publics(self, create, extracted, **kwargs):
        if create and extracted:
            self.publics.set(Public.objects.filter(slug__in=extracted))

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(Theme.objects.filter(slug__in=extracted))


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Démo{n}")
    role = "Conseillère"
    phone = "+33500000099"
    email = factory.LazyAttribute(lambda contact: f"{contact.last_name.lower()}@example.org")


class ErrorReportFactory(DjangoModelFactory):
    class Meta:
        model = ErrorReport

    partner = factory.SubFactory(PartnerFactory)
    reported_by = factory.SubFactory(UserFactory)
    message = "Le numéro de téléphone a changé."


class ServiceFactory(DjangoModelFactory):
    """A data·inclusion v1 service; `themes=[slugs]`, `publics=[slugs]`."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Service {n:03d}")
    description = "Un accompagnement individuel vers l'emploi, sur rendez-vous."
    service_type = "accompagnement"
    fee = "gratuit"

    @factory.post_generation
    def publics(self, create, extracted, **kwargs):
        if create and extracted:
            self.publics.set(Public.objects.filter(slug__in=extracted))

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(Theme.objects.filter(slug__in=extracted))
