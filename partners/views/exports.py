"""Files: the current search as CSV/XLSX (members), data·inclusion v1 structures and services
(JSON and CSV, public), vCards."""

from data_inclusion.schema import v1
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from partners import formats, perms
from partners.models import Partner, Service
from partners.search import EXPORT_MAX
from partners.views.directory import bound_search_form, searched_partners
from portal.exports import csv_response, xlsx_response


def _export_partners(request):
    form, _labels, _communes = bound_search_form(request)
    partners = searched_partners(form)
    if partners is None:
        return []
    return list(partners.prefetch_related("publics", "themes")[:EXPORT_MAX])


def _filename(extension):
    return f"partenaires-{timezone.localdate().isoformat()}.{extension}"


def _rows(request, partners):
    return [
        formats.table_row(partner, request.build_absolute_uri(partner.get_absolute_url()))
        for partner in partners
    ]


@require_GET
def export_csv(request):
    partners = _export_partners(request)
    return csv_response(_filename("csv"), formats.table_header(), _rows(request, partners))


@require_GET
def export_xlsx(request):
    partners = _export_partners(request)
    return xlsx_response(
        _filename("xlsx"), formats.table_header(), _rows(request, partners), title="Partenaires"
    )


def _data_inclusion_structures(request):
    source = settings.DATA_INCLUSION_SOURCE
    return [
        formats.data_inclusion_structure(
            partner, request.build_absolute_uri(partner.get_absolute_url()), source
        )
        for partner in _export_partners(request)
    ]


def _data_inclusion_services(request):
    """The services of the current search's partners (same filters, up to EXPORT_MAX)."""
    form, _labels, _communes = bound_search_form(request)
    partners = searched_partners(form)
    if partners is None:
        return []
    ids = list(partners.values_list("pk", flat=True)[:EXPORT_MAX])
    services = (
        Service.objects.filter(partner_id__in=ids)
        .select_related("partner__category", "partner__commune")
        .prefetch_related("themes", "publics")
        .order_by("partner__name", "partner_id", "position", "name", "pk")
    )
    source = settings.DATA_INCLUSION_SOURCE
    return [
        formats.data_inclusion_service(
            service, request.build_absolute_uri(service.partner.get_absolute_url()), source
        )
        for service in services
    ]


def _json_response(data, name):
    response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{_filename(name)}"'
    return response


def _csv_response(records, fields, name):
    response = HttpResponse(
        formats.data_inclusion_csv(records, fields), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(name)}"'
    return response


@login_not_required
@require_GET
def export_json(request):
    """The structures in data·inclusion schema v1 (public information only)."""
    return _json_response(_data_inclusion_structures(request), "json")


@login_not_required
@require_GET
def export_structures_csv(request):
    fields = list(v1.Structure.model_fields)
    return _csv_response(_data_inclusion_structures(request), fields, "structures.csv")


@login_not_required
@require_GET
def export_services_json(request):
    """The services of the current search's partners in data·inclusion schema v1."""
    return _json_response(_data_inclusion_services(request), "services.json")


@login_not_required
@require_GET
def export_services_csv(request):
    fields = list(v1.Service.model_fields)
    return _csv_response(_data_inclusion_services(request), fields, "services.csv")


def _vcard_response(text, name):
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.vcf"'
    return response


@login_not_required
@require_GET
def partner_vcard(request, slug):
    partner = get_object_or_404(Partner.objects.select_related("category", "commune"), slug=slug)
    url = request.build_absolute_uri(partner.get_absolute_url())
    return _vcard_response(formats.partner_vcard(partner, url), partner.slug)


@require_GET
def contact_vcard(request, slug, pk):
    partner, contact = perms.get_contact_for_user(request, slug, pk)
    return _vcard_response(formats.contact_vcard(contact, partner), f"{partner.slug}-{contact.pk}")
