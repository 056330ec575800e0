"""Public pages: the directory search and a partner's record (contacts for members only)."""

from html import escape

from django.contrib.auth.decorators import login_not_required
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from partners import perms
from partners.forms import DirectorySearchForm, ErrorReportForm, commune_label
from partners.maps import ZONE_STYLES, zone_map
from partners.models import Partner
from partners.search import (
    PAGE_SIZE,
    attach_labels,
    datalist_communes,
    directory_queryset,
    read_shown,
    reference_options,
    sorted_apart,
    zone_of,
)
from portal.cache import render_cached
from portal.pagination import BoundedPaginator
from portal.scopes import LISTING, partner_scope

# Up to this many matches, the page sorts them apart (`sorted_apart`) rather than walking the
# name index: reading 10,000 rows found by the filters' own indexes costs less than walking the
# country's names when the matches are grouped in one part of the alphabet (« mission locale »:
# 10,000 partners named alike, 70,000 names read for 20 otherwise). The count reads that far.
SORT_APART_MAX = 10_000


def datalist_options(communes):
    """The <option> elements of the commune datalist (up to 1,000: built in Python with the
    standard library's escape, ten times faster than a template loop or format_html_join)."""
    options = (
        f'<option value="{escape(commune_label(commune))}"></option>' for commune in communes
    )
    return mark_safe("".join(options))  # noqa: S308 - every value is escaped above


def bound_search_form(request):
    """The directory form bound to the query string (unbound when there is none), and the
    labels of the reference lists. Queries: reference lists, datalist communes (+ commune)."""
    options, labels = reference_options()
    communes = datalist_communes(request)
    data = request.GET if any(key != "page" for key in request.GET) else None
    form = DirectorySearchForm(data, options=options, communes=communes)
    return form, labels, communes


def searched_partners(form):
    """The form's results, or None when its input is invalid (the page then shows why)."""
    if not form.is_bound:
        return directory_queryset({})
    if form.is_valid():
        return directory_queryset(form.cleaned_data)
    return None


# The query parameters the directory reads: its search form and the page number.
DIRECTORY_PARAMS = (*DirectorySearchForm.base_fields, "page")


@login_not_required
@require_GET
def partner_list(request):
    return render_cached(
        request,
        "partners/partner_list.html",
        lambda: list_context(request),
        params=DIRECTORY_PARAMS,
        scopes=(LISTING,),
    )


def list_context(request):
    form, labels, communes = bound_search_form(request)
    partners = searched_partners(form)
    page = None
    if partners is not None:
        paginator = BoundedPaginator(partners, PAGE_SIZE, probe=SORT_APART_MAX + 1)
        if paginator.counted <= SORT_APART_MAX:  # counted first: few matches, sorted apart
            paginator.object_list = sorted_apart(partners)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = attach_labels(shown_partners(request, page.object_list), labels)
    return {
        "form": form,
        "page": page,
        "commune_options": datalist_options(communes),
        "is_filtered": form.is_bound and form.is_valid() and form.is_filtered(),
        "commune": form.cleaned_data.get("commune") if form.is_bound and form.is_valid() else None,
        **perms.get_directory_rights_for_user(request),
    }


# The columns of a partner a result does not show (long texts, the search's own columns).
UNSHOWN = (
    "search_text",
    "services_text",
    "directory_ids",
    "zone_ids",
    "description",
    "services",
    "opening_hours",
)


def shown_partners(request, partners):
    """The partners of a page, in order (`read_shown`: ids, the versions of their pages, then
    their rows without the long columns a result does not show)."""
    rows = Partner.objects.select_related("category", "commune").defer(*UNSHOWN)
    return [partner for (partner,) in read_shown(request, partners, rows)]


@login_not_required
@require_GET
def partner_detail(request, slug):
    return render_cached(
        request,
        "partners/partner_detail.html",
        lambda: detail_context(request, slug),
        scopes=(partner_scope(slug),),
    )


def detail_context(request, slug):
    partner, can_edit = perms.get_partner_for_user(
        request, slug, Partner.objects.for_detail().with_open_reports()
    )
    zone = zone_of(partner)
    contacts = perms.get_contacts_for_user(request, partner)
    figure = zone_map(partner, zone)
    return {
        "map": figure,
        "legend": figure.legend(ZONE_STYLES) if figure else [],
        "partner": partner,
        "services": list(partner.offers.for_partner_page()),
        "zone": zone,
        "show_contacts": contacts is not None,
        "contacts": contacts or [],
        "can_edit": can_edit,
        "report_form": ErrorReportForm() if request.user.is_authenticated else None,
    }
