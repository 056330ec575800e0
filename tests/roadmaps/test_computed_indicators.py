"""Indicators computed from the portal's data: each metric on known data (and nothing from
another territory), the monthly command (idempotent, constant queries, all or nothing, its
errors), the form that chooses a metric, and manual values refused for a computed indicator."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from partners.models import Theme
from referents.models import OrientationCount
from roadmaps import metrics
from roadmaps.models import Indicator, IndicatorValue
from roadmaps.services import indicators as service
from tests.factories import (
    ActionFactory,
    AxisFactory,
    CommuneFactory,
    EPCIFactory,
    EstablishmentFactory,
    ExchangeFactory,
    IndicatorFactory,
    MeetingFactory,
    NeedFactory,
    PartnerFactory,
    ReferentFactory,
    RoadmapFactory,
    TerritoryFactory,
)

SLUG = "grand-angouleme"
MARCH = metrics.Month.parse("2026-03")


def at(day, hour=10):
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def compute(slug, *territories):
    return metrics.registry()[slug]([t.pk for t in territories], MARCH)


def meeting(territory, day, invited=(), present=()):
    made = MeetingFactory(territory=territory, starts_at=at(day))
    made.invited.set(invited)
    made.present.set(present)
    return made


def interview(territory, commune, day, unmet=()):
    count = OrientationCount.objects.create(territory=territory, commune=commune, date=day)
    count.unmet_needs.set(Theme.objects.filter(slug__in=unmet))
    return count


@pytest.fixture
def bergerac(other_territory):
    return other_territory.communes.get()


def test_referent_coverage_counts_communes_with_an_active_referent(
    territory, communes, other_territory, bergerac
):
    ReferentFactory(commune=communes[0])
    ReferentFactory(commune=communes[0])  # a pair: the commune counts once
    ReferentFactory(commune=communes[1], mandate_end=datetime.date(2026, 2, 28))
    ReferentFactory(commune=communes[2], mandate_start=datetime.date(2026, 4, 1))
    ReferentFactory(commune=bergerac)
    values = compute("couverture_referents", territory, other_territory)
    assert values == {territory.pk: Decimal("33.33"), other_territory.pk: Decimal("100.00")}


def test_meetings_held_and_attendance(territory, communes, other_territory, bergerac):
    people = [ReferentFactory(commune=communes[0]) for _ in range(4)]
    meeting(territory, datetime.date(2026, 3, 5), invited=people, present=people[:3])
    meeting(territory, datetime.date(2026, 3, 20), invited=people[:2], present=people[:1])
    meeting(territory, datetime.date(2026, 4, 2), invited=people, present=people)  # April
    meeting(other_territory, datetime.date(2026, 3, 12))  # nobody invited
    held = compute("rendez_vous_tenus", territory, other_territory)
    assert held == {territory.pk: 2, other_territory.pk: 1}
    attendance = compute("presence_rendez_vous", territory, other_territory)
    assert attendance == {territory.pk: Decimal("66.67"), other_territory.pk: None}


def test_a_meeting_still_to_come_is_not_held(territory):
    meeting(territory, timezone.localdate() + datetime.timedelta(days=1))
    this_month = metrics.Month.of(timezone.localdate() + datetime.timedelta(days=1))
    held = metrics.registry()["rendez_vous_tenus"]([territory.pk], this_month)
    assert held == {territory.pk: 0}


def test_orientation_interviews_and_unmet_needs(territory, communes, other_territory, bergerac):
    interview(territory, communes[0], datetime.date(2026, 3, 2), ["mobilite", "se-former"])
    interview(territory, communes[1], datetime.date(2026, 3, 31), ["mobilite"])
    interview(territory, communes[1], datetime.date(2026, 3, 15))
    interview(territory, communes[1], datetime.date(2026, 2, 28), ["mobilite"])  # February
    interview(other_territory, bergerac, datetime.date(2026, 3, 10))
    interviews = compute("entretiens_orientation", territory, other_territory)
    assert interviews == {territory.pk: 3, other_territory.pk: 1}
    unmet = compute("besoins_sans_partenaire", territory, other_territory)
    assert unmet == {territory.pk: 3, other_territory.pk: 0}


def test_establishments_met_are_distinct(territory, other_territory):
    first, second, third = (EstablishmentFactory() for _ in range(3))
    ExchangeFactory(territory=territory, establishment=first, date=datetime.date(2026, 3, 2))
    ExchangeFactory(territory=territory, establishment=first, date=datetime.date(2026, 3, 30))
    ExchangeFactory(territory=territory, establishment=second, date=datetime.date(2026, 3, 9))
    ExchangeFactory(territory=territory, establishment=third, date=datetime.date(2026, 4, 1))
    ExchangeFactory(territory=other_territory, establishment=third, date=datetime.date(2026, 3, 9))
    values = compute("etablissements_rencontres", territory, other_territory)
    assert values == {territory.pk: 2, other_territory.pk: 1}


def achieve(need, day):
    """Mark the need « abouti », its history record dated `day`."""
    need.status = need.Status.ACHIEVED
    need.save()
    need.history.filter(status=need.Status.ACHIEVED).update(history_date=at(day))


def test_needs_detected_and_achieved(territory, other_territory):
    march = NeedFactory(territory=territory, created_at=at(datetime.date(2026, 3, 3)))
    NeedFactory(territory=territory, created_at=at(datetime.date(2026, 3, 31), 23))
    february = NeedFactory(territory=territory, created_at=at(datetime.date(2026, 2, 10)))
    earlier = NeedFactory(territory=territory, created_at=at(datetime.date(2026, 1, 10)))
    NeedFactory(territory=other_territory, created_at=at(datetime.date(2026, 4, 1)))
    for need in (march, february, earlier):
        need.history.update(history_date=need.created_at)
    achieve(march, datetime.date(2026, 3, 20))
    achieve(february, datetime.date(2026, 3, 2))
    achieve(earlier, datetime.date(2026, 2, 2))
    earlier.status = earlier.Status.IN_PROGRESS  # reopened, achieved again in March
    earlier.save()
    earlier.status = earlier.Status.ACHIEVED
    earlier.save()
    earlier.history.filter(history_date__gt=at(datetime.date(2026, 3, 1))).update(
        history_date=at(datetime.date(2026, 3, 25))
    )
    detected = compute("besoins_detectes", territory, other_territory)
    assert detected == {territory.pk: 2, other_territory.pk: 0}
    achieved = compute("besoins_aboutis", territory, other_territory)
    assert achieved == {territory.pk: 2, other_territory.pk: 0}


def test_partner_records_up_to_date(territory, other_territory):
    PartnerFactory(territory=territory, verified_at=at(datetime.date(2026, 3, 15)))
    PartnerFactory(territory=territory, verified_at=at(datetime.date(2025, 11, 1)))
    PartnerFactory(
        territory=territory, verified_at=at(datetime.date(2025, 11, 1)), check_interval=3
    )
    PartnerFactory(territory=territory, verified_at=None)
    PartnerFactory(territory=other_territory, verified_at=at(datetime.date(2025, 1, 1)))
    values = compute("fiches_partenaires_a_jour", territory, other_territory)
    assert values == {territory.pk: Decimal("50.00"), other_territory.pk: Decimal("0.00")}


# --- The monthly command --------------------------------------------------------------------


@pytest.fixture
def computed(action):
    return IndicatorFactory(
        action=action, label="Établissements", metric="etablissements_rencontres"
    )


def record(*args):
    out = StringIO()
    call_command("record_indicators", *args, stdout=out)
    return out.getvalue()


def test_command_records_one_value_per_month_and_updates_it(computed, action, territory):
    manual = IndicatorFactory(action=action, label="À la main")
    ExchangeFactory(territory=territory, date=datetime.date(2026, 3, 2))
    output = record("--month", "2026-03")
    assert "2026-03 : 1 valeur enregistrée, 0 mise à jour." in output
    value = IndicatorValue.objects.get()
    assert (value.indicator, value.date, value.value, value.computed) == (
        computed,
        datetime.date(2026, 3, 1),
        1,
        True,
    )
    ExchangeFactory(territory=territory, date=datetime.date(2026, 3, 20))
    output = record("--month", "2026-03", "--territory", SLUG)
    assert "2026-03 : 0 valeur enregistrée, 1 mise à jour." in output
    assert IndicatorValue.objects.get().value == 2
    assert IndicatorValue.objects.get().pk == value.pk
    record("--month", "2026-02")
    assert list(computed.values.values_list("date", "value")) == [
        (datetime.date(2026, 2, 1), 0),
        (datetime.date(2026, 3, 1), 2),
    ]
    assert not manual.values.exists()


def test_command_defaults_to_the_month_just_ended(computed):
    output = record()
    last_month = metrics.Month.of(timezone.localdate()).previous()
    assert computed.values.get().date == last_month.first
    assert f"{last_month} : 1 valeur enregistrée" in output


def test_command_leaves_other_territories_and_old_roadmaps_alone(computed, other_roadmap):
    other = IndicatorFactory(
        action=other_roadmap.axes.get().actions.get(), metric="etablissements_rencontres"
    )
    old = RoadmapFactory(territory=computed.action.axis.roadmap.territory, is_current=False)
    archived = IndicatorFactory(
        action=ActionFactory(axis=AxisFactory(roadmap=old)), metric="etablissements_rencontres"
    )
    record("--month", "2026-03", "--territory", SLUG)
    assert computed.values.exists()
    assert not other.values.exists()
    assert not archived.values.exists()


def test_command_reports_empty_and_unknown_metrics(action):
    IndicatorFactory(action=action, label="Présence", metric="presence_rendez_vous")
    IndicatorFactory(action=action, label="Ancien calcul", metric="disparu")
    output = record("--month", "2026-03")
    assert "1 indicateur sans valeur ce mois-ci (rien à compter) : 1.1 « Présence »." in output
    assert "1 indicateur au calcul inconnu du portail : 1.1 « Ancien calcul »." in output
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "Mois « 2026-13 » illisible : écrivez-le AAAA-MM"),
        ("mars", "Mois « mars » illisible"),
        ("2026-3", "Mois « 2026-3 » illisible"),
        ("2999-01", "Le mois 2999-01 n'a pas commencé : rien à mesurer."),
    ],
)
def test_command_refuses_a_bad_month(computed, month, message):
    with pytest.raises(CommandError, match=message):
        record("--month", month)
    assert not IndicatorValue.objects.exists()


def test_command_refuses_an_unknown_territory(computed):
    with pytest.raises(CommandError, match="Territoire « nulle-part » inconnu."):
        record("--territory", "nulle-part")


def test_command_is_all_or_nothing(computed, action, monkeypatch):
    IndicatorFactory(action=action, metric="rendez_vous_tenus")

    def broken(territory_ids, month):
        raise RuntimeError("panne")

    registry = metrics.registry() | {"rendez_vous_tenus": broken}
    monkeypatch.setattr(metrics, "registry", lambda: registry)
    with pytest.raises(RuntimeError):
        record("--month", "2026-03")
    assert not IndicatorValue.objects.exists()


def indicators_of_every_metric(action):
    for slug in metrics.registry():
        IndicatorFactory(action=action, metric=slug, target=50)


def another_territory(number):
    epci = EPCIFactory(siren=f"2000000{number:02d}", name=f"EPCI {number}")
    commune = CommuneFactory(insee_code=f"870{number:02d}", name=f"Commune {number}", epci=epci)
    territory = TerritoryFactory(name=f"Territoire {number}", slug=f"territoire-{number}")
    territory.epcis.set([epci])
    ReferentFactory(commune=commune)
    ExchangeFactory(territory=territory, date=datetime.date(2026, 3, 2))
    PartnerFactory(territory=territory)
    interview(territory, commune, datetime.date(2026, 3, 2), ["mobilite"])
    roadmap = RoadmapFactory(territory=territory)
    indicators_of_every_metric(ActionFactory(axis=AxisFactory(roadmap=roadmap)))


# 1 indicators (with their action, axis and territory), then the metrics: 2 coverage (communes,
# covered communes), 1 rendez-vous held, 2 attendance (invited, present), 1 interviews, 1 unmet
# needs, 1 establishments met, 1 needs detected, 1 needs achieved, 1 partner records; then
# 1 the month's values already recorded, 1 insert, 1 content version; savepoint and release
# (the command's transaction inside the test's).
RECORD_QUERIES = 17


@pytest.mark.parametrize("territories", [0, 6])
def test_command_runs_in_constant_queries(action, communes, territories, django_assert_num_queries):
    indicators_of_every_metric(action)
    ReferentFactory(commune=communes[0])
    PartnerFactory(territory=action.axis.roadmap.territory)
    for number in range(territories):
        another_territory(number)
    with django_assert_num_queries(RECORD_QUERIES):
        result = service.record_month(month=MARCH)
    assert result.created == (1 + territories) * 8  # attendance: no rendez-vous, no value
    with django_assert_num_queries(RECORD_QUERIES):  # again: an update instead of the insert
        result = service.record_month(month=MARCH)
    assert result.updated == (1 + territories) * 8


# --- Forms and pages --------------------------------------------------------------------------


def test_form_adds_a_computed_indicator_named_after_its_metric(coordinator_client, action):
    response = coordinator_client.post(
        reverse("roadmaps:indicator_create", args=[SLUG, action.pk]),
        {"metric": "couverture_referents", "label": "", "unit": "", "baseline": "", "target": "90"},
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.metric, indicator.label, indicator.unit, indicator.target) == (
        "couverture_referents",
        "Communes couvertes par au moins un référent",
        "%",
        90,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"metric": "inconnu", "label": "X"}, "Sélectionnez un choix valide"),
        ({"metric": "", "label": ""}, "Donnez un libellé à l&#x27;indicateur."),
    ],
)
def test_form_refuses_an_unknown_metric_or_no_label(coordinator_client, action, data, message):
    response = coordinator_client.post(
        reverse("roadmaps:indicator_create", args=[SLUG, action.pk]),
        data | {"unit": "", "baseline": "", "target": ""},
    )
    assert response.status_code == 400
    assert message in response.text
    assert not Indicator.objects.exists()


def test_manual_value_is_refused_for_a_computed_indicator(coordinator_client, computed, action):
    page = coordinator_client.get(action.get_absolute_url()).text
    assert "Calculé chaque mois par le portail : Établissements rencontrés dans le mois." in page
    assert (
        reverse("roadmaps:indicator_value_create", args=[SLUG, action.pk, computed.pk]) not in page
    )
    response = coordinator_client.post(
        reverse("roadmaps:indicator_value_create", args=[SLUG, action.pk, computed.pk]),
        {"date": "2026-03-01", "value": "12"},
    )
    assert response.status_code == 400
    assert "ses valeurs ne se saisissent pas à la main" in response.text
    assert not IndicatorValue.objects.exists()


def test_computed_values_show_against_their_target(coordinator_client, computed, action, territory):
    computed.target = 4
    computed.save()
    ExchangeFactory(territory=territory, date=datetime.date(2026, 3, 2))
    record("--month", "2026-03")
    page = coordinator_client.get(action.get_absolute_url()).text
    assert "Mars 2026" in page and "25 % du chemin vers la cible" in page
    dashboard = coordinator_client.get(reverse("roadmaps:dashboard", args=[SLUG]))
    row = next(i for i in dashboard.context["indicators"] if i.pk == computed.pk)
    assert (row.latest_label, row.target_label, row.ratio) == ("1", "4", 25)
    assert "calculé par le portail" in dashboard.text


@pytest.mark.django_db
def test_demo_records_computed_indicators_for_the_last_months(settings):
    from roadmaps import demo

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    computed = Indicator.objects.exclude(metric="")
    assert set(computed.values_list("metric", flat=True)) >= {
        "couverture_referents",
        "etablissements_rencontres",
        "besoins_detectes",
    }
    values = IndicatorValue.objects.filter(computed=True)
    months = {value.date for value in values}
    assert len(months) == demo.COMPUTED_MONTHS
    assert all(day.day == 1 for day in months)
    coverage = values.filter(indicator__metric="couverture_referents").order_by("date").last()
    assert 0 < coverage.value <= 100
    before = list(values.order_by("pk").values_list("pk", "value"))
    demo.load_computed_indicators()
    assert list(values.order_by("pk").values_list("pk", "value")) == before
