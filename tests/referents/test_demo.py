from referents import demo
from referents.models import Meeting, OrientationCount, OutlineSection, Referent


def test_demo_is_idempotent_and_keeps_pairs(territory, mission_locale, france_travail):
    demo.load()
    counts = [
        model.objects.count() for model in (Referent, Meeting, OrientationCount, OutlineSection)
    ]
    demo.load()
    assert counts == [
        model.objects.count() for model in (Referent, Meeting, OrientationCount, OutlineSection)
    ]
    assert counts[0] > 0 and counts[1] >= 12 and counts[3] > 0
    per_commune = {}
    for referent in Referent.objects.all():
        per_commune[referent.commune_id] = per_commune.get(referent.commune_id, 0) + 1
    assert max(per_commune.values()) <= 2
    hosts = set(Meeting.objects.exclude(host=None).values_list("host__name", flat=True))
    assert hosts == {mission_locale.name, france_travail.name}
    assert Meeting.objects.filter(kind=Meeting.Kind.MICRO_FORUM).count() == 1
    assert all(r.email.endswith("@example.org") for r in Referent.objects.all())
