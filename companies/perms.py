"""Who may see and change establishments: the one place the companies views ask (built on the
predicates of portal.access).

An establishment belongs to no territory of its own: a territory sees the establishments of its
communes, so an establishment is seen from each territory whose EPCIs hold its commune. Members
of one of those territories read it; their coordination changes it (and its follow-up). Outside
the user's territories: 404; read-only: 403. The pair returns the establishment with the
territory it is seen from (the current territory when it is one of them) and what the user may do.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from companies.models import Establishment
from portal import access
from portal.models import Territory


def _territories_of(establishment):
    """The territories whose communes hold the establishment (one query)."""
    return list(
        Territory.objects.filter(epcis__communes=establishment.commune_id)
        .only(*access.MENU_FIELDS)
        .order_by("name", "pk")
    )


def _preferred(request, territories):
    """The current territory when it is among `territories`, else the first."""
    current_pk = getattr(getattr(request, "territory", None), "pk", None)
    for territory in territories:
        if territory.pk == current_pk:
            return territory
    return territories[0]


def get_establishment_for_user(request, siret, queryset=None):
    """(establishment, territory, can_edit) for a SIRET: 404 unless one of the territories of
    its commune is visible to the user. `territory` is the one it is seen from (None for staff
    when no territory holds the commune); `queryset` may add what the page needs."""
    if queryset is None:
        queryset = Establishment.objects.for_detail()
    establishment = get_object_or_404(queryset, siret=siret)
    user = request.user
    territories = [t for t in _territories_of(establishment) if access.can_view(user, t)]
    if not territories:
        if user.is_authenticated and user.is_staff:
            return establishment, None, True
        raise Http404
    editable = [t for t in territories if access.can_edit(user, t)]
    if editable:
        return establishment, _preferred(request, editable), True
    return establishment, _preferred(request, territories), False


def get_establishment_rw_for_user(request, siret, queryset=None):
    """(establishment, territory) for changing it: 404 if hidden, 403 if read-only."""
    establishment, territory, can_edit = get_establishment_for_user(request, siret, queryset)
    if not can_edit:
        raise PermissionDenied
    return establishment, territory


def get_register_territory_for_user(request):
    """(territory, can_edit) of the register's pages: `?territoire=<slug>` (404 if hidden),
    else the current territory (an account with none gets the page that says so)."""
    slug = request.GET.get("territoire", "").strip()
    if slug:
        return access.get_territory_for_user(request, slug)
    territory = access.require_current_territory(request)
    return territory, access.can_edit(request.user, territory)


def get_register_territory_rw_for_user(request):
    """The territory an establishment is added to by hand: as above, 403 if read-only."""
    territory, can_edit = get_register_territory_for_user(request)
    if not can_edit:
        raise PermissionDenied
    return territory
