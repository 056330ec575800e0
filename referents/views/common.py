"""The access helpers of the referents views: one per object type, returning the object and
whether the user may change it (see portal/access.py for the rules)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from portal import access
from portal.models import Territory
from referents.models import Meeting, Referent


def get_territory(request):
    """(territory, can_edit): `?territoire=<slug>` if given (404 if the user may not see it),
    else the user's current territory (the "no territory yet" page if they have none)."""
    slug = request.GET.get("territoire", "").strip()
    if slug:
        return access.get_territory_for_user(request, slug)
    territory = access.require_current_territory(request)
    return territory, access.can_edit(request.user, territory)


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


def get_meeting_for_user(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.select_related("territory", "host", "host__commune"), pk=pk
    )
    access.check_can_view(request.user, meeting.territory)
    return meeting, access.can_edit(request.user, meeting.territory)
