"""Who may see and change which roadmap object: the one module the roadmaps views ask.

Pairs in the style of healthchecks' `_get_check_for_user` / `_get_rw_check_for_user`:
`get_<object>_for_user(request, slug, …)` returns the object and whether the user may change it
(404 outside the user's territories); `get_<object>_rw_for_user(…)` returns it for writing, or
raises PermissionDenied (403) for a user who may only read it. The rules themselves (who sees
and changes a territory) are portal/access.py's; a view calls one function of this module and
never tests a role or a membership itself.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from companies.perms import get_need_rw_for_user
from portal import access
from roadmaps.models import Action, Axis, Roadmap, Signal


def check_roadmap_visible(request, slug):
    """Raise Http404 unless the user may see the territory `slug` (no query for a member).

    The check of the cached pages (a roadmap, its dashboard and PDF), made before the cache is
    read; what the page then shows is loaded with `get_roadmap_for_user` on a cache miss."""
    access.check_slug_visible(request.user, slug)


MEMBERS = "members"
PUBLIC = "public"


class SignInRequired(Exception):
    """A visitor asked for a page that is not public: the view sends them to sign in."""


def roadmap_audience(request, slug):
    """Which variant of a roadmap page the user reads: MEMBERS (the territory's members and
    staff: the full pages, no query), PUBLIC (anyone else, when the territory's current roadmap
    is published: one query, made before the cache is read, so that a withdrawn publication
    is no longer served from it). Otherwise a visitor must sign in (SignInRequired) and a
    member of other territories gets a 404."""
    try:
        access.check_slug_visible(request.user, slug)
        return MEMBERS
    except Http404:
        pass
    if Roadmap.objects.published().filter(territory__slug=slug).exists():
        return PUBLIC
    if not request.user.is_authenticated:
        raise SignInRequired
    raise Http404


def get_published_roadmap(slug):
    """The territory's published roadmap with its territory (one query); 404 if none."""
    return get_object_or_404(
        Roadmap.objects.published().select_related("territory"), territory__slug=slug
    )


def get_roadmaps_for_user(request):
    """The territories the user may see, each with its current roadmap (or None) and whether
    the user may change it: [{"territory", "roadmap", "can_edit"}] (two queries). None for a
    visitor (not signed in), who reads the published roadmaps only.

    Raises `access.NoTerritory` for a user who belongs to no territory."""
    if not request.user.is_authenticated:
        return None
    territories = list(access.territories_for(request.user).order_by("name"))
    if not territories:
        raise access.NoTerritory
    roadmaps = {
        roadmap.territory_id: roadmap
        for roadmap in Roadmap.objects.filter(territory__in=territories, is_current=True)
    }
    return [
        {
            "territory": territory,
            "roadmap": roadmaps.get(territory.pk),
            "can_edit": access.can_edit(request.user, territory),
        }
        for territory in territories
    ]


def get_roadmap_for_user(request, slug, *, required=True):
    """(territory, current roadmap, can_edit); 404 outside the user's territories, and when the
    territory has no current roadmap unless `required` is False (the roadmap is then None).

    One query when the territory has a current roadmap (the roadmap with its territory), two
    when it has none (then the territory alone)."""
    roadmap = (
        Roadmap.objects.filter(territory__slug=slug, is_current=True)
        .select_related("territory")
        .first()
    )
    if roadmap is None:
        territory, can_edit = access.get_territory_for_user(request, slug)
        if required:
            raise Http404
        return territory, None, can_edit
    territory = roadmap.territory
    if not access.can_view(request.user, territory):
        raise Http404
    return territory, roadmap, access.can_edit(request.user, territory)


def get_roadmap_rw_for_user(request, slug, *, required=True):
    """(territory, current roadmap) for writing; as `get_roadmap_for_user`, and 403 for a user
    who may only read."""
    territory, roadmap, can_edit = get_roadmap_for_user(request, slug, required=required)
    if not can_edit:
        raise PermissionDenied
    return territory, roadmap


def get_axis_for_user(request, slug, number):
    """(axis, can_edit) for the axis `number` of the territory's current roadmap; 404 otherwise
    (two queries: the roadmap, the axis)."""
    territory, roadmap, can_edit = get_roadmap_for_user(request, slug)
    axis = get_object_or_404(
        Axis.objects.select_related("roadmap__territory"), roadmap=roadmap, number=number
    )
    return axis, can_edit


def get_axis_rw_for_user(request, slug, number):
    """The axis for writing; 404 as `get_axis_for_user`, 403 for a user who may only read."""
    axis, can_edit = get_axis_for_user(request, slug, number)
    if not can_edit:
        raise PermissionDenied
    return axis


def get_action_for_user(request, slug, pk):
    """(action, can_edit) for an action of the territory's roadmaps; 404 otherwise."""
    territory, can_edit = access.get_territory_for_user(request, slug)
    action = get_object_or_404(
        Action.objects.select_related("axis__roadmap__territory", "pilot_partner", "coordinator"),
        pk=pk,
        axis__roadmap__territory=territory,
    )
    return action, can_edit


def get_action_rw_for_user(request, slug, pk):
    """The action for writing; 404 as `get_action_for_user`, 403 for a user who may only read."""
    action, can_edit = get_action_for_user(request, slug, pk)
    if not can_edit:
        raise PermissionDenied
    return action


def get_step_rw_for_user(request, slug, pk, step_pk):
    """(action, step) for writing: a step of that action only (404 otherwise), 403 for a user
    who may only read."""
    action = get_action_rw_for_user(request, slug, pk)
    return action, get_object_or_404(action.steps, pk=step_pk)


def get_indicator_rw_for_user(request, slug, pk, indicator_pk):
    """(action, indicator) for writing: an indicator of that action only (404 otherwise), 403
    for a user who may only read."""
    action = get_action_rw_for_user(request, slug, pk)
    return action, get_object_or_404(action.indicators, pk=indicator_pk)


def get_need_link_rw_for_user(request, slug, need_pk):
    """(need, roadmap) for linking a company's need (companies' access rules: 404 / 403) to an
    action of its territory's current roadmap; 404 when the slug is not the need's territory or
    the territory has no current roadmap."""
    need = get_need_rw_for_user(request, need_pk)
    if need.territory.slug != slug:
        raise Http404
    roadmap = Roadmap.current_for(need.territory)
    if roadmap is None:
        raise Http404
    return need, roadmap


# --- Signaux faibles ----------------------------------------------------------------------
#
# Any member of a territory (référent or coordinator) records a signal and reads the log; the
# author and the coordination edit one; only the coordination triages and groups. The pages
# work whether or not the territory has a current roadmap (linking to actions needs one).


def get_signals_territory_for_user(request, slug):
    """(territory, current roadmap or None, can_triage) of the signals' log: any member; 404
    outside the user's territories (one or two queries, as `get_roadmap_for_user`)."""
    return get_roadmap_for_user(request, slug, required=False)


def can_triage_signals(request, territory):
    """Whether the user triages the territory's signals: its coordination (no query)."""
    return access.can_edit(request.user, territory)


def get_signal_for_user(request, slug, pk):
    """(signal, rights) for a signal of the territory `slug`: 404 outside the user's
    territories or for a signal of another territory. `rights`: {"can_edit": the author or
    the coordination, "can_triage": the coordination} (one query: the signal and its
    territory; the user's roles came with the request)."""
    signal = get_object_or_404(
        Signal.objects.select_related(
            "territory", "author", "triaged_by", "naf", "grouped_into", "establishment__legal_unit"
        ),
        pk=pk,
        territory__slug=slug,
    )
    if not access.can_view(request.user, signal.territory):
        raise Http404
    can_triage = access.can_edit(request.user, signal.territory)
    is_author = signal.author_id is not None and signal.author_id == request.user.pk
    return signal, {"can_edit": can_triage or is_author, "can_triage": can_triage}


def get_signal_rw_for_user(request, slug, pk):
    """The signal for editing: its author or the coordination; 404 as `get_signal_for_user`,
    403 for another member."""
    signal, rights = get_signal_for_user(request, slug, pk)
    if not rights["can_edit"]:
        raise PermissionDenied
    return signal


def get_signal_triage_for_user(request, slug, pk):
    """(signal, current roadmap or None) for triaging or grouping: the coordination only; 404
    as `get_signal_for_user`, 403 for a référent (even its author)."""
    signal, rights = get_signal_for_user(request, slug, pk)
    if not rights["can_triage"]:
        raise PermissionDenied
    return signal, Roadmap.current_for(signal.territory)


def get_signal_trends_for_user(request, slug):
    """(territory, can_edit) for the trends of the territory's signals: its members and staff;
    404 for anyone else (no query for a member beyond the territory)."""
    return access.get_territory_for_user(request, slug)
