"""The register's pages: the list of a territory's establishments and an establishment's page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from companies import perms
from companies.models import Establishment
from companies.views.followup import establishment_followup_context

PAGE_SIZE = 50


@require_GET
def establishment_list(request):
    territory, can_edit = perms.get_register_territory_for_user(request)
    establishments = Establishment.objects.in_territory(territory).for_list()
    page = Paginator(establishments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "companies/establishment_list.html",
        {"territory": territory, "can_edit": can_edit, "page": page},
    )


@require_GET
def establishment_detail(request, siret):
    establishment, territory, can_edit = perms.get_establishment_for_user(request, siret)
    context = {"establishment": establishment, "territory": territory, "can_edit": can_edit}
    context |= establishment_followup_context(request, establishment, territory, can_edit)
    return render(request, "companies/establishment_detail.html", context)
