"""`manage.py raise_signals`: the signals the portal raises each month (roadmaps/detectors.py,
roadmaps/services/raised_signals.py). The référents' detectors are tested in
tests/referents/test_detectors.py."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.utils import timezone

from companies.models import NafCode, Need
from partners.models import Theme
from referents.models import OrientationCount
from roadmaps.detectors import (
    Finding,
    detector,
    month_label,
    recruitment_piling_up,
    registered_detectors,
    rule_label,
    unverified_partners,
)
from roadmaps.models import Signal
from roadmaps.services.raised_signals import raise_signals
from tests.factories import (
    CommuneFactory,
    EstablishmentFactory,
    NeedFactory,
    PartnerFactory,
    ReferentFactory,
    SignalFactory,
)


def last_month():
    """The month just ended (the command's default)."""
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def month():
    return last_month()


def during_last_month(days=9):
    return timezone.make_aware(
        datetime.datetime.combine(last_month() + datetime.timedelta(days=days), datetime.time(10))
    )


def recruiting(territory, job, number, *, naf="25.62B", **fields):
    """`number` establishments, each with one open recruitment need for `job`."""
    code = NafCode.objects.get(code=naf)
    fields.setdefault("created_at", during_last_month())
    return [
        NeedFactory(
            territory=territory,
            establishment=EstablishmentFactory(naf=code),
            job=job,
            positions=2,
            **fields,
        )
        for _index in range(number)
    ]


LONG_AGO = timezone.now() - datetime.timedelta(days=800)
# verified six months (the default interval) before falling due last month
DUE_LAST_MONTH = during_last_month() - datetime.timedelta(days=round(6 * 30.44))


def unverified(territory, number, themes=("mobilite--acceder-a-un-vehicule",), **fields):
    fields.setdefault("verified_at", LONG_AGO)
    return [
        PartnerFactory(territory=territory, themes=list(themes), **fields)
        for _index in range(number)
    ]


# --- Recruitment needs piling up ---------------------------------------------------------------


def test_three_establishments_seeking_one_job_raise_a_signal(territory, month):
    recruiting(territory, "Soudeur", 2)
    recruiting(territory, "soudeur ", 1, naf="62.01Z")  # same métier, typed otherwise

    [finding] = recruitment_piling_up(territory, month)

    metal = "Fabrication de produits métalliques, à l'exception des machines et des équipements"
    assert finding.rule_key == "metier:soudeur"
    assert finding.text.startswith("3 établissements recherchent « Soudeur » : 3 besoins, 6 postes")
    assert finding.evidence["columns"] == ["Secteur", "Établissements", "Besoins", "Postes"]
    assert finding.evidence["rows"] == [
        [f"25 — {metal}", 2, 2, 4],
        ["62 — Programmation, conseil et autres activités informatiques", 1, 1, 2],
    ]


def test_two_establishments_or_closed_needs_raise_nothing(territory, other_territory, month):
    recruiting(territory, "Soudeur", 2)
    recruiting(territory, "Soudeur", 1, status=Need.Status.ACHIEVED)
    recruiting(other_territory, "Soudeur", 3)

    assert recruitment_piling_up(territory, month) == []
    assert [f.rule_key for f in recruitment_piling_up(other_territory, month)] == ["metier:soudeur"]


def test_needs_that_merely_stay_open_are_not_signalled_again(territory, month):
    before = during_last_month(days=-20)
    recruiting(territory, "Soudeur", 3, created_at=before)

    assert recruitment_piling_up(territory, month) == []
    recruiting(territory, "Soudeur", 1)  # one more during the month
    [finding] = recruitment_piling_up(territory, month)
    assert finding.text.endswith(". Dont 1 détecté en " + month_label(month) + ".")


def test_needs_detected_after_the_month_are_not_counted(territory, month):
    recruiting(territory, "Soudeur", 3, created_at=timezone.now() + datetime.timedelta(days=40))

    assert recruitment_piling_up(territory, month) == []


def test_five_establishments_of_one_sector_raise_a_signal(territory, month):
    for job in ["Soudeur", "Usineur", "Chaudronnier", "Tourneur", "Fraiseur"]:
        recruiting(territory, job, 1)

    [finding] = recruitment_piling_up(territory, month)

    assert finding.rule_key == "naf:25"
    assert finding.naf == "25"
    assert finding.text.startswith("5 établissements du secteur « 25 — Fabrication de produits")
    assert [row[0] for row in finding.evidence["rows"]] == [
        "Chaudronnier",
        "Fraiseur",
        "Soudeur",
        "Tourneur",
        "Usineur",
    ]
    raise_signals(territory=territory, month=month)
    assert Signal.objects.get().naf_id == "25"


# --- Partner records long unverified in one theme ----------------------------------------------


def test_three_unverified_records_of_one_theme_raise_a_signal(territory, month):
    unverified(territory, 2)
    unverified(
        territory,
        1,
        themes=["mobilite--financer-ma-mobilite", "mobilite"],
        verified_at=DUE_LAST_MONTH,
    )
    never = unverified(territory, 1, themes=["mobilite"])[0]
    never.verified_at = None
    never.save()
    unverified(territory, 1, themes=["numerique"])

    [finding] = unverified_partners(territory, month)

    assert finding.rule_key == "mobilite"
    assert finding.text.startswith(
        "4 fiches partenaires de la thématique « Mobilité » n'ont pas été vérifiées"
    )
    assert finding.themes == [Theme.objects.get(slug="mobilite").pk]
    assert finding.evidence["rows"][0] == [never.name, "jamais", "sa création"]
    assert len(finding.evidence["rows"]) == 4


def test_records_verified_in_time_or_of_another_territory_raise_nothing(
    territory, other_territory, month
):
    unverified(territory, 2, verified_at=DUE_LAST_MONTH)
    PartnerFactory(territory=territory, themes=["mobilite"])  # verified today
    unverified(other_territory, 3, verified_at=DUE_LAST_MONTH)

    assert unverified_partners(territory, month) == []
    assert [f.rule_key for f in unverified_partners(other_territory, month)] == ["mobilite"]


def test_records_that_stayed_due_are_not_signalled_again(territory, month):
    unverified(territory, 3)  # due long before the month: signalled back then

    assert unverified_partners(territory, month) == []


# --- The service: once per rule, subject and month; all or nothing ----------------------------


@detector("essai", "Essai")
def figures(territory, month):
    return [Finding("sujet", FIGURES["text"], {"rows": [[FIGURES["count"]]]}, communes=[])]


@detector("panne", "Panne")
def broken(territory, month):
    raise RuntimeError("panne du détecteur")


FIGURES = {"text": "3 cas", "count": 3}


@pytest.fixture
def figures_of():
    def set_figures(text, count):
        FIGURES.update(text=text, count=count)

    yield set_figures
    FIGURES.update(text="3 cas", count=3)


def test_a_second_run_updates_the_open_signal_of_the_month(territory, month, figures_of):
    assert raise_signals(territory=territory, month=month, detectors=[figures]).created == 1
    signal = Signal.objects.get()
    figures_of("4 cas", 4)

    outcome = raise_signals(territory=territory, month=month, detectors=[figures])

    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 0)
    signal.refresh_from_db()
    assert (signal.text, signal.evidence, signal.version) == ("4 cas", {"rows": [[4]]}, 2)
    assert [record.history_type for record in signal.history.order_by("history_id")] == ["+", "~"]
    # the same figures again: nothing written
    assert raise_signals(territory=territory, month=month, detectors=[figures]).unchanged == 1
    assert signal.history.count() == 2


def test_a_triaged_signal_is_left_as_it_is(territory, month, figures_of):
    raise_signals(territory=territory, month=month, detectors=[figures])
    Signal.objects.update(status=Signal.Status.FILED, filed_reason="Déjà connu")
    figures_of("9 cas", 9)

    outcome = raise_signals(territory=territory, month=month, detectors=[figures])

    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)
    assert Signal.objects.get().text == "3 cas"


def test_next_month_raises_a_new_signal(territory, month):
    raise_signals(territory=territory, month=month, detectors=[figures])
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    raise_signals(territory=territory, month=following, detectors=[figures])

    assert sorted(Signal.objects.values_list("period", flat=True)) == [month, following]


def test_a_failing_detector_writes_nothing_for_the_territory(territory, month):
    with pytest.raises(RuntimeError):
        raise_signals(territory=territory, month=month, detectors=[figures, broken])

    assert not Signal.objects.exists()


# --- The command -------------------------------------------------------------------------------


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("raise_signals", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13", "Mois invalide : « 2026-13 »"),
        ("octobre", "Mois invalide : « octobre »"),
        ("2026-1", "Mois invalide : « 2026-1 »"),
        ("2999-01", "Le mois 2999-01 n'a pas encore commencé"),
    ],
)
def test_a_bad_month_is_refused_in_french(territory, value, message):
    with pytest.raises(CommandError, match=message):
        run("--month", value)
    assert not Signal.objects.exists()


def test_an_unknown_territory_is_refused(territory):
    with pytest.raises(CommandError, match="Aucun territoire « nulle-part »"):
        run("--territory", "nulle-part")


def test_the_command_reports_each_territory_with_plurals(territory, other_territory, month):
    recruiting(territory, "Soudeur", 3)
    recruiting(territory, "Usineur", 3, naf="62.01Z")
    recruiting(other_territory, "Soudeur", 3)

    out, _err = run("--month", f"{month:%Y-%m}")

    assert "Grand Angoulême, " in out
    assert ": 2 signaux relevés, 0 mis à jour, 0 inchangé." in out
    assert ": 1 signal relevé, 0 mis à jour, 0 inchangé." in out
    out, _err = run("--month", f"{month:%Y-%m}")
    assert ": 0 signal relevé, 0 mis à jour, 2 inchangés." in out
    assert Signal.objects.count() == 3


def test_the_default_month_is_the_month_just_ended(territory, month):
    recruiting(territory, "Soudeur", 3)

    run("--territory", territory.slug)

    assert Signal.objects.get().period == month


@detector("recrutements-en-attente", "Recrutements en attente")
def failing_in_angouleme(territory, month):
    """The recruitment detector, failing after its findings in Grand Angoulême."""
    findings = recruitment_piling_up(territory, month)
    if territory.slug == "grand-angouleme":
        raise RuntimeError("panne du détecteur")
    return findings


def test_a_failing_territory_leaves_the_others_be(territory, other_territory, month, settings):
    settings.SIGNAL_DETECTORS = ["tests.roadmaps.test_raise_signals.failing_in_angouleme"]
    recruiting(territory, "Soudeur", 3)
    recruiting(other_territory, "Soudeur", 3)

    with pytest.raises(CommandError, match="1 territoire en échec : Grand Angoulême."):
        run("--month", f"{month:%Y-%m}")

    assert list(Signal.objects.values_list("territory__slug", flat=True)) == ["grand-bergeracois"]


# --- Constant queries per territory ------------------------------------------------------------


def world(territory, month, size):
    """`size` subjects for each detector."""
    epci = territory.epcis.get()
    for index in range(size):
        commune = CommuneFactory(epci=epci)
        for _count in range(3):
            count = OrientationCount.objects.create(
                territory=territory, commune=commune, date=month
            )
            count.needs.set(Theme.objects.filter(slug__in=["sante", "mobilite"]))
            count.unmet_needs.set(Theme.objects.filter(slug__in=["sante", "mobilite"]))
        ReferentFactory(commune=commune, mandate_end=month + datetime.timedelta(days=3))
        recruiting(territory, f"Métier {index}", 3)
    categories = ["mobilite", "numerique", "sante", "se-former", "famille"][:size]
    for category in categories:
        unverified(territory, 3, themes=[category], verified_at=DUE_LAST_MONTH)


@pytest.mark.parametrize("size", [1, 5])
def test_the_command_runs_in_constant_queries_per_territory(
    territory, other_territory, month, size, django_assert_num_queries
):
    world(territory, month, size)
    world(other_territory, month, 2)  # not read

    # 1 territory, 2 savepoint; unmet needs: 3 needs unmet, 4 needs ticked, 5 interviews;
    # recruitment: 6 needs, 7 divisions; référents: 8 mandates ended, 9 in office; 10 partners
    # to verify; 11 the month's signals; 12 insert signals, 13 their history, 14 communes,
    # 15 themes; 16 the territory's content version (its cached pages show open signals);
    # 17 release savepoint
    with django_assert_num_queries(17):
        run("--month", f"{month:%Y-%m}", "--territory", territory.slug)

    # per subject: unmet needs (santé, mobilité), référents, métier; per category: partners;
    # and the NAF division 25 once it has 5 establishments recruiting
    raised = 5 * size + (3 * size >= 5)
    assert Signal.objects.filter(territory=territory).count() == raised
    # a second run: the month's signals are read, nothing is written
    # (1 territory, 2 savepoint, 3-10 detectors, 11 the month's signals, 12 release)
    with django_assert_num_queries(12):
        out, _err = run("--month", f"{month:%Y-%m}", "--territory", territory.slug)
    assert f"0 signal relevé, 0 mis à jour, {raised} inchangés" in out


# --- The evidence, as the signal page shows it -------------------------------------------------


def test_the_evidence_include_renders_the_table_stored_with_the_signal(territory, month):
    recruiting(territory, "Soudeur", 3)
    raise_signals(territory=territory, month=month)
    signal = Signal.objects.get()

    html = render_to_string("roadmaps/signals/_evidence.html", {"signal": signal})

    assert "<caption>Besoins de recrutement ouverts « Soudeur », par secteur</caption>" in html
    headers = re.findall(r'<th scope="col"\s*(?:class="num")?>(.*?)</th>', html)
    assert headers == ["Secteur", "Établissements", "Besoins", "Postes"]
    assert re.search(r'<th scope="row">25 — Fabrication de produits métalliques', html)
    assert re.findall(r'<td class="num">(\d+)</td>', html) == ["3", "3", "6"]


def test_the_evidence_include_shows_nothing_for_a_signal_recorded_by_a_person(territory):
    signal = SignalFactory(territory=territory)

    assert render_to_string("roadmaps/signals/_evidence.html", {"signal": signal}).strip() == ""


def test_recruitment_and_partner_signals_are_raised_once(territory, other_territory, month):
    recruiting(territory, "Soudeur", 3)
    unverified(territory, 3, verified_at=DUE_LAST_MONTH)
    detectors = [recruitment_piling_up, unverified_partners]

    first = raise_signals(territory=territory, month=month, detectors=detectors)
    second = raise_signals(territory=territory, month=month, detectors=detectors)
    elsewhere = raise_signals(territory=other_territory, month=month, detectors=detectors)

    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert elsewhere.total == 0
    assert sorted(Signal.objects.values_list("rule", "rule_key")) == [
        ("fiches-a-verifier", "mobilite"),
        ("recrutements-en-attente", "metier:soudeur"),
    ]


def test_each_rule_has_a_label_for_the_signal_pages():
    assert [str(rule_label(detect.rule)) for detect in registered_detectors()] == [
        "Besoin d'orientation sans partenaire",
        "Recrutements en attente",
        "Commune sans référent",
        "Fiches partenaires à vérifier",
    ]
    assert rule_label("inconnue") == "inconnue"
