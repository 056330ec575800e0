import pytest

from partners.models import Category
from portal.models import Commune
from tests.factories import ContactFactory, PartnerFactory, reference


@pytest.fixture
def angouleme(territory):
    return Commune.objects.get(insee_code="16015")


@pytest.fixture
def soyaux(territory):
    return Commune.objects.get(insee_code="16374")


@pytest.fixture
def france_travail(territory, angouleme):
    """A partner of the territory with two contacts, found as "Pôle emploi" too."""
    partner = PartnerFactory(
        territory=territory,
        name="France Travail Angoulême",
        slug="france-travail-angouleme",
        also_known_as="Pôle emploi, ANPE",
        category=reference(Category, "france-travail"),
        description="Inscription et accompagnement des demandeurs d'emploi.",
        services="Ateliers CV, aide à la mobilité",
        address="2 rue de la Démo",
        postal_code="16000",
        commune=angouleme,
        phone="+33500000010",
        publics=["demandeurs-emploi", "jeunes"],
        themes=["trouver-un-emploi", "mobilite"],
    )
    partner.zone_communes.set([angouleme])
    ContactFactory(partner=partner, first_name="Zéphyrine", last_name="Démo-Rivière")
    ContactFactory(partner=partner, first_name="Yanis", last_name="Démo-Faure")
    return partner


@pytest.fixture
def bergerac_partner(other_territory):
    return PartnerFactory(
        territory=other_territory,
        name="Cluster.b",
        slug="cluster-b",
        category=reference(Category, "club-entreprises"),
        description="Club d'entreprises du Bergeracois créé en 2017.",
        commune=Commune.objects.get(insee_code="24037"),
        publics=["employeurs"],
        themes=["recruter"],
    )
