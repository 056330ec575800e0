"""The directory's reads, shared by the page and its exports, each in a fixed number of queries."""

from typing import NamedTuple

from django.db.models import CharField, F, Func, IntegerField, Q, Value
from django.db.models.functions import Cast

from partners.models import Category, Partner, Public, Service, Theme
from portal.cache import show_rows
from portal.models import Commune, Department, Region, Territory, commune_slug
from portal.scopes import partner_scope
from portal.text import normalize

PAGE_SIZE = 20
EXPORT_MAX = 5000
DATALIST_MAX = 1000
KINDS = {"category": Category, "public": Public, "theme": Theme}


def reference_options():
    """Categories, publics and themes in ONE query (a UNION ALL of the three small lists).

    Returns ({"category": [(slug, label)], ..., "ids": {(kind, slug): [id, ...]}},
    {("public", id): label, ...}). "ids" are what a public or theme filter looks for in
    Partner.directory_ids: a public's id, negated; a theme's id and its sub-themes'.
    """
    queries = [
        model.objects.order_by()
        .annotate(
            list_kind=Value(kind, output_field=CharField()),
            parent_pk=F("parent_id") if model is Theme else Cast(Value(None), IntegerField()),
        )
        .values_list("list_kind", "pk", "slug", "label", "position", "parent_pk")
        for kind, model in KINDS.items()
    ]
    rows = sorted(queries[0].union(*queries[1:], all=True), key=lambda row: (row[4], row[3]))
    options = {kind: [] for kind in KINDS}
    labels = {}
    ids = {}
    theme_slugs = {pk: slug for kind, pk, slug, *_rest in rows if kind == "theme"}
    for kind, pk, slug, label, _position, parent in rows:
        options[kind].append((slug, label))
        labels[(kind, pk)] = label
        if kind == "public":
            ids[(kind, slug)] = [-pk]
        elif kind == "theme":
            ids.setdefault((kind, slug), []).append(pk)
            if parent in theme_slugs:
                ids.setdefault((kind, theme_slugs[parent]), []).append(pk)
    options["ids"] = ids
    return options, labels


class CommuneChoice(NamedTuple):
    """A commune of the datalist: what search needs, without building 1,000 model instances."""

    pk: int
    name: str
    insee_code: str
    search_name: str
    epci_id: int | None
    department_id: int

    @property
    def slug(self):
        return commune_slug(self.name)


def datalist_communes(request):
    """Communes offered by the commune input: the current territory's (members), or those of
    every territory of the network (visitors). Bounded by the network, never the 35,000."""
    territory = request.territory if request.user.is_authenticated else None
    links = Territory.epcis.through.objects.all()
    if territory:
        links = links.filter(territory_id=territory.pk)
    rows = Commune.objects.filter(epci__in=links.values("epci_id")).values_list(
        "pk", "name", "insee_code", "search_name", "epci_id", "department_id"
    )
    return [CommuneChoice(*row) for row in rows[:DATALIST_MAX]]


def directory_queryset(cleaned):
    """Partners matching a valid DirectorySearchForm's cleaned data, sorted."""
    partners = Partner.objects.select_related("category", "commune")
    # Each filter is a condition on the partner's row (its directory fields, see
    # Partner.directory_ids): no subquery, so the page can walk the name index and stop at 20.
    for word in normalize(cleaned.get("q") or "").split()[:10]:
        # The partner's own text, or its services' names and descriptions.
        partners = partners.filter(Q(search_text__contains=word) | Q(services_text__contains=word))
    if cleaned.get("commune"):
        partners = partners.serving(cleaned["commune"])
    for kind in ("public", "theme"):
        if cleaned.get(kind):  # the ids the form read from reference_options()
            partners = partners.filter(directory_ids__overlaps=cleaned[f"{kind}_ids"])
    if cleaned.get("category"):
        partners = partners.filter(category__slug=cleaned["category"])
    if cleaned.get("scale"):
        partners = partners.filter(scale=cleaned["scale"])
    if cleaned.get("accueil"):
        partners = partners.with_reception_mode(cleaned["accueil"])
    sort = cleaned.get("tri") or "nom"
    if sort == "commune":
        return partners.order_by(F("commune__name").asc(nulls_last=True), "name", "pk")
    if sort == "verification":
        return partners.order_by(F("verified_at").desc(nulls_last=True), "name", "pk")
    return partners.order_by("name", "pk")


class Unindexed(Func):
    """The same value, sorted the same way, but no index can give the order: `name || ''`."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def sorted_apart(partners):
    """Partners sorted by name (the default sort) without the name index, once their count
    is known to be small (under the paginator's bound).

    Sorted by name, PostgreSQL walks the name index and checks each partner until it has a
    page, which is right when the matches are many and spread, but reads most of the country
    when they are few or grouped by name (« mission locale »: 70,000 partners read for 20).
    Without that order to walk, it reads the few matches through the filters' own indexes
    and sorts them (docs/performance.md, « Annuaire à 100 000 partenaires »)."""
    if tuple(partners.query.order_by) != ("name", "pk"):
        return partners
    return partners.order_by(Unindexed(F("name")), "pk")


def read_shown(request, ordered, rows, *extra):
    """[(partner, *values of `extra`)] for the partners of `ordered` (a page, sliced), in its
    order: their ids, slugs and `extra` columns first, then the versions of their pages (in a
    cached page's build, `portal.cache.show_rows`: the copy is served again only while none of
    them changed), then their rows from `rows`. Read in that order, the rows are never older
    than the versions kept. Queries: ids, (versions,) rows; none of the last two for no row."""
    found = list(ordered.values_list("pk", "slug", *extra))
    show_rows(request, [partner_scope(slug) for _pk, slug, *_values in found])
    by_id = rows.in_bulk([pk for pk, *_rest in found])
    return [(by_id[pk], *values) for pk, _slug, *values in found if pk in by_id]


def attach_labels(partners, labels):
    """Set `public_labels` and `theme_labels` on each partner, in ONE query over both link
    tables (a UNION ALL), using the labels already loaded by reference_options()."""
    partners = list(partners)
    by_id = {partner.pk: partner for partner in partners}
    for partner in partners:
        partner.public_labels, partner.theme_labels = [], []
    if not partners:
        return partners
    publics = (
        Partner.publics.through.objects.filter(partner_id__in=by_id)
        .annotate(list_kind=Value("public", output_field=CharField()))
        .values_list("partner_id", "list_kind", "public_id")
    )
    themes = (
        Partner.themes.through.objects.filter(partner_id__in=by_id)
        .annotate(list_kind=Value("theme", output_field=CharField()))
        .values_list("partner_id", "list_kind", "theme_id")
    )
    for partner_id, kind, item_id in publics.union(themes, all=True):
        target = (
            by_id[partner_id].public_labels if kind == "public" else by_id[partner_id].theme_labels
        )
        target.append(labels[(kind, item_id)])
    for partner in partners:
        partner.public_labels.sort()
        partner.theme_labels.sort()
        partner.service_names = []
    services = Service.objects.filter(partner_id__in=by_id).values_list("partner_id", "name")
    for partner_id, name in services.order_by("partner_id", "position", "name"):
        by_id[partner_id].service_names.append(name)
    return partners


def zone_of(partner):
    """The partner's zone of intervention as {"communes": [...], "territories": [...], ...} of
    (pk, name), in ONE query (a UNION ALL of the four zone tables)."""
    queries = [
        model.objects.filter(served_by=partner)
        .order_by()
        .annotate(list_kind=Value(kind, output_field=CharField()))
        .values_list("list_kind", "pk", "name")
        for kind, model in (
            ("communes", Commune),
            ("territories", Territory),
            ("departments", Department),
            ("regions", Region),
        )
    ]
    zone = {"communes": [], "territories": [], "departments": [], "regions": []}
    for kind, pk, name in queries[0].union(*queries[1:], all=True):
        zone[kind].append((pk, name))
    for items in zone.values():
        items.sort(key=lambda item: item[1])
    return zone
