"""The read API, version 1 (/api/v1/, docs/api.md): public data only, as JSON.

- `structures/` and `services/`: the partners and their services as data·inclusion v1 records,
  made by the same functions as the directory's exports (partners/formats.py);
- `evenements/`: the upcoming events open to the public (/evenements/), without anything
  internal to the network (agenda, minutes, référents, registrations);
- `feuilles-de-route/` and `feuilles-de-route/<territoire>/actions/`: the published roadmaps
  and their actions, from the public fields only (roadmaps/public.py: never a person, « à
  discuter », signals or history; the budget only when the coordination made it public).

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
from roadmaps import public as public_roadmaps
from roadmaps.models import Action, Axis, Roadmap, decimal_label

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


class Paging(Schema):
    """The query parameters of every list: what changed since, and the page (cursor, size)."""

    modifie_depuis: datetime | None = Field(
        None,
        description="Date et heure ISO 8601 : seulement ce qui a changé depuis "
        "(2026-01-31T00:00:00+01:00).",
    )
    curseur: str | None = Field(
        None, description="Le curseur du lien `next` de la page précédente."
    )
    taille: int = Field(
        PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX, description=f"Résultats par page (1 à {PAGE_SIZE_MAX})."
    )


class Filters(Paging):
    territoire: str | None = Field(None, description="Slug d'un territoire (grand-angouleme).")
    commune: str | None = Field(
        None, description="Code INSEE d'une commune : ce qui la dessert (16015)."
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


def _page(request, queryset, filters, serialize, moments, *, field="updated_at", prepare=None):
    """One page of `queryset` in the order (field, id) after the cursor, as a JSON answer with
    its `next` link and Last-Modified (the latest of `moments(row)` over the page); `prepare`,
    if given, loads at once what the page's rows need before they are serialised."""
    if filters.curseur:
        try:
            queryset = queryset.filter(cursors.after(field, filters.curseur))
        except cursors.BadCursor:
            message = _("Curseur invalide : reprenez le lien « next » tel quel.")
            raise HttpError(400, message) from None
    rows = list(queryset.order_by(field, "pk")[: filters.taille + 1])
    more = len(rows) > filters.taille
    rows = rows[: filters.taille]
    if prepare is not None:
        prepare(rows)  # what the page's rows need, loaded at once
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


class RoadmapAxis(Schema):
    numero: int
    intitule: str
    objectifs: str | None


class PublishedRoadmap(Schema):
    territoire: str = Field(description="Slug du territoire (grand-angouleme).")
    territoire_nom: str
    titre: str
    periode: str | None
    statut: str = Field(description="validee ou archivee (jamais un brouillon).")
    diagnostic: str | None
    enjeux: str | None
    objectifs: str | None
    nom_des_axes: str = Field(description="axe ou chantier (chantier clé).")
    axes: list[RoadmapAxis]
    validee_le: str | None = Field(description="Date ISO de la dernière validation.")
    publiee_le: datetime | None
    budget_public: bool
    url: str = Field(description="La page publique de la feuille de route.")
    url_actions: str = Field(description="Ses actions, dans cette API.")
    date_maj: datetime


class RoadmapPage(Schema):
    results: list[PublishedRoadmap]
    next: str | None = Field(description="La page suivante, null sur la dernière.")


class RoadmapAction(Schema):
    id: int
    code: str = Field(description="Numéro de l'axe et de l'action (3.2).")
    axe: int
    titre: str
    description: str | None
    resultats_attendus: str | None
    statut: str = Field(description="a_venir, en_cours, realise, en_pause, bloque, abandonne.")
    statut_libelle: str
    avancement: int = Field(description="En pour cent, calculé des étapes quand il y en a.")
    debut: str | None
    fin: str | None
    pilote: str | None = Field(description="Le partenaire pilote (jamais une personne).")
    communes: list[str] = Field(description="Codes INSEE des communes qu'elle concerne.")
    budget: str | None = Field(description="Seulement quand le budget est public.")
    financeurs: str | None = Field(description="Seulement quand le budget est public.")
    url: str
    date_maj: datetime


class ActionPage(Schema):
    results: list[RoadmapAction]
    next: str | None = Field(description="La page suivante, null sur la dernière.")


def _published(slug=None):
    roadmaps = Roadmap.objects.published().select_related("territory")
    if slug is not None:
        roadmap = roadmaps.filter(territory__slug=slug).first()
        if roadmap is None:
            message = _("Aucune feuille de route publiée pour le territoire « %(slug)s ».")
            raise HttpError(404, message % {"slug": slug})
        return roadmap
    return roadmaps


@api.get(
    "/feuilles-de-route/",
    url_name="feuilles_de_route",
    response={200: RoadmapPage, **ERRORS},
    summary="Feuilles de route publiées",
    description=(
        "Les feuilles de route pour l'emploi que la coordination de chaque territoire a publiées : "
        "diagnostic, enjeux, objectifs, axes. Ni personne, ni budget sauf s'il est public."
    ),
)
def roadmaps(request, filters: Query[Paging]):
    found = _published()
    if filters.modifie_depuis:
        found = found.filter(updated_at__gte=_since(filters.modifie_depuis))
    records = {}
    return _page(
        request,
        found,
        filters,
        lambda roadmap: records[roadmap.pk],
        lambda roadmap: [roadmap.updated_at],
        prepare=lambda rows: records.update(_roadmap_records(request, rows)),
    )


def _roadmap_records(request, roadmaps):
    """{roadmap id: record} of a page of roadmaps: their axes in one query."""
    axes = {}
    for row in (
        Axis.objects.filter(roadmap__in=roadmaps)
        .order_by("number")
        .values("roadmap_id", "number", "title", "objectives")
    ):
        axes.setdefault(row["roadmap_id"], []).append(
            {
                "numero": row["number"],
                "intitule": row["title"],
                "objectifs": row["objectives"] or None,
            }
        )
    records = {}
    for roadmap in roadmaps:
        slug = roadmap.territory.slug
        records[roadmap.pk] = {
            "territoire": slug,
            "territoire_nom": roadmap.territory.name,
            "titre": roadmap.title,
            "periode": roadmap.period or None,
            "statut": roadmap.status,
            "diagnostic": roadmap.diagnostic or None,
            "enjeux": roadmap.stakes or None,
            "objectifs": roadmap.objectives or None,
            "nom_des_axes": roadmap.axis_label,
            "axes": axes.get(roadmap.pk, []),
            "validee_le": roadmap.validated_on.isoformat() if roadmap.validated_on else None,
            "publiee_le": (
                timezone.localtime(roadmap.published_at).isoformat()
                if roadmap.published_at
                else None
            ),
            "budget_public": roadmap.budget_public,
            "url": request.build_absolute_uri(reverse("roadmaps:detail", args=[slug])),
            "url_actions": request.build_absolute_uri(
                reverse("api:feuille_de_route_actions", args=[slug])
            ),
            "date_maj": timezone.localtime(roadmap.updated_at).isoformat(),
        }
    return records


@api.get(
    "/feuilles-de-route/{territoire}/actions/",
    url_name="feuille_de_route_actions",
    response={200: ActionPage, **ERRORS},
    summary="Actions d'une feuille de route publiée",
    description=(
        "Les actions de la feuille de route publiée d'un territoire : statut, avancement, dates, "
        "partenaire pilote, communes concernées ; le budget seulement s'il est public."
    ),
)
def roadmap_actions(request, territoire: str, filters: Query[Paging]):
    roadmap = _published(territoire)
    fields = public_roadmaps.ACTION_FIELDS + ("axis__number",)
    if roadmap.budget_public:
        fields += public_roadmaps.BUDGET_FIELDS
    found = Action.objects.filter(axis__roadmap=roadmap)
    if filters.modifie_depuis:
        found = found.filter(updated_at__gte=_since(filters.modifie_depuis))
    records = {}

    def prepare(rows):
        ids = [row.pk for row in rows]
        values = {row["pk"]: row for row in Action.objects.filter(pk__in=ids).values(*fields)}
        steps = Action.objects.step_counts(roadmap)
        communes = {}
        for action_id, code in Action.communes.through.objects.filter(
            action_id__in=ids
        ).values_list("action_id", "commune__insee_code"):
            communes.setdefault(action_id, []).append(code)
        for pk, row in values.items():
            total, done = steps.get(pk, (0, 0))
            code = f"{row['axis__number']}.{row['number']}"
            records[pk] = {
                "id": pk,
                "code": code,
                "axe": row["axis__number"],
                "titre": row["title"],
                "description": row["description"] or None,
                "resultats_attendus": row["expected_results"] or None,
                "statut": row["status"],
                "statut_libelle": str(public_roadmaps.STATUS_LABELS[row["status"]]),
                "avancement": round(100 * done / total) if total else row["progress"],
                "debut": row["start_date"].isoformat() if row["start_date"] else None,
                "fin": row["end_date"].isoformat() if row["end_date"] else None,
                "pilote": row["pilot_partner__name"],
                "communes": sorted(communes.get(pk, [])),
                "budget": (
                    decimal_label(row["budget"])
                    if roadmap.budget_public and row.get("budget") is not None
                    else None
                ),
                "financeurs": (row.get("funders") or None) if roadmap.budget_public else None,
                "url": request.build_absolute_uri(
                    reverse("roadmaps:action", args=[roadmap.territory.slug, pk])
                ),
                "date_maj": timezone.localtime(row["updated_at"]).isoformat(),
            }

    return _page(
        request,
        found.only("pk", "updated_at"),
        filters,
        lambda action: records[action.pk],
        lambda action: [action.updated_at],
        prepare=prepare,
    )
