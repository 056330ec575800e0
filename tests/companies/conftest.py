import pytest

from portal.models import Commune
from tests.factories import EstablishmentFactory, LegalUnitFactory


@pytest.fixture
def angouleme(territory):
    return Commune.objects.get(insee_code="16015")


@pytest.fixture
def bergerac(other_territory):
    return Commune.objects.get(insee_code="24037")


@pytest.fixture
def establishment(angouleme):
    """An establishment of the territory (Angoulême), head office of its legal unit."""
    return EstablishmentFactory(
        commune=angouleme,
        legal_unit=LegalUnitFactory(name="Mécanique de la Charente"),
        name="Atelier du Port",
    )
