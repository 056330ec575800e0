"""The read API, version 1 (/api/v1/, docs/api.md): public data only, as JSON.

- `structures/` and `services/`: the partners and their services as data·inclusion v1 records,
  made by the same functions as the directory's exports (partners/formats.py);
- `evenements/`: the upcoming events open to the public (/evenements/), without anything
  internal to the network (agenda, minutes, référents, registrations).

Every list is paged by an opaque cursor (api/cursors.py); the caching headers, the rate limit
and CORS are added around these views by api/http.py. No personal data is ever written here: a
partner's contacts are people, and never leave the members' pages.
"""

from datetime import datetime

from data_inclusion.schema import v1 as di
from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, urlencode
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError

from api import cursors
from partners import formats
from partners.models import Partner, Service
from portal.models import Commune, Territory
from referents.models import Meeting

PAGE_SIZE = 100
PAGE_SIZE_MAX = 500

api = NinjaAPI(
    title="API ouverte de Maillage",
    version="1",
    description=(
        "Données publiques du portail Maillage, en lecture seule : les structures et services "
        "au format data·inclusion v1 et les événements ouverts au public. Aucune donnée "
        "personnelle. Documentation : /api/v1/."
    ),
    urls_namespace="api",
    openapi_url=None,  # served by api/urls.py at schema/, under the name api:schema
    docs_url=None,  # the French documentation page is api/views.py
)


class Error(Schema):
    detail: str = Field(description="Ce qui ne va pas, en français.")


class Filters(Schema):
    territoire: str | None = Field(None, description="Slug d'un territoire (grand-angouleme).")
    commune: str | None = Field(
        None, description="Code INSEE d'une commune : ce qui la dessert (16015)."
    )
    modifie_depuis: datetime | None = Field(
        None, description="Date et heure ISO 8601 : modifiés depuis (2026-01-31T00:00:00+01:00)."
    )
    curseur: str | None = Field(
        None, description="Le curseur du lien `next` de la page précédente."
    )
    taille: int = Field(
        PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX, description=f"Résultats par page (1 à {PAGE_SIZE_MAX})."
    )


class StructurePage(Schema):
    results: list[di.Structure]
    next: str | None = Field(description="La page suivante, null sur la dernière.")


class ServicePage(Schema):
    results: list[di.Service]
    next: str | None = Field(description="La page suivante, null sur la dernière.")


class Event(Schema):
    id: int
    titre: str
    type: str = Field(description="micro-forum, job-dating, visite, information, reunion, autre.")
    type_libelle: str
    public: str | None = Field(description="À qui il s'adresse (demandeurs-emploi, jeunes…).")
    debut: datetime
    fin: datetime | None
    lieu: str | None = Field(description="Le partenaire qui accueille et son adresse, ou le lieu.")
    commune: str | None
    code_insee: str | None
    territoire: str = Field(description="Slug du territoire qui l'organise.")
    presentation: str | None
    inscription_ouverte: bool
    url: str = Field(description="La page publique de l'événement.")
    url_ics: str = Field(description="L'événement au format iCalendar.")
    date_maj: datetime


class EventPage(Schema):
    results: list[Event]
    next: str | None = Field(description="La page suivante, null sur la dernière.")


ERRORS = {304: None, 400: Error, 404: Error, 429: Error}


@api.exception_handler(ValidationError)
def bad_parameters(request, error):
    names = sorted({str(item["loc"][-1]) for item in error.errors if item.get("loc")})
    message = _("Paramètres invalides : %(names)s. Voir la documentation : /api/v1/.") % {
        "names": ", ".join(names) or "—"
    }
    return api.create_response(request, {"detail": message}, status=400)


def _territory(slug):
    territory = Territory.objects.filter(slug=slug).first()
    if territory is None:
        raise HttpError(404, _("Territoire inconnu : « %(slug)s ».") % {"slug": slug})
    return territory


def _commune(code):
    commune = Commune.objects.filter(insee_code=code.upper()).first()
    if commune is None:
        raise HttpError(404, _("Commune inconnue : code INSEE « %(code)s ».") % {"code": code})
    return commune


def _since(moment):
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _partners(filters):
    """The partners the filters name: serving the territory, serving the commune."""
    partners = Partner.objects.all()
    if filters.territoire:
        partners = partners.serving_territories([_territory(filters.territoire).pk])
    if filters.commune:
        partners = partners.serving(_commune(filters.commune))
    return partners


def _page(request, queryset, filters, serialize, moments, *, field="updated_at"):
    """One page of `queryset` in the order (field, id) after the cursor, as a JSON answer with
    its `next` link and Last-Modified (the latest of `moments(row)` over the page)."""
    if filters.curseur:
        try:
            queryset = queryset.filter(cursors.after(field, filters.curseur))
        except cursors.BadCursor:
            message = _("Curseur invalide : reprenez le lien « next » tel quel.")
            raise HttpError(400, message) from None
    rows = list(queryset.order_by(field, "pk")[: filters.taille + 1])
    more = len(rows) > filters.taille
    rows = rows[: filters.taille]
    next_url = None
    if more:
        last = rows[-1]
        params = {key: value for key, value in request.GET.items() if key != "curseur"}
        params["curseur"] = cursors.encode(getattr(last, field), last.pk)
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(params)}")
    response = JsonResponse(
        {"results": [serialize(row) for row in rows], "next": next_url},
        json_dumps_params={"ensure_ascii": False},
    )
    if rows:
        response["Last-Modified"] = http_date(max(max(moments(row)) for row in rows).timestamp())
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    return response


@api.get(
    "/structures/",
    url_name="structures",
    response={200: StructurePage, **ERRORS},
    summary="Structures (data·inclusion v1)",
    description=(
        "Les partenaires de l'annuaire, un enregistrement Structure du schéma data·inclusion v1 "
        "chacun (les mêmes que l'export de l'annuaire), du moins récemment modifié au plus récent."
    ),
)
def structures(request, filters: Query[Filters]):
    partners = _partners(filters).select_related("category", "commune")
    if filters.modifie_depuis:
        partners = partners.filter(updated_at__gte=_since(filters.modifie_depuis))
    source = settings.DATA_INCLUSION_SOURCE

    def serialize(partner):
        url = request.build_absolute_uri(partner.get_absolute_url())
        return formats.data_inclusion_structure(partner, url, source)

    return _page(request, partners, filters, serialize, lambda partner: [partner.updated_at])


@api.get(
    "/services/",
    url_name="services",
    response={200: ServicePage, **ERRORS},
    summary="Services (data·inclusion v1)",
    description=(
        "Les services des partenaires, un enregistrement Service du schéma data·inclusion v1 "
        "chacun (les mêmes que l'export de l'annuaire). Les filtres territoire et commune "
        "portent sur la structure ; modifie_depuis sur le service ou sa structure."
    ),
)
def services(request, filters: Query[Filters]):
    found = Service.objects.all()
    if filters.territoire or filters.commune:
        found = found.filter(partner__in=_partners(filters))
    if filters.modifie_depuis:
        since = _since(filters.modifie_depuis)
        found = found.filter(Q(updated_at__gte=since) | Q(partner__updated_at__gte=since))
    found = found.select_related("partner__category", "partner__commune").prefetch_related(
        "themes", "publics"
    )
    source = settings.DATA_INCLUSION_SOURCE

    def serialize(service):
        url = request.build_absolute_uri(service.partner.get_absolute_url())
        return formats.data_inclusion_service(service, url, source)

    return _page(
        request,
        found,
        filters,
        serialize,
        lambda service: [service.updated_at, service.partner.updated_at],
    )


def event_record(request, meeting):
    """What the API says of a public event: what its public page shows, nothing more."""
    commune = meeting.commune or (meeting.host.commune if meeting.host_id else None)
    ends_at = meeting.ends_at
    return {
        "id": meeting.pk,
        "titre": meeting.title,
        "type": meeting.kind,
        "type_libelle": meeting.get_kind_display(),
        "public": meeting.audience or None,
        "debut": timezone.localtime(meeting.starts_at).isoformat(),
        "fin": timezone.localtime(ends_at).isoformat() if ends_at else None,
        "lieu": meeting.location or None,
        "commune": commune.name if commune else None,
        "code_insee": commune.insee_code if commune else None,
        "territoire": meeting.territory.slug,
        "presentation": meeting.public_description or None,
        "inscription_ouverte": meeting.takes_registrations,
        "url": request.build_absolute_uri(meeting.get_public_url()),
        "url_ics": request.build_absolute_uri(
            reverse("events:ics", args=[meeting.pk, meeting.slug])
        ),
        "date_maj": timezone.localtime(meeting.updated_at).isoformat(),
    }


@api.get(
    "/evenements/",
    url_name="evenements",
    response={200: EventPage, **ERRORS},
    summary="Événements ouverts au public",
    description=(
        "Les événements à venir ouverts au public de tous les territoires (micro-forums, job "
        "datings, visites d'entreprise…), par date de début. Le filtre commune retient ceux qui "
        "ont lieu dans la commune."
    ),
)
def events(request, filters: Query[Filters]):
    meetings = Meeting.objects.public_upcoming().select_related(
        "territory", "host", "host__commune", "commune"
    )
    if filters.territoire:
        meetings = meetings.filter(territory=_territory(filters.territoire))
    if filters.commune:
        meetings = meetings.in_commune(_commune(filters.commune))
    if filters.modifie_depuis:
        meetings = meetings.filter(updated_at__gte=_since(filters.modifie_depuis))
    return _page(
        request,
        meetings,
        filters,
        lambda meeting: event_record(request, meeting),
        lambda meeting: [meeting.updated_at],
        field="starts_at",
    )
