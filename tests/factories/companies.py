"""Factories of the companies app: legal units and establishments with Luhn-valid numbers in
a range of SIRENs that starts with 0000 (fictional: the demo and tests share it)."""

import factory
from factory.django import DjangoModelFactory
from stdnum import luhn

from companies.models import Establishment, LegalUnit, NafCode
from tests.factories.portal import CommuneFactory

__all__ = ["EstablishmentFactory", "LegalUnitFactory", "luhn_number"]


def luhn_number(prefix):
    """`prefix` followed by its Luhn check digit."""
    return prefix + luhn.calc_check_digit(prefix)


class LegalUnitFactory(DjangoModelFactory):
    class Meta:
        model = LegalUnit
        django_get_or_create = ["siren"]

    siren = factory.Sequence(lambda n: luhn_number(f"0000{n % 10000:04d}"))
    name = factory.Sequence(lambda n: f"Entreprise d'essai {n}")
    legal_category = "5710"
    is_ess = False
    is_employer = True


class EstablishmentFactory(DjangoModelFactory):
    """An active establishment, head office of its own legal unit, in a commune of its own
    unless told (`commune=`); `naf` a NAF rév. 2 sous-classe code (default 62.01Z)."""

    class Meta:
        model = Establishment
        django_get_or_create = ["siret"]
        skip_postgeneration_save = True

    legal_unit = factory.SubFactory(LegalUnitFactory)
    siret = factory.LazyAttribute(lambda o: luhn_number(f"{o.legal_unit.siren}0001"))
    name = ""
    naf = factory.LazyFunction(lambda: NafCode.objects.get(code="62.01Z"))
    activity_code = factory.LazyAttribute(lambda o: o.naf.code if o.naf else "")
    activity_nomenclature = "NAFRev2"
    is_employer = True
    is_ess = factory.LazyAttribute(lambda o: o.legal_unit.is_ess)
    is_active = True
    is_head_office = True
    address = "1 rue de l'Essai"
    postal_code = "16000"
    commune = factory.SubFactory(CommuneFactory)

    @factory.post_generation
    def search(self, create, extracted, **kwargs):
        """The search text, as the import and the forms write it."""
        text = self.build_search_text()
        if text != self.search_text:
            self.search_text = text
            if create:
                Establishment.objects.filter(pk=self.pk).update(search_text=text)
