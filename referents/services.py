"""Operations of the référent network: keyword-only functions, each in one transaction."""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from partners.models import Partner, Public, Theme
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


# --- Roadmap actions à discuter (no import of roadmaps: see DESIGN.md) -------------------------


def actions_to_discuss(*, territory):
    """The roadmap actions flagged « à discuter », or [] while the roadmaps app is absent."""
    try:
        action_model = apps.get_model("roadmaps", "Action")
    except LookupError:
        return []
    try:
        return list(
            action_model.objects.filter(
                axis__roadmap__territory=territory, to_discuss=True
            ).select_related("axis__roadmap__territory")
        )
    except FieldError:
        return []


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
    """Partners owned by the territory or serving one of its communes (no query until read)."""
    return Partner.objects.serving_territories([territory.pk])


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


def zone_of(partner, commune):
    """(closeness, words): how a partner fetched with `zone_prefetches` serves `commune`, the
    closest zone first (0 the commune itself … 4 the whole country)."""
    if partner.commune_id == commune.pk or getattr(partner, "zone_here", None):
        return 0, commune.name
    for closeness, attribute in enumerate(
        ("zone_territories_here", "zone_departments_here", "zone_regions_here"), start=1
    ):
        found = getattr(partner, attribute, None)
        if found:
            return closeness, str(found[0])
    return 4, _("toute la France") if partner.is_national else ""


def partners_serving(commune):
    """Partners serving `commune`, ready for a page (constant number of queries)."""
    return (
        Partner.objects.serving(commune)
        .select_related("category", "commune")
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


def match_partners(*, commune, publics, themes):
    """Partners serving `commune` that work with one of `publics` or on one of `themes`: the
    most criteria met first, then the closest; each with the reason it matched."""
    public_ids = {public.pk for public in publics}
    theme_ids = {theme.pk for theme in themes}
    if not public_ids and not theme_ids:
        return []
    matches = []
    wanted = Partner.objects.filter(Q(publics__in=public_ids) | Q(themes__in=theme_ids))
    for partner in partners_serving(commune).filter(pk__in=wanted.values("pk")):
        closeness, zone = zone_of(partner, commune)
        matches.append(
            Match(
                partner,
                [public for public in partner.publics.all() if public.pk in public_ids],
                [theme for theme in partner.themes.all() if theme.pk in theme_ids],
                zone,
                closeness,
            )
        )
    matches.sort(key=lambda match: (-match.score, match.closeness, match.partner.name))
    return matches


def count_orientation(*, territory, commune, themes):
    """Keep the anonymous trace of one interview: the day, the commune, the needs. Nothing else."""
    with transaction.atomic():
        count = OrientationCount.objects.create(territory=territory, commune=commune)
        count.needs.set(themes)
    return count
