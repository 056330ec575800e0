"""A territory's network: the partners of other territories (or departmental, regional, national
ones) whose zone covers the territory enter its guide du référent and orientation helper only
once its coordination has accepted them (docs/partners.md, « Réseau d'un territoire »)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners import services
from partners.models import NetworkMembership, Partner
from portal import access


def get_network_territory(request, slug=None):
    """The territory whose network is shown or changed: `slug` (path) or `?territoire=`, else
    the current territory. Hidden territory: 404; read-only: 403 (portal.access)."""
    slug = slug or request.GET.get("territoire", "").strip()
    if slug:
        territory, _can_edit = access.get_territory_for_user(request, slug)
    else:
        territory = access.require_current_territory(request)
    access.check_can_edit(request.user, territory)
    return territory


def network(request):
    """« Partenaires proposés » (to accept) and « partenaires acceptés » (to remove).
    Queries: proposed partners with category, territory and commune; accepted ones likewise."""
    territory = get_network_territory(request)
    proposed = (
        Partner.objects.proposed_to(territory.pk)
        .select_related("category", "territory", "commune")
        .order_by("name", "pk")
    )
    accepted = (
        NetworkMembership.objects.filter(territory=territory)
        .select_related(
            "partner__category", "partner__territory", "partner__commune", "accepted_by"
        )
        .order_by("partner__name", "pk")
    )
    return render(
        request,
        "partners/network.html",
        {"territory": territory, "proposed": list(proposed), "accepted": list(accepted)},
    )


def _back(territory):
    return redirect(reverse("partners:network") + f"?territoire={territory.slug}")


@require_POST
def network_accept(request, territory, slug):
    territory = get_network_territory(request, territory)
    partner = get_object_or_404(Partner.objects.proposed_to(territory.pk), slug=slug)
    services.accept_into_network(territory=territory, partner=partner, by=request.user)
    messages.success(
        request,
        _("« %(partner)s » fait maintenant partie du réseau de %(territory)s.")
        % {"partner": partner, "territory": territory},
    )
    return _back(territory)


@require_POST
def network_remove(request, territory, slug):
    territory = get_network_territory(request, territory)
    membership = get_object_or_404(
        NetworkMembership.objects.select_related("partner"), territory=territory, partner__slug=slug
    )
    services.remove_from_network(membership=membership)
    messages.success(
        request,
        _("« %(partner)s » ne fait plus partie du réseau de %(territory)s.")
        % {"partner": membership.partner, "territory": territory},
    )
    return _back(territory)
