"""Operations of the référent network: keyword-only functions, each in one transaction."""

from dataclasses import dataclass, field
from enum import IntEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from partners.models import Partner, Public, Service, Theme
from portal.models import Commune, Department, Region, Territory
from referents.defaults import DEFAULT_OUTLINE
from referents.models import (
    MAX_ACTIVE_PER_COMMUNE,
    CalendarFeed,
    OrientationCount,
    OutlineQuestion,
    OutlineSection,
    Referent,
)

# --- Référents -------------------------------------------------------------------------------


def pair_conflict_message(*, commune, start, end, exclude_pk=None, lock=False):
    """The French message refusing a third référent in `commune` over [start, end], or ''."""
    others = Referent.objects.filter(commune=commune).overlapping(start, end)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if lock:
        others = others.select_for_update()
    others = list(others)
    if len(others) < MAX_ACTIVE_PER_COMMUNE:
        return ""
    return _(
        "%(commune)s a déjà deux référents en fonction sur cette période (%(names)s). "
        "Un binôme au plus par commune : indiquez d'abord la fin du mandat de l'un d'eux."
    ) % {"commune": commune, "names": ", ".join(str(other) for other in others)}


def save_referent(*, referent):
    """Save a référent, refusing a third active one in the commune.

    The commune row is locked first, so two coordinators adding a référent to the same commune at
    the same moment are served one after the other and the second sees the first one's référent.
    """
    with transaction.atomic():
        Commune.objects.select_for_update().filter(pk=referent.commune_id).first()
        message = pair_conflict_message(
            commune=referent.commune,
            start=referent.mandate_start,
            end=referent.mandate_end,
            exclude_pk=referent.pk,
            lock=True,
        )
        if message:
            raise ValidationError(message)
        referent.full_clean(validate_unique=False)
        referent.save()
    return referent


# --- Calendar ------------------------------------------------------------------------------


def calendar_feed(*, territory):
    """The territory's calendar feed, created on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(
        territory=territory, defaults={"token": CalendarFeed.new_token()}
    )
    return feed


def renew_calendar_feed(*, territory):
    """Give the feed a new secret address: the old one stops working at once."""
    with transaction.atomic():
        feed = calendar_feed(territory=territory)
        feed.token = CalendarFeed.new_token()
        feed.save(update_fields=["token", "renewed_at"])
    return feed


# --- Outline ---------------------------------------------------------------------------------


@dataclass
class OutlineItem:
    key: str
    text: str
    answer_label: str = ""
    public: Public | None = None
    theme: Theme | None = None

    @property
    def is_tickable(self):
        return bool(self.answer_label and (self.public or self.theme))


@dataclass
class OutlineBlock:
    title: str
    items: list = field(default_factory=list)


def _reference_maps():
    """Publics and themes by slug (two queries)."""
    return (
        {public.slug: public for public in Public.objects.all()},
        {theme.slug: theme for theme in Theme.objects.all()},
    )


def default_outline():
    publics, themes = _reference_maps()
    blocks = []
    for section_index, (title, questions) in enumerate(DEFAULT_OUTLINE):
        block = OutlineBlock(title)
        for index, (text, label, public_slug, theme_slug) in enumerate(questions):
            public, theme = publics.get(public_slug), themes.get(theme_slug)
            block.items.append(
                OutlineItem(
                    f"d{section_index}-{index}",
                    text,
                    label if (public or theme) else "",
                    public,
                    theme,
                )
            )
        blocks.append(block)
    return blocks


def outline_for(territory):
    """The territory's outline (two queries), or the default one while it has none."""
    sections = list(
        OutlineSection.objects.filter(territory=territory).prefetch_related(
            Prefetch(
                "questions", queryset=OutlineQuestion.objects.select_related("public", "theme")
            )
        )
    )
    if not sections:
        return default_outline()
    return [
        OutlineBlock(
            section.title,
            [
                OutlineItem(
                    f"q{question.pk}",
                    question.text,
                    question.answer_label or (question.text if question.is_tickable else ""),
                    question.public,
                    question.theme,
                )
                for question in section.questions.all()
            ],
        )
        for section in sections
    ]


def install_default_outline(*, territory):
    """Copy the default outline into the territory so its coordinators can edit it. Idempotent."""
    with transaction.atomic():
        if OutlineSection.objects.filter(territory=territory).exists():
            return False
        for position, block in enumerate(default_outline(), start=1):
            section = OutlineSection.objects.create(
                territory=territory, title=block.title, position=position
            )
            OutlineQuestion.objects.bulk_create(
                OutlineQuestion(
                    section=section,
                    text=item.text,
                    answer_label=item.answer_label,
                    public=item.public,
                    theme=item.theme,
                    position=index,
                )
                for index, item in enumerate(block.items, start=1)
            )
    return True


# --- Partners --------------------------------------------------------------------------------


def partners_for_territory(territory):
    """Partners of the territory's network (its own, and those its coordination accepted) that
    it owns or whose zone covers one of its communes (no query until read)."""
    return Partner.objects.in_network_of(territory.pk).serving_territories([territory.pk])


def zone_prefetches(commune):
    """Prefetches naming how each partner serves `commune` (read by `zone_of`)."""
    return [
        Prefetch(
            "zone_communes", queryset=Commune.objects.filter(pk=commune.pk), to_attr="zone_here"
        ),
        Prefetch(
            "zone_territories",
            queryset=Territory.objects.filter(epcis__communes=commune).distinct(),
            to_attr="zone_territories_here",
        ),
        Prefetch(
            "zone_departments",
            queryset=Department.objects.filter(pk=commune.department_id),
            to_attr="zone_departments_here",
        ),
        Prefetch(
            "zone_regions",
            queryset=Region.objects.filter(departments=commune.department_id),
            to_attr="zone_regions_here",
        ),
    ]


class Proximity(IntEnum):
    """How near a partner is to a person's commune, nearest first: where its address is, or,
    for a partner without an address (a phone line, a service at a distance), its zone."""

    COMMUNE = 0
    EPCI = 1
    TERRITORY = 2
    DEPARTMENT = 3
    REGION = 4
    NATIONAL = 5


def zone_of(partner, commune):
    """(closeness, words): how a partner fetched with `zone_prefetches` serves `commune`, the
    closest zone first (Proximity: the commune itself … the whole country)."""
    if partner.commune_id == commune.pk or getattr(partner, "zone_here", None):
        return Proximity.COMMUNE, commune.name
    for closeness, attribute in (
        (Proximity.TERRITORY, "zone_territories_here"),
        (Proximity.DEPARTMENT, "zone_departments_here"),
        (Proximity.REGION, "zone_regions_here"),
    ):
        found = getattr(partner, attribute, None)
        if found:
            return closeness, str(found[0])
    return Proximity.NATIONAL, _("toute la France") if partner.is_national else ""


def proximity(partner, commune, zone_closeness):
    """How near `partner` is to `commune` (a Proximity). A partner with an address is as near
    as its address (a site in the Dordogne is never "near" a Charente commune, whatever its
    zone); one without an address is as near as its zone. `partner` comes from
    `partners_serving` (commune with department, `in_territory` annotation); `commune` has its
    department loaded."""
    place = partner.commune
    if place is None:
        return zone_closeness
    if place.pk == commune.pk:
        return Proximity.COMMUNE
    if commune.epci_id is not None and place.epci_id == commune.epci_id:
        return Proximity.EPCI
    if getattr(partner, "in_territory", False):
        return Proximity.TERRITORY
    if place.department_id == commune.department_id:
        return Proximity.DEPARTMENT
    if place.department.region_id == commune.department.region_id:
        return Proximity.REGION
    return Proximity.NATIONAL


def partners_serving(commune, territory):
    """Partners of `territory`'s network serving `commune`, ready for a page (constant number
    of queries). Each is annotated `in_territory`: its address lies in the territory."""
    in_territory = Territory.epcis.through.objects.filter(
        territory_id=territory.pk, epci_id=OuterRef("commune__epci_id")
    )
    return (
        Partner.objects.serving(commune)
        .in_network_of(territory.pk)
        .annotate(in_territory=Exists(in_territory))
        .select_related("category", "commune__department")
        .prefetch_related("publics", "themes", "contacts", *zone_prefetches(commune))
        .order_by("category__position", "category__label", "name")
    )


@dataclass
class Match:
    partner: Partner
    publics: list
    themes: list
    zone: str
    closeness: int = 0
    services: list = field(default_factory=list)  # the partner's services meeting a need

    @property
    def score(self):
        return len(self.publics) + len(self.themes)

    @property
    def reason(self):
        what = ", ".join(item.label.lower() for item in [*self.publics, *self.themes])
        reason = f"{self.partner.category} : {what}"
        if self.zone:
            reason += _(", zone : %(zone)s") % {"zone": self.zone}
        return reason


def _services_with_needs():
    """A partner's services with their themes (for their categories) and publics."""
    return Prefetch(
        "offers",
        queryset=Service.objects.prefetch_related("themes", "publics").order_by(
            "position", "name", "pk"
        ),
    )


def match_partners(*, commune, territory, publics, themes):
    """Partners of `territory`'s network serving `commune` that work with one of `publics` or
    on one of `themes` (needs are categories of thématiques: a service's sub-theme meets its
    category), themselves or through one of their services: the nearest first (Proximity: a
    partner far away is never above a near one), then the most criteria met; each with the
    reason it matched and the services that meet a need."""
    public_ids = {public.pk for public in publics}
    theme_ids = {theme.pk for theme in themes}
    if not public_ids and not theme_ids:
        return []
    by_pk = {("public", item.pk): item for item in publics}
    by_pk.update({("theme", item.pk): item for item in themes})
    services = Service.objects.filter(
        Q(publics__in=public_ids) | Q(themes__in=theme_ids) | Q(themes__parent__in=theme_ids)
    )
    wanted = Partner.objects.filter(
        Q(publics__in=public_ids)
        | Q(themes__in=theme_ids)
        | Q(pk__in=services.values("partner_id"))
    )
    matches = []
    candidates = partners_serving(commune, territory).prefetch_related(_services_with_needs())
    for partner in candidates.filter(pk__in=wanted.values("pk")):
        met_publics = {public.pk for public in partner.publics.all()} & public_ids
        met_themes = {theme.pk for theme in partner.themes.all()} & theme_ids
        meeting = []
        for service in partner.offers.all():
            service_publics = {public.pk for public in service.publics.all()} & public_ids
            service_themes = {
                theme.parent_id or theme.pk for theme in service.themes.all()
            } & theme_ids
            if service_publics or service_themes:
                meeting.append(service)
                met_publics |= service_publics
                met_themes |= service_themes
        zone_closeness, zone = zone_of(partner, commune)
        matches.append(
            Match(
                partner,
                sorted((by_pk[("public", pk)] for pk in met_publics), key=_reference_order),
                sorted((by_pk[("theme", pk)] for pk in met_themes), key=_reference_order),
                zone,
                proximity(partner, commune, zone_closeness),
                meeting,
            )
        )
    matches.sort(key=lambda match: (match.closeness, -match.score, match.partner.name))
    return matches


def _reference_order(item):
    return (item.position, item.label)


def unmet_needs(needs, matches):
    """The needs (publics and themes ticked) that no proposed partner meets, in their order."""
    met = {(type(item), item.pk) for match in matches for item in [*match.publics, *match.themes]}
    return [need for need in needs if (type(need), need.pk) not in met]


def count_orientation(*, territory, commune, themes, unmet=()):
    """Keep the anonymous trace of one interview: the day, the commune, the needs (themes) and
    those of them no known partner meets there. Nothing else (no public: see the model)."""
    with transaction.atomic():
        count = OrientationCount.objects.create(territory=territory, commune=commune)
        for relation, items in (
            (OrientationCount.needs, themes),
            (OrientationCount.unmet_needs, [need for need in unmet if isinstance(need, Theme)]),
        ):
            # One INSERT per list that has items (a new count has no link to compare with).
            relation.through.objects.bulk_create(
                relation.through(orientationcount=count, theme=theme) for theme in items
            )
    return count
