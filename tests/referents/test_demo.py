from datetime import date

from django.urls import reverse

from referents import demo
from referents.models import (
    CommuneRenewal,
    Meeting,
    OrientationCount,
    OutlineSection,
    Referent,
    Registration,
    RenewalCampaign,
)
from tests.factories import CommuneFactory, UserFactory


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


def test_demo_has_a_renewal_campaign_partly_answered(territory, coordinator_client, epci):
    for number in range(7):
        CommuneFactory(insee_code=f"16{600 + number}", name=f"Commune {number}", epci=epci)
    demo.load()
    demo.load()  # idempotent: one campaign, answered once
    campaign = RenewalCampaign.objects.get(territory=territory)
    assert campaign.title == "Suite aux élections municipales de mars 2026"
    assert campaign.is_open and campaign.communes.count() == 10
    rows = list(campaign.communes.all())
    answered = [row for row in rows if row.answered_at]
    assert len(answered) == 3
    summaries = "\n".join(row.answer_summary for row in answered)
    assert "confirmé·e" in summaries and "remplacé·e par" in summaries and "retiré·e" in summaries
    assert "Délibération du" in summaries
    assert any(row.reminder_count and not row.answered_at for row in rows)
    assert any(not row.answered_at and not row.reminder_count for row in rows)
    assert any(not row.mairie_email for row in rows)
    assert all(row.mairie_email.endswith(".example.org") for row in rows if row.mairie_email)
    ended = Referent.objects.filter(mandate_end__isnull=False)
    assert ended.count() == 2  # the replaced and the removed, kept (history)
    new = Referent.objects.get(mandate_start=date(2026, 4, 10))
    assert new.email.endswith("@example.org") and new.first_name in demo.FIRST_NAMES
    page = coordinator_client.get(reverse("referents:renewal", args=[territory.slug])).text
    assert "Communes ayant répondu : 3 sur 10, soit 30 % de couverture" in page
    assert CommuneRenewal.objects.count() == 10
