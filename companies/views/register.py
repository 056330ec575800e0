"""The register's pages: a territory's establishments (search, filters, sort, pages, CSV/XLSX),
an establishment's page, and adding one by hand."""

from functools import partial

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from companies import perms, services
from companies.forms import EstablishmentCreateForm, EstablishmentFilterForm
from companies.maps import MAP_MAX, legend, register_map
from companies.models import Establishment
from companies.views.followup import establishment_followup_context
from portal.cache import render_cached
from portal.exports import csv_response, xlsx_response
from portal.legacy import redirect_to_territory
from portal.pagination import BoundedPaginator
from portal.panels import collect_panels
from portal.scopes import territory_scope
from portal.submissions import create_once

PAGE_SIZE = 50
EXPORT_MAX = 10_000
# What the list reads from the query string; anything else (`page`) is not a filter.
FILTER_PARAMS = set(EstablishmentFilterForm.base_fields)


def _filtered(request, territory, communes=None):
    """(form, establishments): the form bound to the query string, and the establishments of
    the territory that match it (None when the form is invalid). One query: the communes,
    unless given (the territory's, in the order of their search names)."""
    if communes is None:
        communes = list(territory.communes.order_by("search_name").values_list("pk", "name"))
    else:
        communes = [(commune.pk, commune.name) for commune in communes]
    data = request.GET if FILTER_PARAMS & set(request.GET) else None
    form = EstablishmentFilterForm(
        data,
        communes=communes,
        territory=territory,
        needs=perms.needs_visible_to(request, territory),
    )
    # The territory's establishments by the ids of its communes, read above, rather than by
    # a subquery joining its EPCIs: PostgreSQL's planner then sees a plain filter and reads the
    # sort's index (a deep page of the commune sort: 6 ms instead of a 60 ms sort).
    establishments = Establishment.objects.filter(
        commune_id__in=[pk for pk, _name in communes]
    ).for_list()
    if form.is_bound and not form.is_valid():
        return form, None
    if not form.is_bound:
        form.cleaned_data = {}
    return form, form.filter(establishments)


def legacy_list(request):
    """/entreprises/ (the menu, old addresses with `?territoire=`): to the territory's list."""
    territory = perms.legacy_territory_for_user(request)
    return redirect_to_territory(request, territory, "companies:list", kwarg="territory")


# What the list reads from the query string: its filters and the page number (its cache key).
LIST_PARAMS = (*sorted(FILTER_PARAMS), "page")


@require_GET
def establishment_list(request, territory):
    """The territory's establishments, kept in the page cache (scope `territory:<slug>`: its
    establishments and their legal units, its échanges and needs, which the follow-up filters
    read; communes and nomenclatures are `all`; the key has the day, « sans échange depuis 12
    mois »; the viewer's role decides which needs a filter reads).

    Queries from the cache: session, user, memberships with their territories, content
    versions."""
    territory, can_edit = perms.get_register_territory_for_user(request, territory)
    return render_cached(
        request,
        "companies/establishment_list.html",
        partial(_list_context, request, territory, can_edit),
        params=LIST_PARAMS,
        scopes=(territory_scope(territory.slug),),
    )


def _list_context(request, territory, can_edit):
    form, establishments = _filtered(request, territory)
    page = None
    if establishments is not None:
        page = _page_of(establishments, request.GET.get("page"))
    return {
        "territory": territory,
        "can_edit": can_edit,
        "form": form,
        "page": page,
        "is_filtered": form.is_bound and form.is_valid() and form.is_filtered(),
        "export_max": EXPORT_MAX,
    }


@require_GET
def establishment_map(request, territory):
    """The establishments that match the list's filters on a map of the territory's communes
    (at most MAP_MAX points), with their number per commune as a table."""
    territory, _can_edit = perms.get_register_territory_for_user(request, territory)
    communes = list(territory.communes.select_related("outline").order_by("search_name"))
    form, establishments = _filtered(request, territory, communes)
    context = {"territory": territory, "form": form, "map_max": MAP_MAX}
    if establishments is not None:
        figure, rows, counts = register_map(territory, communes, establishments)
        context |= {"map": figure, "legend": legend(figure, counts), "rows": rows, "counts": counts}
    return render(request, "companies/establishment_map.html", context)


def _page_of(establishments, number):
    """The page `number` of the establishments: its ids first (from the list's covering index,
    no wide sort), then their rows with what the page shows. Queries: count (bounded: a
    territory of the size of the Grand Paris holds 100,000 establishments, and counting them
    all took 110 ms), ids, rows."""
    page = BoundedPaginator(establishments.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    rows = Establishment.objects.for_list().defer("search_text").in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids]
    return page


EXPORT_HEADER = [
    "SIRET",
    "SIREN",
    "Nom",
    "Dénomination de l'entreprise",
    "Code NAF rév. 2",
    "Activité (NAF rév. 2)",
    "Code NAF 2025",
    "Tranche d'effectif",
    "Année de l'effectif",
    "Employeur",
    "ESS",
    "Siège",
    "Ouvert",
    "Date de fermeture",
    "Adresse",
    "Complément d'adresse",
    "Code postal",
    "Commune",
    "Code INSEE",
    "Longitude",
    "Latitude",
    "Date de création",
    "Diffusion partielle",
    "Annuaire des entreprises",
]


def _yes_no(value):
    return "" if value is None else value


def _export_rows(establishments):
    for item in establishments:
        unit = item.legal_unit
        yield [
            item.siret,
            item.siren,
            item.display_name,
            unit.name,
            item.activity_code,
            item.naf.label if item.naf_id else "",
            item.naf25_id or "",
            item.workforce_band.label if item.workforce_band_id else "",
            item.workforce_year,
            _yes_no(item.is_employer),
            _yes_no(unit.is_ess),
            item.is_head_office,
            item.is_active,
            item.closed_on.isoformat() if item.closed_on else "",
            item.address,
            item.address_complement,
            item.postal_code,
            item.commune.name,
            item.commune.insee_code,
            item.longitude,
            item.latitude,
            item.created_on.isoformat() if item.created_on else "",
            item.is_partially_diffused or unit.is_partially_diffused,
            item.annuaire_url,
        ]


def _export(request, territory):
    territory, _can_edit = perms.get_register_territory_for_user(request, territory)
    _form, establishments = _filtered(request, territory)
    rows = [] if establishments is None else list(establishments[:EXPORT_MAX])
    filename = f"entreprises-{territory.slug}-{timezone.localdate().isoformat()}"
    return filename, list(_export_rows(rows))


@require_GET
def export_csv(request, territory):
    filename, rows = _export(request, territory)
    return csv_response(f"{filename}.csv", EXPORT_HEADER, rows)


@require_GET
def export_xlsx(request, territory):
    filename, rows = _export(request, territory)
    return xlsx_response(f"{filename}.xlsx", EXPORT_HEADER, rows, title="Entreprises")


@require_GET
def establishment_detail(request, siret):
    establishment, territory, can_edit = perms.get_establishment_for_user(request, siret)
    context = {"establishment": establishment, "territory": territory, "can_edit": can_edit}
    context |= establishment_followup_context(request, establishment, territory, can_edit)
    context["panels"] = collect_panels(
        "ESTABLISHMENT_PANELS", request, establishment, territory, can_edit
    )
    return render(request, "companies/establishment_detail.html", context)


def establishment_create(request, territory):
    territory = perms.get_register_territory_rw_for_user(request, territory)
    form = EstablishmentCreateForm(request.POST or None, territory=territory)
    if request.method == "POST":
        if form.is_valid():

            def create():
                try:
                    establishment = services.add_establishment(form=form, by=request.user)
                except IntegrityError:  # added meanwhile by someone else
                    form.add_error("siret", _("Cet établissement vient d'être ajouté au registre."))
                    return _create_page(request, form, territory)
                messages.success(
                    request,
                    _("L'établissement « %(name)s » est ajouté au registre.")
                    % {"name": establishment.display_name},
                )
                return redirect(establishment)

            return create_once(request, create)
        messages.error(
            request, _("L'établissement n'est pas ajouté : corrigez les erreurs signalées.")
        )
    return _create_page(request, form, territory)


def _create_page(request, form, territory):
    return render(
        request,
        "companies/establishment_form.html",
        {"form": form, "territory": territory},
    )
