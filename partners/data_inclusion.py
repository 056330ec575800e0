"""data·inclusion schema v1: every partner and service as the national reference expects them,
checked with the package's own pydantic models (`manage.py check_data_inclusion`)."""

import pydantic
from data_inclusion.schema import v1
from django.conf import settings
from django.urls import reverse

from partners import formats
from partners.models import Partner, Service

BATCH = 2000


def _url(base_url, partner):
    return base_url.rstrip("/") + reverse("partners:detail", args=[partner.slug])


def structures(base_url, partners=None):
    """Every partner (or `partners`) as a v1 structure record, in batches (bounded memory)."""
    source = settings.DATA_INCLUSION_SOURCE
    queryset = partners if partners is not None else Partner.objects.all()
    queryset = queryset.select_related("category", "commune").order_by("pk")
    for partner in queryset.iterator(chunk_size=BATCH):
        yield formats.data_inclusion_structure(partner, _url(base_url, partner), source)


def services(base_url, partners=None):
    """Every service (of `partners`) as a v1 service record, in batches of BATCH."""
    source = settings.DATA_INCLUSION_SOURCE
    queryset = Service.objects.all()
    if partners is not None:
        queryset = queryset.filter(partner__in=partners)
    queryset = (
        queryset.select_related("partner__category", "partner__commune")
        .prefetch_related("themes", "publics")
        .order_by("pk")
    )
    for service in queryset.iterator(chunk_size=BATCH):
        yield formats.data_inclusion_service(service, _url(base_url, service.partner), source)


def errors_of(model, record):
    """The French messages of the package's validation of `record`, [] when valid."""
    try:
        model.model_validate(record)
    except pydantic.ValidationError as error:
        return [
            f"{'.'.join(str(part) for part in item['loc']) or '—'} : {item['msg']}"
            for item in error.errors()
        ]
    return []


def invalid_records(base_url, partners=None):
    """[(kind, id, name, [messages])] of every record the package refuses."""
    found = []
    for kind, model, records in (
        ("structure", v1.Structure, structures(base_url, partners)),
        ("service", v1.Service, services(base_url, partners)),
    ):
        for record in records:
            messages = errors_of(model, record)
            if messages:
                found.append((kind, record["id"], record["nom"], messages))
    return found
