"""factory_boy factories shared by the whole suite."""

import factory
from factory.django import DjangoModelFactory

from portal.models import EPCI, Commune, Department, Membership, Region, Territory, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("mot-de-passe-de-test")


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "75"
    name = "Nouvelle-Aquitaine"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "16"
    name = "Charente"
    region = factory.SubFactory(RegionFactory)


class EPCIFactory(DjangoModelFactory):
    class Meta:
        model = EPCI
        django_get_or_create = ["siren"]

    # Far from the real codes that tests name (200071827…): get_or_create must not reuse them.
    siren = factory.Sequence(lambda n: f"{100000000 + n:09d}")
    name = factory.Sequence(lambda n: f"CA de test {n}")
    kind = EPCI.Kind.CA


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]

    insee_code = factory.Sequence(lambda n: f"{90 + n // 1000 % 10:02d}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    postal_codes = "16000"
    population = 1000
    department = factory.SubFactory(DepartmentFactory)
    epci = factory.SubFactory(EPCIFactory)


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")
    kind = Territory.Kind.CA

    @factory.post_generation
    def epcis(self, create, extracted, **kwargs):
        if create and extracted:
            self.epcis.set(extracted)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    territory = factory.SubFactory(TerritoryFactory)
    role = Membership.Role.REFERENT
