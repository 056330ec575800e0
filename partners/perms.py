"""Who may see and change partners: the one place the partners views ask (built on the
predicates of portal.access).

A partner record is public (the directory, a record, its vCard): reading one is never refused.
Its contact persons are personal data, shown to members only (`can_see_contacts`). Changing a
record, its review and its territory's network needs the coordination of its territory: a
territory hidden from the user is a 404, a read-only one a 403. Each pair returns the object
and what the user may do (`get_<obj>_for_user`), or the object for writing, else 403
(`get_<obj>_rw_for_user`).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from partners.models import ErrorReport, NetworkMembership, Partner
from portal import access


def can_see_contacts(user, partner):
    """Contact persons are shown to staff, to members of the partner's territory, and to
    members of a territory whose coordination accepted the partner into its network
    (NetworkMembership): a zone of intervention alone shows them to no one. Visitors and
    accounts without a territory never see them.

    No query when the user is staff or a member of the partner's territory; else one.
    """
    territory_ids = access.territory_ids_for(user)
    if territory_ids is None:
        return True  # staff
    if not territory_ids:
        return False
    if partner.territory_id in territory_ids:
        return True
    return NetworkMembership.objects.filter(
        partner_id=partner.pk,
        territory_id__in=territory_ids,
        status=NetworkMembership.Status.ACCEPTED,
    ).exists()


def can_edit_partner(user, partner):
    return access.can_edit(user, partner.territory_id)


def get_directory_rights_for_user(request):
    """What the user may do from the (public) directory: offer « Nouveau partenaire » to
    coordinators (of any territory) and staff."""
    return {"can_create": access.is_coordinator_somewhere(request.user)}


def get_partner_for_user(request, slug, queryset=None):
    """(partner, can_edit). Partners are public: 404 only for an unknown slug.
    `queryset` may add what the page needs (select_related, annotations)."""
    if queryset is None:
        queryset = Partner.objects.select_related("territory")
    partner = get_object_or_404(queryset, slug=slug)
    return partner, can_edit_partner(request.user, partner)


def get_partner_rw_for_user(request, slug):
    """The partner, for changing it: 404 if its territory is hidden from the user, 403 if
    they may only read it."""
    partner = get_object_or_404(Partner.objects.select_related("territory"), slug=slug)
    access.check_can_edit(request.user, partner.territory)
    return partner


def get_contacts_for_user(request, partner):
    """The partner's contact persons the user may see: a list, or None when they are hidden
    from the user (the page then invites to sign in)."""
    if not can_see_contacts(request.user, partner):
        return None
    return list(partner.contacts.all())


def get_contact_for_user(request, slug, pk):
    """A contact person of the partner `slug`: 404 unless the user may see its contacts."""
    partner = get_object_or_404(Partner, slug=slug)
    contact = get_object_or_404(partner.contacts, pk=pk)
    if not can_see_contacts(request.user, partner):
        raise Http404
    return partner, contact


def _require_coordinator(request):
    """Pages of a coordinator's territories (new partner, review queue): an account with no
    territory gets the page that says so (access.NoTerritory), a référent only a 403."""
    if not access.is_coordinator_somewhere(request.user):
        access.require_current_territory(request)
        raise PermissionDenied


def get_new_partner_rw_for_user(request):
    """An unsaved partner for the creation form, in the current territory when the user may
    change it (else the form asks which)."""
    _require_coordinator(request)
    partner = Partner()
    territory = request.territory
    if territory and access.can_edit(request.user, territory):
        partner.territory_id = territory.pk
    return partner


def get_editable_partners_rw_for_user(request):
    """The partners the user may change (the review queue): 403 for a read-only user."""
    _require_coordinator(request)
    return Partner.objects.editable_by(request.user)


def get_report_rw_for_user(request, pk):
    """An error report, for marking it as dealt with: as its partner (404 hidden, 403 read-only)."""
    report = get_object_or_404(ErrorReport.objects.select_related("partner__territory"), pk=pk)
    access.check_can_edit(request.user, report.partner.territory)
    return report


def get_network_territory_rw_for_user(request, slug):
    """The territory whose network (« partenaires proposés », accepted, set aside) is shown or
    changed, named by the slug in the path. Only its coordination sees it: hidden territory
    404, read-only 403."""
    return access.get_territory_rw_for_user(request, slug)


def network_territories_for(user):
    """The territories whose network the user runs (the review queue links to them): no query
    for a member (their territories came with their roles)."""
    editable = access.editable_territory_ids_for(user)
    return [t for t in access.territory_list(user) if editable is None or t.pk in editable]


# The territory the old network address (?territoire= or the session) meant.
legacy_territory_for_user = access.legacy_territory_for_user
