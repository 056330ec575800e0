"""The metrics of roadmap indicators that the référent network's data feeds (roadmaps/metrics.py
explains the contract). Registered in `settings.INDICATOR_METRICS`: roadmaps never imports
referents. Each computes every territory's value for a month in one or two queries."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Commune
from referents.models import Meeting, OrientationCount, Referent
from roadmaps.metrics import counts, metric, rate


def _counts(queryset, key, distinct=False):
    """{value of `key`: rows} of the queryset, in one query."""
    rows = queryset.order_by().values(key).annotate(n=Count("pk", distinct=distinct))
    return {row[key]: row["n"] for row in rows}


def _held(territory_ids, month):
    """The month's rendez-vous already held (started before the end of the month, or now)."""
    return Meeting.objects.filter(
        territory_id__in=territory_ids,
        starts_at__gte=month.start_moment(),
        starts_at__lt=month.end_moment(),
    )


@metric("couverture_referents", _("Communes couvertes par au moins un référent"), "%")
def referent_coverage(territory_ids, month):
    """Communes of the territory with an active référent on the month's last day (today for
    the month in progress), out of all its communes. Two queries."""
    on = min(month.last, timezone.localdate())
    communes = Commune.objects.filter(epci__territories__in=territory_ids)
    key = "epci__territories"
    total = _counts(communes, key, distinct=True)
    active = Referent.objects.active(on).values("commune_id")
    covered = _counts(communes.filter(pk__in=active), key, distinct=True)
    return {pk: rate(covered.get(pk, 0), total.get(pk, 0)) for pk in territory_ids}


@metric("rendez_vous_tenus", _("Rendez-vous du réseau tenus dans le mois"), "rendez-vous")
def meetings_held(territory_ids, month):
    return counts(_counts(_held(territory_ids, month), "territory_id"), territory_ids)


@metric(
    "presence_rendez_vous",
    _("Présence des référents invités aux rendez-vous du mois"),
    "%",
)
def meeting_attendance(territory_ids, month):
    """Référents present out of référents invited, over the month's rendez-vous held (a
    référent present without an invitation counts as present; 100 % at most). Two queries;
    no value for a month without invitations."""
    meetings = _held(territory_ids, month).values("pk")
    key = "meeting__territory_id"
    invited = _counts(Meeting.invited.through.objects.filter(meeting_id__in=meetings), key)
    present = _counts(Meeting.present.through.objects.filter(meeting_id__in=meetings), key)
    values = {}
    for pk in territory_ids:
        value = rate(present.get(pk, 0), invited.get(pk, 0))
        values[pk] = None if value is None else min(value, 100)
    return values


@metric("entretiens_orientation", _("Entretiens d'orientation comptés dans le mois"), "entretiens")
def orientation_interviews(territory_ids, month):
    interviews = OrientationCount.objects.filter(
        territory_id__in=territory_ids, date__range=(month.first, month.last)
    )
    return counts(_counts(interviews, "territory_id"), territory_ids)


@metric(
    "besoins_sans_partenaire",
    _("Besoins sans partenaire connu relevés en entretien dans le mois"),
    "besoins",
)
def unmet_orientation_needs(territory_ids, month):
    """Needs ticked « sans partenaire connu » in the month's orientation interviews (one per
    interview and need)."""
    ticks = OrientationCount.unmet_needs.through.objects.filter(
        orientationcount__territory_id__in=territory_ids,
        orientationcount__date__range=(month.first, month.last),
    )
    return counts(_counts(ticks, "orientationcount__territory_id"), territory_ids)
