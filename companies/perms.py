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


def get_register_territory_for_user(request, slug=None):
    """(territory, can_edit) of the register's pages: the territory `slug` (in the path; 404
    if hidden), found among the user's territories (fetched with their roles: no query of its
    own). Without a slug, the territory an old address meant (`?territoire=` or the current
    territory; an account with none gets the page that says so)."""
    territory = (
        access.legacy_territory_for_user(request)
        if slug is None
        else access.territory_named(request.user, slug)
    )
    if territory is None:
        raise Http404
    return territory, access.can_edit(request.user, territory)


def get_register_territory_rw_for_user(request, slug):
    """The territory an establishment is added to by hand: 404 if hidden, 403 if read-only."""
    territory, can_edit = get_register_territory_for_user(request, slug)
    if not can_edit:
        raise PermissionDenied
    return territory


legacy_territory_for_user = access.legacy_territory_for_user


# --- The follow-up: échanges, needs and projects, rappels, contacts at the company ----------
#
# Every follow-up record belongs to the territory whose network wrote it. Its coordination
# (and staff) read and change everything, private notes and rappels included. Its référents
# read the échanges without their private notes, the contacts at the company (members only:
# personal data), and only the OPEN RECRUITMENT needs (to send job seekers); never a private
# note, a rappel, another need or the history. Elsewhere: 404.

from companies.models import CompanyContact, Exchange, Need, Reminder  # noqa: E402


def _followup_record(request, queryset, pk):
    """(record, can_edit) of a follow-up record: 404 unless the user may see its territory."""
    record = get_object_or_404(queryset, pk=pk)
    access.check_can_view(request.user, record.territory)
    return record, access.can_edit(request.user, record.territory)


def _followup_record_rw(request, queryset, pk):
    record = get_object_or_404(queryset, pk=pk)
    access.check_can_edit(request.user, record.territory)
    return record


def get_followup_rights(request, territory, can_edit):
    """What the user sees of the follow-up seen from `territory` (the establishment page's
    territory, None for staff when no territory holds it): a dict of booleans."""
    if territory is None:
        return {"followup": False, "can_edit": False, "private": False}
    return {"followup": True, "can_edit": can_edit, "private": can_edit}


def needs_visible_to(request, territory, queryset=None):
    """The territory's needs the user may read: every one for its coordination and staff, the
    open recruitment needs for its référents; raises 404 if the territory is hidden."""
    queryset = Need.objects.all() if queryset is None else queryset
    access.check_can_view(request.user, territory)
    queryset = queryset.filter(territory=territory)
    if access.can_edit(request.user, territory):
        return queryset
    return queryset.recruitment().open()


def get_needs_territory_for_user(request, slug):
    """(territory, can_edit) of the territory's needs page, its exports and its summary
    (/entreprises/<territoire>/besoins/, …/synthese/): as the register's list (404 if hidden)."""
    return get_register_territory_for_user(request, slug)


def get_followup_establishment_rw_for_user(request, siret):
    """(establishment, territory) to add to its follow-up (an échange, a need, a rappel, a
    contact): as `get_establishment_rw_for_user`, and 404 when no territory holds its commune
    (staff only reach such an establishment: there is no network to follow it)."""
    establishment, territory = get_establishment_rw_for_user(request, siret)
    if territory is None:
        raise Http404
    return establishment, territory


def get_exchange_rw_for_user(request, siret, pk):
    """An échange of the establishment `siret` for changing it: 404 outside the user's
    territories (or of another establishment), 403 read-only."""
    queryset = Exchange.objects.filter(establishment__siret=siret)
    return _followup_record_rw(
        request, queryset.select_related("establishment__legal_unit", "territory"), pk
    )


def get_need_for_user(request, pk):
    """(need, can_edit): 404 outside the user's territories, and for a référent any need but
    an open recruitment need."""
    queryset = Need.objects.select_related(
        "establishment__legal_unit", "establishment__naf", "territory", "exchange"
    )
    need, can_edit = _followup_record(request, queryset, pk)
    if not can_edit and not (need.is_recruitment and need.is_open):
        raise Http404
    return need, can_edit


def get_need_rw_for_user(request, pk):
    """A need for changing it (its form, a note, its roadmap action): 404 / 403."""
    need, can_edit = get_need_for_user(request, pk)
    if not can_edit:
        raise PermissionDenied
    return need


def get_reminder_rw_for_user(request, siret, pk):
    """A rappel of the establishment `siret`, to mark it done: 404 / 403 as an échange."""
    queryset = Reminder.objects.filter(establishment__siret=siret)
    return _followup_record_rw(
        request, queryset.select_related("establishment__legal_unit", "territory"), pk
    )


def get_contact_rw_for_user(request, siret, pk):
    """A contact at the establishment `siret`, to change or delete it: 404 / 403."""
    queryset = CompanyContact.objects.filter(establishment__siret=siret)
    return _followup_record_rw(
        request, queryset.select_related("establishment__legal_unit", "territory"), pk
    )


def get_history_for_user(request, siret):
    """(establishment, territory) of the follow-up history page: its coordination only (the
    history holds the private notes)."""
    return get_followup_establishment_rw_for_user(request, siret)


def get_my_reminders_for_user(request, territory):
    """The user's pending rappels in `territory` (oldest first) for their home page, or None
    when they are not of its coordination (référents have no rappels)."""
    if not request.user.is_authenticated or not access.can_edit(request.user, territory):
        return None
    return list(
        Reminder.objects.filter(territory=territory, person=request.user, done=False)
        .select_related("establishment__legal_unit")
        .order_by("date", "pk")
    )
