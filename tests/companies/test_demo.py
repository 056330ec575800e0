"""The demo establishments: fictional numbers that pass the checks, real NAF codes and communes."""

from stdnum.fr import siret as stdnum_siret

from companies import demo
from companies.models import Establishment, LegalUnit
from portal import demo as portal_demo
from portal.maps import project


def test_demo_establishments_are_valid_fictional_and_idempotent(db):
    portal_demo.load()
    demo.load()
    establishments = list(Establishment.objects.select_related("naf", "commune", "legal_unit"))
    assert len(establishments) == len(demo.ESTABLISHMENTS)
    for item in establishments:
        assert stdnum_siret.is_valid(item.siret) and item.siret.startswith("0000")
        assert item.naf is not None and item.naf.level == "sous-classe"
        assert item.commune.epci.territories.exists()
        item.full_clean()
    by_territory = {
        slug: Establishment.objects.in_territory(territory).count()
        for slug, territory in ((t.slug, t) for t in portal_demo.Territory.objects.all())
    }
    assert by_territory["grand-angouleme"] >= 10 and by_territory["grand-bergeracois"] >= 8
    counts = (Establishment.objects.count(), LegalUnit.objects.count())
    demo.load()
    assert (Establishment.objects.count(), LegalUnit.objects.count()) == counts


def test_demo_establishments_lie_in_their_commune_for_the_map(db):
    portal_demo.load()
    demo.load()
    establishments = Establishment.objects.select_related("commune__outline")
    assert establishments.exists()
    for item in establishments:
        (x, y), *_ = project([(item.longitude, item.latitude)], item.commune.insee_code)
        outline = item.commune.outline
        assert outline.x_min <= x <= outline.x_max and outline.y_min <= y <= outline.y_max
