"""Which content versions a change makes stale: the scopes of a row, derived from the models.

A cached page (portal/cache.py) depends on the content version `all` and on its own scopes; a
change replaces the tokens of the scopes of the rows it touches, and only those pages go stale.

Scopes:

- `all`: reference data any page may show (communes, EPCIs, departments, regions, categories,
  publics, themes…), a territory's own row (its name shows on partner pages and national lists,
  its EPCIs decide which communes and partners are its own), bulk writes that name no scope, and
  any row the derivation below cannot place;
- `territory:<slug>`: what the pages of one territory show (its roadmap, dashboard, public pages,
  guide, the API's actions of its roadmap);
- `partner:<slug>`: a partner's record page;
- `directory`: the national lists of partners that show them without checking each one (the
  API's structures and services): any change of a partner or of its rows;
- `listing`: which partners the directory's pages list and in which order: the same changes,
  except a save of a partner's own row that leaves the columns it is listed by alone (its phone
  number). The directory's pages also depend on the `partner:<slug>` of each partner they show,
  checked on each request (portal/cache.py, `show_rows`);
- `national`: the other lists over every territory (published roadmaps, the API's roadmaps and
  events): any change with a `territory:` scope touches it too;
- `events`: the public events list (/evenements/, and the API's events), declared by the model
  it lists (`cache_scopes_shown` of Meeting, below): narrower than `national`, which every edit
  anywhere stales;
- `roadmaps`: the list of published roadmaps, declared likewise by Roadmap: an action's progress
  or a signal recorded somewhere leaves it alone.

Names carry the slug, not the primary key: a page must read its tokens before its data (so that
it is never older than the last committed change) and knows only the slug from its URL. A change
of slug stales the old and the new name, like any change that moves a row.

No `territories` scope (national partners shown on every territory's pages) is needed: the only
cached territory page listing partners, the guide, lists the territory's network
(`Partner.objects.in_network_of`: its own partners and those it accepted), never partners by zone
or national ones; a partner accepted into a network is found through its NetworkMembership row.

How a row's scopes are found (`scopes_in_db`, per model class once, `_plan`):

1. **Roots** declare their scope by hand, and nothing else does: a model with `cache_scope`
   (Territory, Partner). `cache_members` (Territory: "epcis") makes the rows whose forward path
   reaches one of those EPCIs the root's own (a référent's or an establishment's commune);
   `cache_scopes_when_changed` are added when the root's own row changes (Territory: `all`);
   `cache_shown_where_referenced` (Partner) adds `directory` and the scopes of every row that
   references it (an action of another territory, a NetworkMembership of the network that
   accepted it, a signal, a need, an exchange, a rendez-vous it hosts…). `cache_list_scope`
   (Partner: `listing`) is added to every change of the root or of its rows, except a save of
   the root's own row that leaves its `cache_list_fields` alone (`keeps_its_place`).
2. **Forward paths**: the forward FK/O2O chains (at most MAX_DEPTH) of a model that end at a root.
   A row belongs to its territory when it has a path to one (a roadmap action, even with a pilot
   partner, shows on its territory's pages, not on the partner's); otherwise to the roots its
   paths reach (a service or a contact: its partner, with all of the partner's scopes). A model
   with a path that has its own national list declares that list's scopes,
   `cache_scopes_shown` (Meeting: `events`): they are added to its rows' scopes, and to the
   scopes of a root shown where referenced that one of its rows references (a rendez-vous's
   host partner), read by the same query as the territories that reference it.
3. **Reference data**: the models a root cannot exist without or is described by (targets of its
   PROTECT foreign keys and of its many-to-many fields), what they reference in turn, and rows
   whose primary key extends one of them (a commune's outline): `all`.
4. **Other models** (an account): the scopes of the rows that reference them (a person's name
   shows where their membership, actions, signals… are); `all` when none does.

A change of more than MAX_SCOPES scopes is written as `all` (one row instead of thousands).
"""

from collections import defaultdict
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import Value

# The apps whose rows cached pages show, and their models that no cached page shows: writing
# them must not make any page stale. The orientation helper records one count per interview
# (shown on the observatory only, which is not cached); a calendar feed's secret token shows on
# the rendez-vous page only (not cached either); the weekly digest's bookkeeping nowhere.
WATCHED_APPS = {"portal", "partners", "companies", "roadmaps", "referents"}
IGNORED_MODELS = {
    "portal.contentversion",
    "portal.formsubmission",  # tokens of creation forms already sent (portal/submissions.py)
    "referents.calendarfeed",
    "referents.digestoptout",
    "referents.digestsent",
    "referents.registration",  # shown on no cached page (events and rendez-vous are not cached)
    "referents.orientationcount",
    "referents.orientationcount_needs",
    "referents.orientationcount_unmet_needs",
}

ALL = "all"
DIRECTORY = "directory"
EVENTS = "events"
ROADMAPS = "roadmaps"
LISTING = "listing"
NATIONAL = "national"
TERRITORY = "territory"
MAX_DEPTH = 6
MAX_SCOPES = 100
SLUG = "slug"


def is_watched(model):
    meta = model._meta
    return meta.app_label in WATCHED_APPS and meta.label_lower not in IGNORED_MODELS


def is_root(model):
    return getattr(model, "cache_scope", None) is not None


def is_container(model):
    """A root whose rows belong to it (Territory), as opposed to one shown wherever referenced."""
    return is_root(model) and not getattr(model, "cache_shown_where_referenced", False)


def roots():
    return [model for model in apps.get_models() if is_root(model)]


def _forward_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and (field.many_to_one or field.one_to_one)
    ]


@cache
def members():
    """{model: (root, lookup from the model to the root)} for the `cache_members` of roots."""
    found = {}
    for root in roots():
        name = getattr(root, "cache_members", None)
        if name:
            field = root._meta.get_field(name)
            found[field.related_model] = (root, field.related_query_name())
    return found


@cache
def reference_models():
    """Models a root's row cannot exist without (PROTECT) or is described by (many-to-many),
    what they reference, and rows whose primary key extends one of them."""
    found = set()
    pending = []
    for root in roots():
        for field in root._meta.get_fields():
            if not field.is_relation or field.auto_created or not field.related_model:
                continue
            protected = getattr(field.remote_field, "on_delete", None) is models.PROTECT
            if field.many_to_many or protected:
                pending.append(field.related_model)
    while pending:
        model = pending.pop()
        if model in found or is_root(model):
            continue
        found.add(model)
        pending.extend(field.related_model for field in _forward_fields(model))
    for model in apps.get_models():
        primary = model._meta.pk
        if primary.is_relation and primary.related_model in found:
            found.add(model)
    return frozenset(found)


@cache
def forward_paths(model):
    """[(lookup, root)]: the forward chains from `model` to a root, stopping at the first root
    met on each chain. A row belongs to its territory: only the chains of foreign keys to a
    territory when there are some (a signal's, not its establishment's commune's), else those
    through a territory's members (a référent's commune), else the chains to other roots."""
    paths = []
    chains = [("", model, (model,))]
    for _depth in range(MAX_DEPTH):
        longer = []
        for prefix, current, seen in chains:
            for field in _forward_fields(current):
                target = field.related_model
                lookup = f"{prefix}{field.name}"
                if is_root(target):
                    paths.append((lookup, target, True))
                elif target in members():
                    root, name = members()[target]
                    paths.append((f"{lookup}__{name}", root, False))
                elif target not in seen:
                    longer.append((f"{lookup}__", target, (*seen, target)))
        chains = longer
    direct = [(lookup, root) for lookup, root, fk in paths if fk and is_container(root)]
    member = [(lookup, root) for lookup, root, fk in paths if not fk and is_container(root)]
    return tuple(direct or member or [(lookup, root) for lookup, root, _fk in paths])


@cache
def record_paths(model):
    """[(field name, root)]: the direct foreign keys to a root shown where referenced (a
    partner) of a model placed in its territory (`forward_paths` keeps only the territory's
    chains). Such a row also shows on that root's own record page, and only there: which
    members see a partner's contacts depends on its NetworkMembership rows."""
    paths = forward_paths(model)
    if not paths or not all(is_container(root) for _lookup, root in paths):
        return ()
    return tuple(
        (field.name, field.related_model)
        for field in _forward_fields(model)
        if is_root(field.related_model) and not is_container(field.related_model)
    )


@cache
def referencing(model):
    """[(referencing model, field name on it)]: the watched models with a forward FK, O2O or
    many-to-many field to `model` and a way to a root (a path, or being one)."""
    found = []
    for other in apps.get_models():
        if not is_watched(other) or not (is_root(other) or forward_paths(other)):
            continue
        for field in other._meta.get_fields():
            if (
                field.is_relation
                and not field.auto_created
                and field.concrete
                and field.related_model is model
            ):
                found.append((other, field.name))
    return tuple(found)


def kind(model):
    if model in reference_models():
        return "reference"
    if is_root(model):
        return "root"
    if forward_paths(model):
        return "path"
    return "referenced"


def scopes_in_db(model, pk, *, own=True):
    """The scopes of the row `pk` of `model` as the database holds it now (in the caller's
    transaction): set of names. `own`: the row itself changes (a root adds its
    `cache_scopes_when_changed`)."""
    category = kind(model)
    if category == "reference":
        return {ALL}
    manager = model._base_manager
    if category == "root":
        scopes = root_scopes(model, [pk])
        if own:
            scopes |= set(getattr(model, "cache_scopes_when_changed", ()))
        return scopes or {ALL}
    if category == "path":
        queryset = manager.filter(pk=pk)
        scopes = _path_scopes(queryset, forward_paths(model), records=record_paths(model))
        return scopes | shown_scopes(model) if scopes else {ALL}
    return _referenced_scopes(model, pk) or {ALL}


@cache
def first_hops(model):
    """The columns a row's path scopes start from (`axis_id` of an action, `partner_id` of a
    service): a save that leaves them alone leaves its scopes alone. Empty for the models whose
    scopes depend on more than their own columns' foreign keys (roots, reference data, rows
    placed by what references them)."""
    if kind(model) != "path":
        return ()
    paths = (*forward_paths(model), *record_paths(model))
    names = sorted({lookup.split("__")[0] for lookup, _root in paths})
    return tuple(model._meta.get_field(name).attname for name in names)


def scopes_before_save(model, pk):
    """(scopes, values of `first_hops`) of the row `pk` as stored, before a save: the path's
    query reads the columns too (no query more)."""
    hops = first_hops(model)
    if not hops:
        return scopes_in_db(model, pk), None
    values = []
    queryset = model._base_manager.filter(pk=pk)
    scopes = _path_scopes(queryset, forward_paths(model), hops, values, record_paths(model))
    return scopes | shown_scopes(model) if scopes else {ALL}, values[0] if values else None


def _path_scopes(queryset, paths, hops=(), hop_values=None, records=()):
    """The scopes reached from the rows of `queryset` along `paths`: one query (the slugs of
    the territories joined), plus the scopes of the other roots reached (a partner's), plus the
    record pages of `records` (`record_paths`). The values of the columns `hops`, read by the
    same query, are appended to `hop_values`."""
    columns = [
        f"{lookup}__{SLUG}" if is_container(root) else f"{lookup}__pk" for lookup, root in paths
    ]
    record_columns = [f"{name}__{SLUG}" for name, _root in records]
    scopes = set()
    others = defaultdict(set)
    for row in queryset.values_list(*columns, *hops, *record_columns):
        if hops and not hop_values:
            hop_values.append(row[len(columns) : len(columns) + len(hops)])
        for (_name, root), value in zip(records, row[len(row) - len(records) :], strict=True):
            if value is not None:
                scopes.add(f"{root.cache_scope}:{value}")
        for (_lookup, root), value in zip(paths, row[: len(columns)], strict=True):
            if value is None:
                continue
            if is_container(root):
                scopes.add(f"{root.cache_scope}:{value}")
            else:
                others[root].add(value)
    for root, pks in others.items():
        scopes |= root_scopes(root, pks)
    return scopes


def root_scopes(root, pks):
    """The scopes of rows `pks` of a root: `<cache_scope>:<slug>`, and for a root shown where
    referenced its own paths' scopes, `cache_scopes_shown` and the scopes of the rows that
    reference it (only those with a path to a territory: no recursion)."""
    pks = list(pks)
    if not pks:
        return set()
    manager = root._base_manager
    if is_container(root):
        slugs = manager.filter(pk__in=pks).values_list(SLUG, flat=True)
        return {f"{root.cache_scope}:{slug}" for slug in slugs}
    scopes = set(getattr(root, "cache_scopes_shown", ()))
    if list_scope := getattr(root, "cache_list_scope", None):
        scopes.add(list_scope)
    paths = forward_paths(root)
    columns = [SLUG, *(f"{lookup}__{SLUG}" for lookup, _root in paths)]
    for slug, *owners in manager.filter(pk__in=pks).values_list(*columns):
        scopes.add(f"{root.cache_scope}:{slug}")
        scopes |= {
            f"{owner_root.cache_scope}:{owner}"
            for (_lookup, owner_root), owner in zip(paths, owners, strict=True)
            if owner is not None
        }
    return scopes | _container_scopes_referencing(root, pks)


def shown_scopes(model):
    """The scopes of the national lists that show `model`'s rows, declared by a model with a
    path (`cache_scopes_shown`; a root's own are added by `root_scopes`)."""
    if is_root(model):
        return set()
    return set(getattr(model, "cache_scopes_shown", ()))


def _container_scopes_referencing(model, pks):
    """`territory:<slug>` of every territory whose rows reference one of `pks`, and the
    `shown_scopes` of those rows' models: one query per container root (one `UNION` over the
    referencing tables, each row with its territory's slug and its model's shown scopes)."""
    queries = defaultdict(list)
    for other, field in referencing(model):
        shown = Value(" ".join(sorted(shown_scopes(other))), output_field=models.CharField())
        for lookup, root in forward_paths(other):
            if is_container(root):
                queries[root].append(
                    other._base_manager.filter(**{f"{field}__in": pks})
                    .values_list(f"{lookup}__{SLUG}", shown)
                    .order_by()
                )
    scopes = set()
    for root, parts in queries.items():
        rows = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        for slug, shown in rows:
            if slug is not None:
                scopes.add(f"{root.cache_scope}:{slug}")
            scopes.update(shown.split())
    return scopes


def _referenced_scopes(model, pk):
    """The scopes of the rows that reference row `pk` of `model` (an account: its membership,
    the partner it verified…)."""
    scopes = _container_scopes_referencing(model, [pk])
    for other, field in referencing(model):
        if is_root(other):
            pks = other._base_manager.filter(**{field: pk}).values_list("pk", flat=True)
            scopes |= root_scopes(other, pks)
        else:
            paths = [path for path in forward_paths(other) if not is_container(path[1])]
            if paths:
                scopes |= _path_scopes(other._base_manager.filter(**{field: pk}), paths)
    return scopes


def list_values(model, pk):
    """The values of the columns that place row `pk` of a listed root in its lists
    (`cache_list_fields`: which partners the directory shows, in which order) as stored, or
    None for a model without them."""
    fields = getattr(model, "cache_list_fields", None)
    if not fields or pk is None:
        return None
    names = [model._meta.get_field(name).attname for name in fields]
    return model._base_manager.filter(pk=pk).values_list(*names).first()


def keeps_its_place(model, pk, before):
    """True when row `pk` of a listed root, just saved, has the `cache_list_fields` values it
    had before the save (`list_values`, read again: a save may not write every column): the
    lists that show it still show it in the same place, and only what they show of it changed,
    which they check row by row (portal/cache.py, `show_rows`)."""
    return before is not None and list_values(model, pk) == before


def finish(scopes):
    """The names to write for a change: `national` with any territory's, `all` alone when
    `all` is in or when there are too many."""
    scopes = set(scopes)
    if ALL in scopes or len(scopes) > MAX_SCOPES:
        return [ALL]
    if any(scope.startswith(f"{TERRITORY}:") for scope in scopes):
        scopes.add(NATIONAL)
    return sorted(scopes)


def territory_scope(slug):
    return f"{TERRITORY}:{slug}"


def partner_scope(slug):
    return f"partner:{slug}"
