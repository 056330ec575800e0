"""Coordinators' pages for a partner's services (data·inclusion v1 services)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partners import perms, services
from partners.forms import ServiceForm
from portal.submissions import create_once


def _service_form_page(request, partner, service, title):
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST":
        if form.is_valid():

            def save():
                saved = services.save_service(form=form, partner=partner)
                messages.success(
                    request, _("Le service « %(name)s » est enregistré.") % {"name": saved}
                )
                return redirect(saved)

            return save() if service.pk else create_once(request, save)
        messages.error(
            request, _("Le service n'est pas enregistré : corrigez les erreurs signalées.")
        )
    return render(
        request,
        "partners/service_form.html",
        {"form": form, "partner": partner, "service": service, "title": title},
    )


def service_create(request, slug):
    partner, service = perms.get_service_rw_for_user(request, slug)
    title = _("Nouveau service de « %(name)s »") % {"name": partner.name}
    return _service_form_page(request, partner, service, title)


def service_update(request, slug, pk):
    partner, service = perms.get_service_rw_for_user(request, slug, pk)
    title = _("Modifier le service « %(name)s »") % {"name": service.name}
    return _service_form_page(request, partner, service, title)


def service_delete(request, slug, pk):
    """GET: confirm; POST: delete the service."""
    partner, service = perms.get_service_rw_for_user(request, slug, pk)
    if request.method == "POST":
        services.delete_service(service=service)
        messages.success(request, _("Le service « %(name)s » est supprimé.") % {"name": service})
        return redirect(partner)
    return render(
        request, "partners/service_confirm_delete.html", {"partner": partner, "service": service}
    )
