"""Coordinators' pages: create and edit partners of their territory with their contacts,
confirm a record, the review queue; members' error reports."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners import perms, services
from partners.forms import ContactFormSet, ErrorReportForm, PartnerForm
from partners.models import ErrorReport
from portal.submissions import create_once


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
    partner = perms.get_new_partner_rw_for_user(request)
    return _partner_form_page(request, partner, {"title": _("Nouveau partenaire")})


def partner_update(request, slug):
    partner = perms.get_partner_rw_for_user(request, slug)
    return _partner_form_page(
        request, partner, {"title": _("Modifier « %(name)s »") % {"name": partner.name}}
    )


@require_POST
def partner_verify(request, slug):
    """Confirm in one click that the record is still right."""
    partner = perms.get_partner_rw_for_user(request, slug)
    partner.confirm(by=request.user)
    messages.success(request, _("Fiche confirmée à jour. Merci !"))
    target = request.POST.get("next")
    if target == "queue":
        return redirect("partners:review")
    return redirect(partner)


def partner_report(request, slug):
    """Any signed-in member may report wrong information; the report joins the review queue."""
    partner, _can_edit = perms.get_partner_for_user(request, slug)
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
    editable = perms.get_editable_partners_rw_for_user(request)
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
        request,
        "partners/review_queue.html",
        {
            "due": list(due),
            "reports": list(reports),
            "networks": perms.network_territories_for(request.user),
        },
    )


@require_POST
def report_resolve(request, pk):
    """Mark a report as dealt with. Marking it again (a double click, a resent form) changes
    nothing and says so, rather than a 404."""
    report = perms.get_report_rw_for_user(request, pk)
    if report.resolved_at is not None:
        messages.info(request, _("Ce signalement était déjà marqué comme traité."))
    else:
        report.resolve(by=request.user)
        messages.success(request, _("Signalement marqué comme traité."))
    return redirect("partners:review")
