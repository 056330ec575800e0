"""A territory's network: the partners of other territories (or departmental, regional, national
ones) whose zone covers the territory enter its guide du référent and orientation helper only
once its coordination has accepted them (docs/partners.md, « Réseau d'un territoire »)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners import perms, services
from partners.models import NetworkMembership, Partner
from portal.legacy import redirect_to_territory


def legacy_network(request):
    """The old address (`?territoire=` or the current territory): to the territory's page."""
    territory = perms.legacy_territory_for_user(request)
    return redirect_to_territory(request, territory, "partners:network", kwarg="territory")


def network(request, territory):
    """« Partenaires proposés » (to accept or set aside), « partenaires acceptés » (to set
    aside) and « partenaires écartés » (to accept after all).
    Queries: proposed partners with category, territory and commune; decisions likewise."""
    territory = perms.get_network_territory_rw_for_user(request, territory)
    proposed = (
        Partner.objects.proposed_to(territory.pk)
        .select_related("category", "territory", "commune")
        .order_by("name", "pk")
    )
    decisions = (
        NetworkMembership.objects.filter(territory=territory)
        .select_related("partner__category", "partner__territory", "partner__commune", "decided_by")
        .order_by("partner__name", "pk")
    )
    accepted = [item for item in decisions if item.status == NetworkMembership.Status.ACCEPTED]
    declined = [item for item in decisions if item.status == NetworkMembership.Status.DECLINED]
    return render(
        request,
        "partners/network.html",
        {
            "territory": territory,
            "proposed": list(proposed),
            "accepted": accepted,
            "declined": declined,
        },
    )


def _decide(request, territory, slug, status, message):
    territory = perms.get_network_territory_rw_for_user(request, territory)
    partner = get_object_or_404(Partner.objects.network_candidates(territory.pk), slug=slug)
    services.decide_network(territory=territory, partner=partner, status=status, by=request.user)
    messages.success(request, message % {"partner": partner, "territory": territory})
    return redirect("partners:network", territory=territory.slug)


@require_POST
def network_accept(request, territory, slug):
    return _decide(
        request,
        territory,
        slug,
        NetworkMembership.Status.ACCEPTED,
        _("« %(partner)s » fait maintenant partie du réseau de %(territory)s."),
    )


@require_POST
def network_decline(request, territory, slug):
    return _decide(
        request,
        territory,
        slug,
        NetworkMembership.Status.DECLINED,
        _(
            "« %(partner)s » est écarté : il n'apparaît pas dans le guide ni dans l'aide à "
            "l'orientation de %(territory)s."
        ),
    )
