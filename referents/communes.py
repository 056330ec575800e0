"""A page per commune: what serves it, for everyone; for the members of its territory, its
référents, their attendance at the rendez-vous du réseau and the anonymous needs counts.

Every query here is bounded whatever the size of the data: the partners serving the commune are
ordered by the database (nearest first, from the centres of the stored commune outlines) and
only the first `PARTNER_LIMIT` are read; the counts are aggregates."""

import datetime
import math

from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Partner
from partners.search import read_shown
from portal.counts import shown_count
from portal.maps import UNIT, Map, Style
from portal.models import Commune, Territory
from referents.models import Meeting, OrientationCount, Referent

PARTNER_LIMIT = 30
SERVICE_LIMIT = 4

COMMUNE_STYLES = (
    Style("commune", gettext_lazy("la commune"), "#1d4e89", "hatch", ink="#ffffff"),
    Style("voisine", gettext_lazy("les autres communes du territoire"), "#e4e7ec"),
)


def with_a_territory():
    """Communes of at least one territory (only they have a page)."""
    return Commune.objects.filter(
        Exists(Territory.epcis.through.objects.filter(epci_id=OuterRef("epci_id")))
    )


def territories_of(commune):
    return list(Territory.objects.filter(epcis=commune.epci_id).order_by("name"))


def _centre(prefix):
    """Twice the centre of an outline, in map units, as floats (no integer overflow)."""
    return (
        Cast(F(f"{prefix}x_min"), FloatField()) + Cast(F(f"{prefix}x_max"), FloatField()),
        Cast(F(f"{prefix}y_min"), FloatField()) + Cast(F(f"{prefix}y_max"), FloatField()),
    )


def nearest_partners(request, commune):
    """(the `PARTNER_LIMIT` partners serving `commune`, nearest first, with a `distance_km`;
    how many serve it in all). Partners of another commune are ordered by the distance
    between the centres of the two communes' outlines; national partners and partners without
    a commune come last, by name. Which ones, and their order, come first, then their rows
    (`read_shown`: the versions of their pages between, in a cached page's build). Four
    queries (five in a cached build): the partners' ids, their rows, their services, the
    count."""
    serving = Partner.objects.serving(commune)
    outline = getattr(commune, "outline", None)
    if outline is not None:
        x2, y2 = _centre("commune__outline__")
        dx = x2 - float(outline.x_min + outline.x_max)
        dy = y2 - float(outline.y_min + outline.y_max)
        ordered = serving.annotate(distance2=dx * dx + dy * dy).order_by(
            F("distance2").asc(nulls_last=True), "name"
        )
    else:
        ordered = serving.annotate(distance2=Value(None, output_field=FloatField())).order_by(
            Case(When(commune_id=commune.pk, then=0), default=1), "name"
        )
    rows = Partner.objects.select_related("category", "commune").prefetch_related("offers")
    partners = []
    for partner, distance2 in read_shown(request, ordered[:PARTNER_LIMIT], rows, "distance2"):
        partner.distance_km = (
            None if distance2 is None else round(math.sqrt(distance2) / 2 * UNIT / 1000)
        )
        partner.shown_services = list(partner.offers.all())[:SERVICE_LIMIT]
        partners.append(partner)
    return partners, serving.count()


def commune_map(commune, territory):
    """The territory's communes, `commune` shaded, each linked to its own page. One query."""
    communes = (
        territory.communes.filter(outline__isnull=False)
        .select_related("outline")
        .order_by("search_name")
    )
    figure = Map(
        id="carte-commune",
        title=_("%(commune)s dans %(territory)s")
        % {"commune": commune.name, "territory": territory.name},
        description=_("La commune est hachurée ; chaque commune mène à sa page."),
    )
    here, other = COMMUNE_STYLES
    for each in communes:
        figure.add_area(
            each.outline,
            style=here if each.pk == commune.pk else other,
            label=each.name,
            href=reverse("communes:detail", args=[each.insee_code, each.slug]),
            highlight=each.pk == commune.pk,
        )
    return figure if figure.areas else None


def referents_of(commune, today=None):
    """The commune's active référents, each with `present` and `invited`: the rendez-vous du
    réseau of the last 12 months they attended and were invited to. One query."""
    today = today or timezone.localdate()
    since = datetime.datetime.combine(
        datetime.date(today.year - 1, today.month, 1),
        datetime.time(),
        tzinfo=timezone.get_current_timezone(),
    )
    now = timezone.now()

    def held(relation):
        return Q(**{f"{relation}__starts_at__gte": since, f"{relation}__starts_at__lt": now})

    return list(
        Referent.objects.filter(commune=commune)
        .active(today)
        .annotate(
            present_count=Count("attendances", filter=held("attendances"), distinct=True),
            invited_count=Count("invitations", filter=held("invitations"), distinct=True),
        )
        .order_by("last_name", "first_name")
    )


def needs_of(commune, today=None):
    """The first interviews counted in the commune over the last 12 months (anonymous): their
    number and, per need, how many ticked it and how many found no known partner. Counts under
    5 are « moins de 5 » (portal.counts). Three queries."""
    today = today or timezone.localdate()
    since = datetime.date(today.year - 1, today.month, 1)
    counts = OrientationCount.objects.filter(commune=commune, date__gte=since)
    total = counts.count()
    rows = {}
    for key, field in (("met", "needs"), ("unmet", "unmet_needs")):
        for label, number in (
            counts.filter(**{f"{field}__isnull": False})
            .values_list(f"{field}__label")
            .annotate(number=Count("pk"))
            .order_by()
        ):
            rows.setdefault(label, {"label": label, "met": 0, "unmet": 0})[key] = number
    ordered = sorted(rows.values(), key=lambda row: (-row["met"], row["label"]))
    for row in ordered:
        row["met"], row["unmet"] = shown_count(row["met"]), shown_count(row["unmet"])
    return {"since": since, "total": shown_count(total), "rows": ordered}


def upcoming_meetings(territories, limit=5):
    """The next rendez-vous du réseau of the commune's territories (members only). One query."""
    return list(Meeting.objects.filter(territory__in=territories).upcoming().for_list()[:limit])


def public_events_horizon(territories):
    """The next moment one of the public events of `territories` is over (`next_over`): the
    public events the page lists stay the same until then. One query."""
    return Meeting.objects.public().filter(territory__in=territories).next_over()


def public_events(commune, territories, horizon, limit=5):
    """The next events open to the public of the commune's territories (not over at
    `horizon`: now, or `public_events_horizon`), those held in the commune first. One query."""
    in_commune = Q(commune=commune) | Q(commune__isnull=True, host__commune=commune)
    return list(
        Meeting.objects.filter(territory__in=territories)
        .public()
        .not_over_at(horizon)
        .select_related("host", "host__commune", "commune")
        .annotate(here=Case(When(in_commune, then=0), default=1))
        .order_by("here", "starts_at")[:limit]
    )
