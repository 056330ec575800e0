"""Who may see and change what in the référents pages: the one module their views ask.

One pair per object type, in the style of healthchecks' `_get_check_for_user` /
`_get_rw_check_for_user`:

- `get_<obj>_for_user(request, …)` returns the object and whether the user may change it, or
  raises Http404 when it lies outside the user's territories (its existence is not disclosed);
- `get_<obj>_rw_for_user(request, …)` returns the object for writing, or raises PermissionDenied
  (403) for a user who may only read it.

Views call exactly one of them and never test a role or a membership themselves; the rules
(who is a member, who coordinates, staff) stay in portal/access.py.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal import access
from portal.models import Territory
from referents.models import Meeting, OutlineSection, Referent


def _writable(obj, can_edit):
    if not can_edit:
        raise PermissionDenied
    return obj


# --- The territory a page works in ---------------------------------------------------------


def get_territory_for_user(request, slug):
    """(territory, can_edit) for the territory a référents page works in, named by the slug in
    its path; 404 if the user may not see it. Found among the user's territories (fetched once
    per request with their roles, for the menu): no query of its own."""
    territory = access.territory_named(request.user, slug)
    if territory is None:
        raise Http404
    return territory, access.can_edit(request.user, territory)


def get_territory_rw_for_user(request, slug):
    """The territory a référents page works in, for a coordinator of it (or staff); 404 if the
    user may not see it, 403 for a read-only member."""
    return _writable(*get_territory_for_user(request, slug))


# The territory an old référents address (before the slug was in the path) meant.
legacy_territory_for_user = access.legacy_territory_for_user


# --- Référents -------------------------------------------------------------------------------


def get_referent_for_user(request, pk):
    """(référent, territory, can_edit); 404 unless the référent's commune lies in one of the
    user's territories (the current one preferred)."""
    referent = get_object_or_404(Referent.objects.select_related("commune", "user"), pk=pk)
    territories = list(Territory.objects.filter(epcis__communes=referent.commune_id).distinct())
    visible = [t for t in territories if access.can_view(request.user, t)]
    if not visible:
        raise Http404
    current = request.territory
    territory = next((t for t in visible if current and t.pk == current.pk), visible[0])
    return referent, territory, access.can_edit(request.user, territory)


def get_referent_rw_for_user(request, pk):
    """(référent, territory) for writing; 403 for a read-only member."""
    referent, territory, can_edit = get_referent_for_user(request, pk)
    return _writable((referent, territory), can_edit)


# --- Rendez-vous -----------------------------------------------------------------------------


def get_meeting_for_user(request, pk):
    """(meeting, can_edit); 404 outside the user's territories."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("territory", "host", "host__commune"), pk=pk
    )
    access.check_can_view(request.user, meeting.territory)
    return meeting, access.can_edit(request.user, meeting.territory)


def get_meeting_rw_for_user(request, pk):
    """The meeting for writing; 403 for a read-only member."""
    return _writable(*get_meeting_for_user(request, pk))


# --- Trame (outline) -------------------------------------------------------------------------


def get_section_for_user(request, pk):
    """(outline section, can_edit); 404 outside the user's territories."""
    section = get_object_or_404(OutlineSection.objects.select_related("territory"), pk=pk)
    access.check_can_view(request.user, section.territory)
    return section, access.can_edit(request.user, section.territory)


def get_section_rw_for_user(request, pk):
    """The outline section for writing; 403 for a read-only member."""
    return _writable(*get_section_for_user(request, pk))


def member_territories_for(request, territories):
    """The territories among `territories` the user is a member of (staff: all of them): a
    commune's page shows their members its référents, attendance and needs counts; everyone
    else sees its public part only. Not a get_…_for_user: the page itself is public."""
    return [territory for territory in territories if access.can_view(request.user, territory)]


# --- Public events (/evenements/) ------------------------------------------------------------


def get_public_event(pk):
    """A rendez-vous open to the public whose page still answers, for anyone, signed in or not;
    404 when it is not public, or past by more than the time its registrations are kept."""
    return get_object_or_404(Meeting.objects.publicly_visible().for_public(), pk=pk)


def get_public_territory(slug):
    """Any territory, for its public events feed; 404 for an unknown slug."""
    return get_object_or_404(Territory, slug=slug)
