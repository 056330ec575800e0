"""Import of data·inclusion v1 files (the national reference's structures and services) into a
territory: `manage.py import_data_inclusion` and the admin's preview (docs/partners.md).

- Files: JSON arrays (read as a stream with ijson, never whole in memory) or CSV (`,`, lists as
  `,`-separated values in a cell), structures and services in the v1 schema. Every record is
  validated with the package's pydantic models; an invalid one is skipped and reported.
- Filter: structures whose `code_insee` is a commune of the territory; services of those.
- Key: `(source, id)`, then the SIRET among the territory's partners not imported yet.
- Local edits: a field the territory changed since the last import (or any filled field of a
  partner created here and matched by SIRET) is kept; when the file brings another value, the
  report says so (« conservé : modifié localement »).
- One transaction: every record is written, or none. The preview runs the same import and rolls
  it back, so it says exactly what confirming will do.
"""

import csv
import functools
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import ijson
import opening_hours
import pydantic
from data_inclusion.schema import v1
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import formats, phones
from partners.forms import unique_slug
from partners.models import (
    Category,
    Partner,
    Public,
    Service,
    Theme,
    refresh_directory_fields,
)
from portal import cache
from portal.models import Commune

BATCH = 2000
EXAMPLES = 50  # skipped records and conflicts listed in the report (the rest are counted)
LIST_FIELDS = {
    "reseaux_porteurs",
    "thematiques",
    "publics",
    "modes_accueil",
    "zone_eligibilite",
    "modes_mobilisation",
    "mobilisable_par",
}
LOCAL = "__local__"  # baseline of a field filled here before the first import: always local
DEFAULT_CATEGORY = "autre"


class _Rollback(Exception):
    pass


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)  # "structure" / "service" -> count
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    skipped_examples: list = field(default_factory=list)  # (kind, id, reason)
    conflicts: list = field(default_factory=list)  # (kind, id, field, local, incoming)
    conflict_count: int = 0
    written: bool = False
    stale: bool = False

    def skip(self, kind, record_id, reason):
        self.skipped[reason] += 1
        if len(self.skipped_examples) < EXAMPLES:
            self.skipped_examples.append((kind, record_id, reason))

    def conflict(self, kind, record_id, name, local, incoming):
        self.conflict_count += 1
        if len(self.conflicts) < EXAMPLES:
            self.conflicts.append((kind, record_id, name, local, incoming))

    def lines(self):
        """The report in French, one line each."""
        lines = []
        for kind, label in (("structure", _("structures")), ("service", _("services"))):
            lines.append(
                _(
                    "%(label)s — créations : %(created)s, mises à jour : %(updated)s, "
                    "inchangés : %(same)s"
                )
                % {
                    "label": label.capitalize(),
                    "created": self.created[kind],
                    "updated": self.updated[kind],
                    "same": self.unchanged[kind],
                }
            )
        for reason, count in sorted(self.skipped.items()):
            lines.append(_("Ignorés : %(count)s — %(reason)s") % {"count": count, "reason": reason})
        for kind, record_id, reason in self.skipped_examples:
            lines.append(f"  {kind} {record_id} : {reason}")
        if self.conflict_count:
            lines.append(
                _("Valeurs modifiées localement et conservées : %(count)s")
                % {"count": self.conflict_count}
            )
        for kind, record_id, name, local, incoming in self.conflicts:
            lines.append(
                _(
                    "  %(kind)s %(id)s, %(field)s : conservé « %(local)s », "
                    "le fichier dit « %(new)s »"
                )
                % {"kind": kind, "id": record_id, "field": name, "local": local, "new": incoming}
            )
        return lines


# --- Reading ------------------------------------------------------------------------------------


def _open_binary(source):
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str):
        return open(source, "rb")  # noqa: SIM115 - closed by read_records
    return source


def read_records(source):
    """Dicts of a v1 file: a JSON array (streamed) or a CSV file. `source`: a path, bytes or a
    binary file object."""
    stream = _open_binary(source)
    try:
        head = stream.read(4096)
        stream.seek(0)
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if first == b"[":
            yield from ijson.items(stream, "item", use_float=True)
            return
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        for row in csv.DictReader(text):
            record = {}
            for name, value in row.items():
                if name is None:
                    continue
                value = value.removeprefix("'") if value[:2] in ("'=", "'@", "'+", "'-") else value
                if value == "":
                    record[name] = None
                elif name in LIST_FIELDS:
                    record[name] = [item.strip() for item in value.split(",") if item.strip()]
                else:
                    record[name] = value
            yield record
    finally:
        if isinstance(source, str):
            stream.close()


def _validated(model, raw):
    """(normalised record, None) or (None, French reason)."""
    try:
        item = model.model_validate(raw)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "—"
        return None, _("invalide (%(field)s : %(message)s)") % {
            "field": where,
            "message": first["msg"],
        }
    record = item.model_dump(mode="json")
    for name in LIST_FIELDS & set(record):
        if record[name] is not None:
            record[name] = sorted(record[name]) if name != "zone_eligibilite" else record[name]
    return record, None


# --- Applying one record ------------------------------------------------------------------------


@functools.lru_cache(maxsize=10_000)
def _phone(value):
    try:
        return phones.to_e164(value or "")
    except ValidationError:
        return value or ""


@functools.lru_cache(maxsize=10_000)
def _hours(value):
    """(OSM hours, free text): a value opening-hours-py refuses goes to the free text."""
    if not value:
        return "", ""
    try:
        opening_hours.OpeningHours(value)
    except Exception:
        return "", value
    return value, ""


class Context:
    """Reference tables of one import: a few queries, whatever the file's size."""

    def __init__(self, territory):
        self.territory = territory
        self.communes = {
            commune.insee_code: commune
            for commune in Commune.objects.filter(epci__territories=territory)
        }
        self.categories = {item.slug: item for item in Category.objects.all()}
        self.publics = {item.slug: item for item in Public.objects.all()}
        self.themes = {item.slug: item for item in Theme.objects.all()}
        self.slugs = set(Partner.objects.values_list("slug", flat=True))
        self.source = territory.slug
        # reverse() once: a partner's address is this with its slug.
        self.url_pattern = reverse("partners:detail", args=["SLUG"])

    def url(self, partner):
        return self.url_pattern.replace("SLUG", partner.slug)


def _partner_values(record, context):
    osm, free = _hours(record.get("horaires_accueil"))
    networks = [slug for slug in record.get("reseaux_porteurs") or [] if slug in context.categories]
    return {
        "name": record["nom"],
        "description": record.get("description") or "",
        "siret": record.get("siret") or "",
        "commune": context.communes.get(record.get("code_insee")),
        "postal_code": record.get("code_postal") or "",
        "address": record.get("adresse") or "",
        "phone": _phone(record.get("telephone")),
        "email": record.get("courriel") or "",
        "website": record.get("site_web") or "",
        "opening_hours_osm": osm,
        "opening_hours": free,
        "category": context.categories[networks[0] if networks else DEFAULT_CATEGORY],
    }


def _service_values(record, context):
    modes = set(record.get("modes_accueil") or [])
    mobilisation = set(record.get("modes_mobilisation") or [])
    mobilisers = set(record.get("mobilisable_par") or [])
    osm, _free = _hours(record.get("horaires_accueil"))
    return {
        "name": record["nom"],
        "description": record["description"],
        "service_type": record.get("type") or "",
        "fee": record.get("frais") or "",
        "fee_details": record.get("frais_precisions") or "",
        "publics_details": record.get("publics_precisions") or "",
        "access_conditions": record.get("conditions_acces") or "",
        "reception_in_person": "en-presentiel" in modes,
        "reception_remote": "a-distance" in modes,
        "eligibility_zone": " ".join(record.get("zone_eligibilite") or []),
        "mobilisation_link": record.get("lien_mobilisation") or "",
        "mobilise_walk_in": "se-presenter" in mobilisation,
        "mobilise_phone": "telephoner" in mobilisation,
        "mobilise_email": "envoyer-un-courriel" in mobilisation,
        "mobilise_link": "utiliser-lien-mobilisation" in mobilisation,
        "mobilisable_by_users": "usagers" in mobilisers,
        "mobilisable_by_pros": "professionnels" in mobilisers,
        "mobilisation_details": record.get("mobilisation_precisions") or "",
        "opening_hours_osm": osm,
    }


# Which model fields (and relations) carry each v1 field: what a local edit keeps.
STRUCTURE_MODEL_FIELDS = {
    "nom": ["name"],
    "description": ["description"],
    "siret": ["siret"],
    "commune": ["commune"],
    "code_insee": ["commune"],
    "code_postal": ["postal_code"],
    "adresse": ["address"],
    "telephone": ["phone"],
    "courriel": ["email"],
    "site_web": ["website"],
    "horaires_accueil": ["opening_hours_osm", "opening_hours"],
    "reseaux_porteurs": ["category"],
}
SERVICE_MODEL_FIELDS = {
    "nom": ["name"],
    "description": ["description"],
    "type": ["service_type"],
    "thematiques": ["themes"],
    "frais": ["fee"],
    "frais_precisions": ["fee_details"],
    "publics": ["publics"],
    "publics_precisions": ["publics_details"],
    "conditions_acces": ["access_conditions"],
    "modes_accueil": ["reception_in_person", "reception_remote"],
    "zone_eligibilite": ["eligibility_zone"],
    "lien_mobilisation": ["mobilisation_link"],
    "modes_mobilisation": ["mobilise_walk_in", "mobilise_phone", "mobilise_email", "mobilise_link"],
    "mobilisable_par": ["mobilisable_by_users", "mobilisable_by_pros"],
    "mobilisation_precisions": ["mobilisation_details"],
    "horaires_accueil": ["opening_hours_osm"],
}


def _merge(kind, item, current, incoming, field_map, report):
    """Decide field by field. Returns the model field names to write (a set) and the new
    baseline. `current`: the record as stored (v1 values) before, `incoming`: the file's."""
    imported = item.di_imported or {}
    baseline = imported.get("baseline")
    snapshot = imported.get("record") or {}
    keep, write, new_baseline = set(), set(), {}
    for name in field_map:
        if baseline is None:  # never imported: what is filled here is local
            local = current.get(name) not in (None, [], "")
        else:
            local = baseline.get(name) == LOCAL or current.get(name) != baseline.get(name)
        if local:
            keep.add(name)
            new_baseline[name] = LOCAL if baseline is None else baseline.get(name)
            if incoming.get(name) != current.get(name) and incoming.get(name) != snapshot.get(name):
                report.conflict(kind, incoming["id"], name, current.get(name), incoming.get(name))
    for name, model_fields in field_map.items():
        if name not in keep:
            write.update(model_fields)
    # A model field shared by two v1 fields (commune / code_insee) is kept if either is local.
    for name in keep:
        write.difference_update(field_map[name])
    return write, new_baseline


# --- The import ---------------------------------------------------------------------------------


def import_data_inclusion(*, structures, services, territory, dry_run=False, expected=None):
    """Import the files into `territory` (all or nothing). `dry_run`: the preview, rolled back.
    `expected`: the preview's summary (report_as_json); when the import would now do something
    else (records edited meanwhile), nothing is written and the report is marked `stale`.
    Returns the ImportReport."""
    report = ImportReport()
    try:
        with transaction.atomic():
            context = Context(territory)
            partners = _import_structures(structures, context, report)
            _import_services(services, partners, context, report)
            # Bulk writes send no signal: the directory's fields of every partner of the files.
            refresh_directory_fields(partner.pk for partner in partners.values())
            if expected is not None and report_as_json(report) != expected:
                report.stale = True
                raise _Rollback
            if dry_run:
                raise _Rollback
            if report.created.total() or report.updated.total():
                cache.content_changed()
            report.written = True
    except _Rollback:
        pass
    return report


def _import_structures(source, context, report):
    """Pass 1: {(source, id): partner} of the territory's structures, created or updated."""
    kept = {}
    for raw in read_records(source):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        record, reason = _validated(v1.Structure, raw)
        if record is None:
            report.skip("structure", raw_id, reason)
            continue
        if record.get("code_insee") not in context.communes:
            report.skip("structure", record["id"], _("commune hors du territoire"))
            continue
        key = (record["source"], record["id"])
        if key in kept:
            report.skip("structure", record["id"], _("identifiant en double dans le fichier"))
            continue
        kept[key] = record
    by_key = {}
    ids = [key[1] for key in kept]
    for start in range(0, len(ids), BATCH):
        for partner in Partner.objects.filter(di_id__in=ids[start : start + BATCH]).select_related(
            "category", "commune"
        ):
            by_key[(partner.di_source, partner.di_id)] = partner
    sirets = {record["siret"] for record in kept.values() if record.get("siret")}
    by_siret = {
        partner.siret: partner
        for partner in Partner.objects.filter(
            territory=context.territory, siret__in=sirets, di_id=""
        ).select_related("category", "commune")
    }
    result, to_create, to_update, update_fields = {}, [], [], set()
    now = timezone.now()
    for key, record in kept.items():
        partner = by_key.get(key)
        if partner is None and record.get("siret"):
            partner = by_siret.pop(record["siret"], None)
        if partner is not None and partner.territory_id != context.territory.pk:
            report.skip("structure", record["id"], _("géré par un autre territoire"))
            continue
        if partner is not None and (partner.di_imported or {}).get("record") == record:
            report.unchanged["structure"] += 1  # unchanged at the source: nothing to do
            result[key] = partner
            continue
        values = _partner_values(record, context)
        kept_baseline, names = {}, []
        if partner is None:
            partner = Partner(territory=context.territory, **values)
            partner.slug = unique_slug(partner.name, context.slugs, check_database=False)
            partner.created_at = partner.updated_at = now
            context.slugs.add(partner.slug)
            report.created["structure"] += 1
        else:
            current = formats.data_inclusion_structure(
                partner, context.url(partner), context.source, as_stored=True
            )
            write, kept_baseline = _merge(
                "structure", partner, current, record, STRUCTURE_MODEL_FIELDS, report
            )
            names = [name for name in sorted(write) if getattr(partner, name) != values[name]]
            for name in names:
                setattr(partner, name, values[name])
            (report.updated if names else report.unchanged)["structure"] += 1
        old_key = (partner.di_source, partner.di_id, partner.di_updated_on)
        partner.di_source, partner.di_id = key
        partner.di_updated_on = date.fromisoformat(record["date_maj"])
        stored = formats.data_inclusion_structure(
            partner, context.url(partner), context.source, as_stored=True
        )
        baseline = {name: stored.get(name) for name in formats.STRUCTURE_FIELDS}
        baseline.update(kept_baseline)
        imported = {"record": record, "baseline": baseline}
        if partner.pk is None:
            partner.di_imported = imported
            partner.search_text = partner.build_search_text()
            to_create.append(partner)
        elif names or partner.di_imported != imported or old_key != (*key, partner.di_updated_on):
            partner.di_imported = imported
            partner.search_text = partner.build_search_text()
            if names:
                partner.updated_at = now
            update_fields.update(names)
            to_update.append(partner)
        result[key] = partner
    Partner.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        fields = {"di_imported", "di_source", "di_id", "di_updated_on", "search_text", "updated_at"}
        Partner.objects.bulk_update(to_update, sorted(fields | update_fields), batch_size=200)
    return result


def _import_services(source, partners, context, report):
    """Pass 2, in batches of BATCH records: services of the structures kept in pass 1."""
    batch = []
    seen = set()
    for raw in read_records(source):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        record, reason = _validated(v1.Service, raw)
        if record is None:
            report.skip("service", raw_id, reason)
            continue
        partner = partners.get((record["source"], record["structure_id"]))
        if partner is None:
            report.skip("service", record["id"], _("structure hors du territoire ou absente"))
            continue
        key = (record["source"], record["id"])
        if key in seen:
            report.skip("service", record["id"], _("identifiant en double dans le fichier"))
            continue
        seen.add(key)
        batch.append((record, partner))
        if len(batch) >= BATCH:
            _write_services(batch, context, report)
            batch = []
    if batch:
        _write_services(batch, context, report)


def _relations(record, context):
    themes = [context.themes[slug] for slug in record.get("thematiques") or []]
    publics = [context.publics[slug] for slug in record.get("publics") or []]
    return themes, publics


def _write_services(batch, context, report):
    """One batch: a constant number of queries (existing services and their links, the
    creations, the updates, the links)."""
    existing = {
        (service.di_source, service.di_id): service
        for service in Service.objects.filter(
            di_id__in=[record["id"] for record, _partner in batch]
        ).select_related("partner__category", "partner__commune")
    }
    # A record the producer did not change since the last import needs nothing (local edits
    # stay as they are): only the others are compared field by field, with their links.
    unchanged = set()
    for record, partner in batch:
        service = existing.get((record["source"], record["id"]))
        if service is not None and service.partner_id == partner.pk:
            if (service.di_imported or {}).get("record") == record:
                unchanged.add(id(service))
    prefetch_related_objects(
        [item for item in existing.values() if id(item) not in unchanged], "themes", "publics"
    )
    to_create, to_update, update_fields, links = [], [], set(), []
    now = timezone.now()
    for record, partner in batch:
        key = (record["source"], record["id"])
        values = _service_values(record, context)
        themes, publics = _relations(record, context)
        service = existing.get(key)
        if service is not None and id(service) in unchanged:
            report.unchanged["service"] += 1
            continue
        if service is None:
            service = Service(partner=partner, di_source=key[0], di_id=key[1], **values)
            service.search_text = service.build_search_text()
            service.created_at = service.updated_at = now
            to_create.append(service)
            needs_update, old_state = False, None
            write = {"themes", "publics"}
            baseline_kept = {}
            report.created["service"] += 1
        else:
            service.partner = partner
            current = formats.data_inclusion_service(
                service, context.url(partner), context.source, as_stored=True
            )
            write, baseline_kept = _merge(
                "service", service, current, record, SERVICE_MODEL_FIELDS, report
            )
            old_themes, old_publics = list(service.themes.all()), list(service.publics.all())
            changed = [
                name
                for name in sorted(write - {"themes", "publics"})
                if getattr(service, name) != values[name]
            ]
            relations_changed = (
                "themes" in write and {t.pk for t in old_themes} != {t.pk for t in themes}
            ) or ("publics" in write and {p.pk for p in old_publics} != {p.pk for p in publics})
            for name in changed:
                setattr(service, name, values[name])
            if "themes" not in write:
                themes = old_themes
            if "publics" not in write:
                publics = old_publics
            if changed or relations_changed:
                service.search_text = service.build_search_text()
                service.updated_at = now
                update_fields.update(changed)
                report.updated["service"] += 1
            else:
                report.unchanged["service"] += 1
            write = {"themes", "publics"} if relations_changed else set()
            old_state = (service.di_imported, service.di_updated_on, service.partner_id)
            needs_update = bool(changed or relations_changed)
        service.di_updated_on = date.fromisoformat(record["date_maj"])
        stored = formats.data_inclusion_service(
            service,
            context.url(partner),
            context.source,
            as_stored=True,
            themes=themes,
            publics=publics,
        )
        baseline = {name: stored.get(name) for name in formats.SERVICE_FIELDS}
        baseline.update(baseline_kept)
        service.di_imported = {"record": record, "baseline": baseline}
        if service.pk is not None and (
            needs_update
            or old_state != (service.di_imported, service.di_updated_on, service.partner_id)
        ):
            to_update.append(service)
        if write:
            links.append((service, themes, publics))
    _create_services(to_create)
    if to_update:
        fields = sorted(
            update_fields | {"search_text", "updated_at", "partner", "di_imported", "di_updated_on"}
        )
        Service.objects.bulk_update(to_update, fields, batch_size=500)
    if links:
        # New services have no links yet: only the updated ones lose their old links.
        created = {id(service) for service in to_create}
        ids = [service.pk for service, _t, _p in links if id(service) not in created]
        if ids:
            Service.themes.through.objects.filter(service_id__in=ids).delete()
            Service.publics.through.objects.filter(service_id__in=ids).delete()
        # The link rows by executemany: tens of thousands of rows, no model instance each.
        _insert_links(
            Service.themes.through,
            "theme_id",
            [(service.pk, theme.pk) for service, themes, _publics in links for theme in themes],
        )
        _insert_links(
            Service.publics.through,
            "public_id",
            [(service.pk, public.pk) for service, _themes, publics in links for public in publics],
        )


def _create_services(services):
    """Insert new services and set their pks: bulk_create, or COPY on PostgreSQL (a multi-row
    INSERT of thousands of rows is parsed and quoted in Python by psycopg: COPY streams them)."""
    if not services:
        return
    if connection.vendor != "postgresql":
        Service.objects.bulk_create(services, batch_size=500)
        return
    fields = [field for field in Service._meta.concrete_fields if not field.primary_key]
    table = connection.ops.quote_name(Service._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for service in services:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(service, True), connection)
                        for field in fields
                    ]
                )
    keys = Service.objects.filter(di_id__in=[service.di_id for service in services])
    pks = {(source, key): pk for source, key, pk in keys.values_list("di_source", "di_id", "pk")}
    for service in services:
        service.pk = pks[(service.di_source, service.di_id)]
        service._state.adding = False


def _insert_links(through, column, rows):
    if not rows:
        return
    table = connection.ops.quote_name(through._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in ("service_id", column))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s)", rows)  # noqa: S608


def report_as_json(report):
    return json.dumps(
        {
            "created": dict(report.created),
            "updated": dict(report.updated),
            "unchanged": dict(report.unchanged),
            "skipped": dict(report.skipped),
            "conflicts": report.conflict_count,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
