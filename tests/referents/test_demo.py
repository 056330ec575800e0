from referents import demo
from referents.models import Meeting, OrientationCount, OutlineSection, Referent, Registration
from tests.factories import UserFactory


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
    assert Meeting.objects.filter(kind=Meeting.Kind.MICRO_FORUM, is_public=False).count() == 1


def test_demo_has_public_events_one_with_registrations(territory, other_territory):
    demo.load()
    for each in (territory, other_territory):
        public = Meeting.objects.filter(territory=each, is_public=True).public_upcoming()
        assert {m.kind for m in public} == {Meeting.Kind.MICRO_FORUM, Meeting.Kind.JOB_DATING}
    assert Registration.objects.filter(meeting__territory=territory).count() == 3
    assert all(r.email.endswith("@example.org") or r.phone for r in Registration.objects.all())
    assert all(r.email.endswith("@example.org") for r in Referent.objects.all())


def test_demo_titles_agree_with_first_names(territory, other_territory):
    """A woman is « adjointe », « conseillère municipale déléguée », « référente »; a man is
    « adjoint », « directeur »; the demo référent account (Julien) gets a man's title."""
    UserFactory(username="referent.angouleme", first_name="Julien", last_name="Marchand")
    demo.load()
    referents = list(Referent.objects.all())
    assert {r.commune.name for r in referents} >= {"Bergerac"}
    women_titles = {pair[1] for pair in demo.FUNCTIONS}
    men_titles = {pair[0] for pair in demo.FUNCTIONS}
    for referent in referents:
        titles = women_titles if referent.first_name in demo.WOMEN else men_titles
        assert referent.function in titles, (referent.first_name, referent.function)
    julien = Referent.objects.get(user__username="referent.angouleme")
    assert julien.function in men_titles
    assert ("Amandine", "directrice générale des services") not in {
        (r.first_name, r.function) for r in referents
    }


def test_agree_gives_the_form_for_the_first_name():
    assert demo.agree("adjoint à la solidarité", "Sophie") == "adjointe à la solidarité"
    assert demo.agree("chargée de l'action sociale", "Bruno") == "chargé de l'action sociale"
    assert demo.agree("référent emploi de la commune", "Karine") == (
        "référente emploi de la commune"
    )
    assert demo.agree("maire", "Odile") == "maire"
