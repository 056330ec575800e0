"""Who may see and change what: the few predicates every app's perms.py builds on.

- `can_view(user, territory)`, `can_edit(user, territory)`: booleans, staff always True;
- `get_territory_for_user(request, slug)` -> (territory, can_edit), 404 if hidden;
  `get_territory_rw_for_user(request, slug)` -> territory, 404 if hidden, 403 if read-only;
- `territory_ids_for(user)`, `editable_territory_ids_for(user)`: what querysets filter on
  (None means every territory, for staff).

Views never call these directly to decide: they call their app's `perms.py` pairs
(`get_<object>_for_user` / `get_<object>_rw_for_user`), built on them.

A user sees the territories they belong to (as référent or coordinateur) and changes only those
where they are coordinateur. Staff see and change everything. An object outside the user's
territories is a 404 (its existence is not disclosed); a read-only user trying to write gets a 403.
A page that works in "the current territory" asked by a user who has none (an account not yet
attached to a territory) is neither: it answers with the "no territory yet" page (NoTerritory).
"""

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.models import Membership, Territory

SESSION_KEY = "maillage_territory"
MENU_FIELDS = ("id", "name", "slug", "kind")
MEMBERSHIPS_SQL = (
    "SELECT m.territory_id, m.role, t.name, t.slug, t.kind"
    f" FROM {Membership._meta.db_table} m JOIN {Territory._meta.db_table} t"
    " ON t.id = m.territory_id WHERE m.user_id = %s ORDER BY t.name, t.id"
)


def roles_of(user):
    """{territory_id: role} for the user's memberships, fetched once per request.

    The same query brings the territories themselves, which are the menu of a user who is not
    staff (`territory_list`): one query for both on every signed-in page. It is written in SQL
    because it runs on every signed-in request: the ORM spent seven times longer building it
    than the database took to answer (docs/performance.md)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_maillage_roles", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(MEMBERSHIPS_SQL, [user.pk])
            rows = cursor.fetchall()
        cached = user._maillage_roles = {row[0]: row[1] for row in rows}
        if not user.is_staff:
            user._maillage_territories = [
                Territory(id=pk, name=name, slug=slug, kind=kind)
                for pk, _, name, slug, kind in rows
            ]
    return cached


def territories_for(user):
    """The territories a user may see, as a queryset."""
    if not user.is_authenticated:
        return Territory.objects.none()
    if user.is_staff:
        return Territory.objects.all()
    return Territory.objects.filter(pk__in=list(roles_of(user)))


def territory_list(user):
    """The territories a user may see, as a list fetched once per request (for menus)."""
    if not user.is_authenticated:
        return []
    if not user.is_staff:
        roles_of(user)  # brings them
    cached = getattr(user, "_maillage_territories", None)
    if cached is None:
        cached = list(territories_for(user).only(*MENU_FIELDS))
        user._maillage_territories = cached
    return cached


def territory_ids_for(user):
    """Ids of the territories a user may see (None means all, for staff)."""
    if user.is_authenticated and user.is_staff:
        return None
    return set(roles_of(user))


def editable_territory_ids_for(user):
    """Ids of the territories a user may change (None means all, for staff)."""
    if user.is_authenticated and user.is_staff:
        return None
    return {
        territory_id
        for territory_id, role in roles_of(user).items()
        if role == Membership.Role.COORDINATOR
    }


def role_in(user, territory):
    """The user's role in `territory` (a Territory or its id), or None."""
    territory_id = getattr(territory, "pk", territory)
    return roles_of(user).get(territory_id)


def can_view(user, territory):
    if not user.is_authenticated:
        return False
    return user.is_staff or role_in(user, territory) is not None


def can_edit(user, territory):
    if not user.is_authenticated:
        return False
    return user.is_staff or role_in(user, territory) == Membership.Role.COORDINATOR


def is_coordinator_somewhere(user):
    return user.is_authenticated and (
        user.is_staff or Membership.Role.COORDINATOR in roles_of(user).values()
    )


def get_territory_for_user(request, slug, queryset=None):
    """(territory, can_edit) for a territory slug; 404 if the user may not see it.
    `queryset` (default: every territory) may add what the page needs (prefetches)."""
    territory, _role, editable = get_territory_role_for_user(request, slug, queryset)
    return territory, editable


def get_territory_role_for_user(request, slug, queryset=None):
    """(territory, role, can_edit): the same, with the user's role there (None for staff who
    are not members), for a page that says how the user takes part."""
    territory = get_object_or_404(Territory if queryset is None else queryset, slug=slug)
    check_can_view(request.user, territory)
    return territory, role_in(request.user, territory), can_edit(request.user, territory)


def get_territory_rw_for_user(request, slug):
    """The territory called `slug`, for changing it: 404 if hidden, 403 if read-only."""
    territory = get_object_or_404(Territory, slug=slug)
    check_can_edit(request.user, territory)
    return territory


def territory_named(user, slug):
    """The territory called `slug` among those the user may see (`territory_list`: no query
    for a member), or None."""
    for territory in territory_list(user):
        if territory.slug == slug:
            return territory
    return None


def check_slug_visible(user, slug):
    """Raise Http404 unless the user may see the territory called `slug`, without a query for
    a member (their territories came with their roles). Staff see every territory; whether it
    exists is for the view to find out."""
    if user.is_authenticated and user.is_staff:
        return
    territory = territory_named(user, slug)
    if territory is None:
        raise Http404
    check_can_view(user, territory)


def check_can_view(user, territory):
    """Raise Http404 unless the user may see `territory`."""
    if not can_view(user, territory):
        raise Http404


def check_can_edit(user, territory):
    """Raise Http404 if the territory is hidden from the user, 403 if they may only read it."""
    check_can_view(user, territory)
    if not can_edit(user, territory):
        raise PermissionDenied


def current_territory(request):
    """The territory the user is working in: chosen in the session, else their first one."""
    user = request.user
    if not user.is_authenticated:
        return None
    territories = territory_list(user)
    if not territories:
        return None
    chosen = request.session.get(SESSION_KEY)
    for territory in territories:
        if territory.pk == chosen:
            return territory
    return territories[0]


def legacy_territory_for_user(request):
    """The territory an old address (before the slug was in the path, portal.legacy) meant:
    `?territoire=<slug>` if given (404 if the user may not see it; no query for a member), else
    the user's current territory (the "no territory yet" page if they have none)."""
    slug = request.GET.get("territoire", "").strip()
    if slug:
        territory = territory_named(request.user, slug)
        if territory is None:
            raise Http404
        return territory
    return require_current_territory(request)


class NoTerritory(Exception):
    """A page needs the user's current territory and the user has none: no membership yet (or,
    for staff, no territory exists). portal.middleware answers with the page that explains it
    (portal.views.no_territory), status 200. Never raised when a territory is named (a slug):
    a territory the user may not see stays a 404."""


def require_current_territory(request):
    """The user's current territory; NoTerritory if they belong to none."""
    territory = request.territory
    if not territory:
        raise NoTerritory
    return territory
