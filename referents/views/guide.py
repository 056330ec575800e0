"""Guide du référent: a printable document assembled from live data, in HTML and PDF."""

from functools import partial
from itertools import groupby

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from partners.models import Service
from portal.cache import render_cached
from portal.models import Membership
from portal.pdf import cached_pdf_response
from portal.scopes import territory_scope
from referents.maps import guide_map
from referents.models import Meeting, Referent
from referents.perms import get_territory_for_user
from referents.services import outline_for, partners_for_territory, partners_serving

# A guide lists at most this many partners: a larger network (the guide of a metropolis)
# would make a document nobody reads (10,000 entries, 25 MB), so the guide then asks for a
# commune, whose guide lists the partners serving it.
GUIDE_PARTNERS_MAX = 300


def guide_context(territory, commune):
    """Everything the guide shows, in a constant number of queries: coordinators, référents,
    partners with category, publics, themes and contacts (+ 4 zone prefetches for one commune),
    the outline (2), the next rendez-vous, the communes with their outline (the map)."""
    if commune:
        partners = partners_serving(commune, territory)
        referents = Referent.objects.filter(commune=commune).active().select_related("commune")
    else:
        partners = (
            partners_for_territory(territory)
            .select_related("category", "commune")
            .prefetch_related("publics", "themes", "contacts")
            .order_by("category__position", "category__label", "name")
        )
        referents = Referent.objects.for_network(territory)
    partners = list(partners[: GUIDE_PARTNERS_MAX + 1])
    too_many = len(partners) > GUIDE_PARTNERS_MAX
    if too_many:
        partners = []  # « more than 300 »: the guide asks for a commune instead
    # Their services (data·inclusion v1), named in each partner's entry: one query.
    prefetch_related_objects(
        partners, Prefetch("offers", queryset=Service.objects.order_by("position", "name", "pk"))
    )
    outline = outline_for(territory)
    groups = [
        (category, list(items)) for category, items in groupby(partners, lambda p: p.category)
    ]
    routing = []
    for block in outline:
        for item in block.items:
            if not item.is_tickable:
                continue
            matching = [
                partner
                for partner in partners
                if (item.public and item.public in partner.publics.all())
                or (item.theme and item.theme in partner.themes.all())
            ]
            routing.append({"label": item.answer_label, "partners": matching})
    referents = list(referents)
    communes = territory.communes.select_related("outline").order_by("search_name")
    figure, styles = guide_map(territory, communes, referents, commune)
    coordinators = [
        membership.user
        for membership in Membership.objects.filter(
            territory=territory, role=Membership.Role.COORDINATOR
        ).select_related("user")
    ]
    return {
        "territory": territory,
        "commune": commune,
        "coordinators": coordinators,
        "referents": referents,
        "map": figure,
        "legend": figure.legend(styles),
        "groups": groups,
        "partner_count": len(partners),
        "too_many_partners": too_many,
        "partners_max": GUIDE_PARTNERS_MAX,
        "outline": outline,
        "routing": routing,
        "meetings": list(Meeting.objects.of_territory(territory).upcoming().for_list()[:3]),
        "generated_at": timezone.localtime(),
    }


# The query parameters the guide reads (chosen_commune; the territory is in the path): the only ones
# that make a PDF of its own in the cache.
GUIDE_PARAMS = ("commune",)


def guide(request, territory_slug, as_pdf=False):
    territory, _can_edit = get_territory_for_user(request, territory_slug)
    scopes = (territory_scope(territory.slug),)
    if as_pdf:
        build = partial(guide_pdf, request, territory)
        return cached_pdf_response(
            request, "referents/guide_pdf.html", build, params=GUIDE_PARAMS, scopes=scopes
        )
    build = partial(guide_page, request, territory)
    return render_cached(request, "referents/guide.html", build, params=GUIDE_PARAMS, scopes=scopes)


def guide_page(request, territory):
    communes, commune = chosen_commune(request, territory)
    return guide_context(territory, commune) | {"communes": communes}


def guide_pdf(request, territory):
    _communes, commune = chosen_commune(request, territory)
    name = slugify(f"guide-du-referent-{territory.slug}-{commune or ''}")
    return guide_context(territory, commune), f"{name}.pdf"


def chosen_commune(request, territory):
    """(the territory's communes, the commune asked for by `?commune=<id>` or None); 404 for a
    commune outside the territory."""
    communes = list(territory.communes.order_by("search_name").only("pk", "name"))
    commune_id = request.GET.get("commune", "")
    if not commune_id:
        return communes, None
    commune = next((c for c in communes if str(c.pk) == commune_id), None)
    if commune is None:
        raise Http404("Commune hors du territoire")
    return communes, territory.communes.select_related("department").get(pk=commune.pk)
