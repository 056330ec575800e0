"""Coordinators' pages: create and edit partners of their territory with their contacts,
confirm a record, the review queue; members' error reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners import services
from partners.forms import ContactFormSet, ErrorReportForm, PartnerForm
from partners.models import ErrorReport, Partner
from portal import access
from portal.submissions import create_once


def get_partner_for_user(request, slug, *, for_update=False):
    """(partner, can_edit). Partners are public; changing one needs its territory: a
    territory hidden from the user is a 404, a read-only one a 403 (portal.access)."""
    partner = get_object_or_404(Partner.objects.select_related("territory"), slug=slug)
    if for_update:
        access.check_can_edit(request.user, partner.territory)
    return partner, access.can_edit(request.user, partner.territory)


def _partner_form_page(request, partner, template_context):
    form = PartnerForm(request.POST or None, instance=partner, user=request.user)
    contacts = ContactFormSet(request.POST or None, instance=partner, prefix="contacts")
    if request.method == "POST":
        if form.is_valid() and contacts.is_valid():

            def save():
                saved = services.save_partner(form=form, contacts=contacts, user=request.user)
                messages.success(
                    request, _("La fiche « %(name)s » est enregistrée.") % {"name": saved}
                )
                return redirect(saved)

            return save() if partner.pk else create_once(request, save)
        messages.error(
            request, _("La fiche n'est pas enregistrée : corrigez les erreurs signalées.")
        )
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "contacts": contacts, "partner": partner, **template_context},
    )


def partner_create(request):
    if not access.is_coordinator_somewhere(request.user):
        access.require_current_territory(request)  # no territory at all: say so, not 403
        raise PermissionDenied
    territory = request.territory
    partner = Partner()
    if territory and access.can_edit(request.user, territory):
        partner.territory_id = territory.pk
    return _partner_form_page(request, partner, {"title": _("Nouveau partenaire")})


def partner_update(request, slug):
    partner, _can_edit = get_partner_for_user(request, slug, for_update=True)
    return _partner_form_page(
        request, partner, {"title": _("Modifier « %(name)s »") % {"name": partner.name}}
    )


@require_POST
def partner_verify(request, slug):
    """Confirm in one click that the record is still right."""
    partner, _can_edit = get_partner_for_user(request, slug, for_update=True)
    partner.confirm(by=request.user)
    messages.success(request, _("Fiche confirmée à jour. Merci !"))
    target = request.POST.get("next")
    if target == "queue":
        return redirect("partners:review")
    return redirect(partner)


def partner_report(request, slug):
    """Any signed-in member may report wrong information; the report joins the review queue."""
    partner, _can_edit = get_partner_for_user(request, slug)
    form = ErrorReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create():
            services.report_error(
                partner=partner, user=request.user, message=form.cleaned_data["message"]
            )
            messages.success(
                request,
                _("Merci : votre signalement a été transmis à la coordination du territoire."),
            )
            return redirect(partner)

        return create_once(request, create)
    return render(request, "partners/report_form.html", {"form": form, "partner": partner})


def review_queue(request):
    """Partners of the coordinator's territories past their check interval, and open reports."""
    if not access.is_coordinator_somewhere(request.user):
        access.require_current_territory(request)  # no territory at all: say so, not 403
        raise PermissionDenied
    editable = Partner.objects.editable_by(request.user)
    due = (
        editable.due_for_review()
        .select_related("category", "territory", "verified_by")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .order_by("verified_at", "name")
    )
    reports = (
        ErrorReport.objects.filter(resolved_at__isnull=True, partner__in=editable)
        .select_related("partner", "reported_by")
        .order_by("created_at")
    )
    return render(
        request, "partners/review_queue.html", {"due": list(due), "reports": list(reports)}
    )


@require_POST
def report_resolve(request, pk):
    """Mark a report as dealt with. Marking it again (a double click, a resent form) changes
    nothing and says so, rather than a 404."""
    report = get_object_or_404(ErrorReport.objects.select_related("partner__territory"), pk=pk)
    access.check_can_edit(request.user, report.partner.territory)
    if report.resolved_at is not None:
        messages.info(request, _("Ce signalement était déjà marqué comme traité."))
    else:
        report.resolve(by=request.user)
        messages.success(request, _("Signalement marqué comme traité."))
    return redirect("partners:review")
