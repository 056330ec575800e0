"""Import of the official administrative map (Etalab *découpage administratif* format).

`import_communes(directory=...)` reads `communes.json` and `epci.json` (and `departements.json`,
`regions.json` when present), validates every record, then writes everything in one transaction:
a malformed file changes nothing. Re-running it with the same files changes nothing.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DataError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import cache
from portal.models import EPCI, Commune, Department, Region
from portal.signals import communes_renamed
from portal.text import normalize, strip_control_characters

CURRENT_COMMUNE = "commune-actuelle"
# \Z, not $: "$" also matches before a final line break ("16015\n", six characters).
INSEE_RE = re.compile(r"^([0-9]{2}|2A|2B)[0-9]{3}\Z")
SIREN_RE = re.compile(r"^[0-9]{9}\Z")
# Metropolitan departments, Corsica, overseas departments and collectivities (971 to 989).
DEPARTMENT_RE = re.compile(r"^([0-9]{2}|2A|2B|9[78][0-9])\Z")
# Regions: two digits, three for the overseas collectivities (975 to 989).
REGION_RE = re.compile(r"^[0-9]{2,3}\Z")
POSTAL_CODE_RE = re.compile(r"^[0-9]{5}\Z")
# The population column's upper bound (a PositiveIntegerField: 2**31 - 1 on PostgreSQL).
POPULATION_MAX = connection.ops.integer_field_range("PositiveIntegerField")[1]
BATCH = 2000


class ImportFailed(Exception):
    """A file or a record that cannot be imported: nothing was written."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        # Nouns, not participles: the same words fit régions, départements, EPCI and communes.
        return ", ".join(
            (
                ngettext("%(count)s ajout", "%(count)s ajouts", self.created)
                % {"count": self.created},
                ngettext("%(count)s mise à jour", "%(count)s mises à jour", self.updated)
                % {"count": self.updated},
                _("%(count)s sans changement") % {"count": self.unchanged},
            )
        )


@dataclass
class ImportReport:
    regions: Counts = field(default_factory=Counts)
    departments: Counts = field(default_factory=Counts)
    epcis: Counts = field(default_factory=Counts)
    communes: Counts = field(default_factory=Counts)

    @property
    def changed(self):
        return any(
            counts.created or counts.updated
            for counts in (self.regions, self.departments, self.epcis, self.communes)
        )

    def summary(self):
        """One sentence for a message: what changed, or that nothing did."""
        if not self.changed:
            return _(
                "Rien à changer : les données étaient déjà à jour (%(communes)s communes)."
            ) % {"communes": self.communes.unchanged}
        return _("Import terminé. %(details)s.") % {"details": " ; ".join(self.lines())}

    def lines(self):
        return [
            _("Régions : %s") % self.regions,
            _("Départements : %s") % self.departments,
            _("EPCI : %s") % self.epcis,
            _("Communes : %s") % self.communes,
        ]


def read_json(source, name):
    """Parse a JSON list from a path or a file object; the error names the file."""
    try:
        if hasattr(source, "read"):
            raw = source.read()
            data = json.loads(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
        else:
            with open(source, encoding="utf-8-sig") as handle:
                data = json.load(handle)
    except FileNotFoundError as error:
        raise ImportFailed(_("%(file)s : fichier introuvable.") % {"file": name}) from error
    except RecursionError as error:
        # Arrays nested thousands deep: the parser gives up, the official files never do that.
        raise ImportFailed(
            _("%(file)s : ce n'est pas un fichier JSON valide (imbrication trop profonde).")
            % {"file": name}
        ) from error
    except ValueError as error:
        # JSONDecodeError, UnicodeDecodeError, an integer of more than 4,300 digits.
        raise ImportFailed(
            _("%(file)s : ce n'est pas un fichier JSON valide (%(error)s).")
            % {"file": name, "error": error}
        ) from error
    if not isinstance(data, list):
        raise ImportFailed(
            _("%(file)s : une liste d'enregistrements est attendue.") % {"file": name}
        )
    return data


def _require(record, key, file, index, check=None, label=None, reason=None):
    value = record.get(key) if isinstance(record, dict) else None
    if value is None or value == "" or (check is not None and not check(value)):
        _refuse(record, key, file, index, reason, label)
    return value


def _refuse(record, key, file, index, reason=None, label=None):
    """Stop the import with a message naming the file, the record and the field."""
    raise ImportFailed(
        _("%(file)s, enregistrement n° %(index)s (%(record)s) : champ « %(key)s » %(reason)s.")
        % {
            "file": file,
            "index": index + 1,
            "record": label or _summary(record),
            "key": key,
            "reason": reason or _("manquant ou invalide"),
        }
    )


def _text(record, key, file, index, model):
    """The text of `key`, without control characters, checked against the column it fills
    (`model.name`): present, no NUL (PostgreSQL refuses it), not longer than the column."""
    value = _require(record, key, file, index, lambda v: isinstance(v, str))
    if "\x00" in value:
        _refuse(record, key, file, index, _("contient un caractère nul"))
    value = strip_control_characters(value).strip()
    max_length = model._meta.get_field("name").max_length
    if not value:
        _refuse(record, key, file, index)
    if len(value) > max_length:
        _refuse(
            record,
            key,
            file,
            index,
            _("trop long (%(max)s caractères au plus)") % {"max": max_length},
        )
    return value


def _summary(record):
    """The record's code and name, on one line and short, to name it in a message."""
    if not isinstance(record, dict):
        return strip_control_characters(repr(record)[:60])
    text = " ".join(str(record.get(key, ""))[:80] for key in ("code", "nom") if record.get(key))
    return " ".join(strip_control_characters(text).split())[:80]


def parse_communes(records, file="communes.json"):
    """Validate the current communes: {insee_code: dict of field values}."""
    communes = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise ImportFailed(
                _("%(file)s, enregistrement n° %(index)s : un objet est attendu.")
                % {"file": file, "index": index + 1}
            )
        if record.get("type", CURRENT_COMMUNE) != CURRENT_COMMUNE:
            continue
        code = _require(
            record, "code", file, index, lambda v: isinstance(v, str) and INSEE_RE.match(v)
        )
        name = _text(record, "nom", file, index, Commune)
        search_name = normalize(name)  # ligatures and the like may lengthen it
        if len(search_name) > Commune._meta.get_field("search_name").max_length:
            _refuse(record, "nom", file, index, _("trop long une fois normalisé"))
        department = _require(
            record,
            "departement",
            file,
            index,
            lambda v: isinstance(v, str) and DEPARTMENT_RE.match(v),
        )
        population = record.get("population", 0) or 0
        if isinstance(population, bool) or not isinstance(population, int) or population < 0:
            _refuse(record, "population", file, index)
        if population > POPULATION_MAX:
            _refuse(
                record,
                "population",
                file,
                index,
                _("trop grand (%(max)s au plus)") % {"max": POPULATION_MAX},
            )
        postal_codes = record.get("codesPostaux") or []
        if (
            not isinstance(postal_codes, list)
            or not all(isinstance(pc, str) and POSTAL_CODE_RE.match(pc) for pc in postal_codes)
            or len(postal_codes) > 33  # the column holds 200 characters
        ):
            _refuse(record, "codesPostaux", file, index)
        region = record.get("region") or ""
        if region and not (isinstance(region, str) and REGION_RE.match(region)):
            _refuse(record, "region", file, index)
        communes[code] = {
            "name": name,
            "search_name": search_name,
            "postal_codes": " ".join(postal_codes),
            "population": population,
            "department_code": department,
            "region_code": region,
        }
    return communes


def parse_epcis(records, file="epci.json"):
    """Validate the EPCIs: {siren: (name, kind, [member INSEE codes])}."""
    epcis = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise ImportFailed(
                _("%(file)s, enregistrement n° %(index)s : un objet est attendu.")
                % {"file": file, "index": index + 1}
            )
        siren = _require(
            record, "code", file, index, lambda v: isinstance(v, str) and SIREN_RE.match(v)
        )
        name = _text(record, "nom", file, index, EPCI)
        code = _require(record, "type", file, index, EPCI.Kind.from_official_code)
        kind = EPCI.Kind.from_official_code(code)
        members = record.get("membres") or []
        if not isinstance(members, list) or not all(
            isinstance(m, dict) and isinstance(m.get("code"), str) for m in members
        ):
            _require(record, "membres", file, index, lambda v: False)
        epcis[siren] = (name, kind, [member["code"] for member in members])
    return epcis


def parse_named(records, file, model, code_check):
    """Validate departments or regions: {code: {"nom": name, "region": region code or ""}}."""
    result = {}
    for index, record in enumerate(records):
        code = _require(record, "code", file, index, lambda v: isinstance(v, str) and code_check(v))
        name = _text(record, "nom", file, index, model)
        region = record.get("region") or ""
        if region and not (isinstance(region, str) and REGION_RE.match(region)):
            _refuse(record, "region", file, index)
        result[code] = {"nom": name, "region": region}
    return result


def import_communes(
    *, communes, epcis, departments=None, regions=None, only_epcis=(), only_departments=()
):
    """Import parsed records (see `load_directory`); all-or-nothing. Returns an ImportReport."""
    communes_data = parse_communes(communes)
    epci_data = parse_epcis(epcis)
    department_data = parse_named(
        departments or [], "departements.json", Department, DEPARTMENT_RE.match
    )
    region_data = parse_named(regions or [], "regions.json", Region, REGION_RE.match)

    only_epcis = set(only_epcis)
    only_departments = set(only_departments)
    unknown = only_epcis - set(epci_data)
    if unknown:
        raise ImportFailed(
            ngettext(
                "epci.json : EPCI inconnu : %(codes)s.",
                "epci.json : EPCI inconnus : %(codes)s.",
                len(unknown),
            )
            % {"codes": ", ".join(sorted(unknown))}
        )
    if only_epcis:
        epci_data = {siren: value for siren, value in epci_data.items() if siren in only_epcis}
        members = {code for _name, _kind, codes in epci_data.values() for code in codes}
        communes_data = {code: value for code, value in communes_data.items() if code in members}
    if only_departments:
        communes_data = {
            code: value
            for code, value in communes_data.items()
            if value["department_code"] in only_departments
        }
        if not only_epcis:
            kept = set(communes_data)
            epci_data = {
                siren: value
                for siren, value in epci_data.items()
                if any(code in kept for code in value[2])
            }

    commune_epci = {}
    for siren, (_name, _kind, codes) in epci_data.items():
        for code in codes:
            commune_epci[code] = siren

    report = ImportReport()
    try:
        with transaction.atomic():
            region_ids = _sync_regions(communes_data, department_data, region_data, report.regions)
            department_ids = _sync_departments(
                communes_data, department_data, region_ids, report.departments
            )
            epci_ids = _sync_epcis(epci_data, report.epcis)
            _sync_communes(communes_data, commune_epci, department_ids, epci_ids, report.communes)
            if report.changed:  # bulk writes send no signal: make the cached pages stale here
                cache.content_changed()
    except DataError as error:
        # The checks above mirror the columns; should one be missed, still no 500.
        raise ImportFailed(
            _("La base de données a refusé une valeur (%(error)s).") % {"error": error}
        ) from error
    return report


def load_directory(directory, **filters):
    """Import the official files of a directory (communes.json, epci.json, and optionally
    departements.json and regions.json)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportFailed(_("%(dir)s : dossier introuvable.") % {"dir": directory})
    optional = {}
    for key, name in (("departments", "departements.json"), ("regions", "regions.json")):
        if (directory / name).exists():
            optional[key] = read_json(directory / name, name)
    return import_communes(
        communes=read_json(directory / "communes.json", "communes.json"),
        epcis=read_json(directory / "epci.json", "epci.json"),
        **optional,
        **filters,
    )


def _sync_regions(communes_data, department_data, region_data, counts):
    needed = set()
    for value in communes_data.values():
        needed.add(value["region_code"] or "00")
        department = department_data.get(value["department_code"])
        if department and department.get("region"):
            needed.add(department["region"])
    wanted = {}
    for code in needed:
        record = region_data.get(code)
        wanted[code] = record["nom"] if record else _("Région %(code)s") % {"code": code}
    existing = {region.code: region for region in Region.objects.filter(code__in=wanted)}
    to_create, to_update = [], []
    for code, name in wanted.items():
        region = existing.get(code)
        if region is None:
            to_create.append(Region(code=code, name=name))
        elif region.name != name and code in region_data:
            region.name = name
            to_update.append(region)
        else:
            counts.unchanged += 1
    Region.objects.bulk_create(to_create, batch_size=BATCH)
    Region.objects.bulk_update(to_update, ["name"], batch_size=BATCH)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "id"))


def _sync_departments(communes_data, department_data, region_ids, counts):
    wanted = {}
    for value in communes_data.values():
        code = value["department_code"]
        record = department_data.get(code)
        if record:
            wanted[code] = (record["nom"], record.get("region") or value["region_code"] or "00")
        elif code not in wanted:
            wanted[code] = (
                _("Département %(code)s") % {"code": code},
                value["region_code"] or "00",
            )
    existing = {dep.code: dep for dep in Department.objects.filter(code__in=wanted)}
    to_create, to_update = [], []
    for code, (name, region_code) in wanted.items():
        region_id = region_ids[region_code]
        department = existing.get(code)
        if department is None:
            to_create.append(Department(code=code, name=name, region_id=region_id))
        elif code in department_data and (
            department.name != name or department.region_id != region_id
        ):
            department.name, department.region_id = name, region_id
            to_update.append(department)
        else:
            counts.unchanged += 1
    Department.objects.bulk_create(to_create, batch_size=BATCH)
    Department.objects.bulk_update(to_update, ["name", "region"], batch_size=BATCH)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    return dict(Department.objects.filter(code__in=wanted).values_list("code", "id"))


def _sync_epcis(epci_data, counts):
    existing = {epci.siren: epci for epci in EPCI.objects.filter(siren__in=epci_data)}
    to_create, to_update = [], []
    for siren, (name, kind, _members) in epci_data.items():
        epci = existing.get(siren)
        if epci is None:
            to_create.append(EPCI(siren=siren, name=name, kind=kind))
        elif (epci.name, epci.kind) != (name, kind):
            epci.name, epci.kind = name, kind
            to_update.append(epci)
        else:
            counts.unchanged += 1
    EPCI.objects.bulk_create(to_create, batch_size=BATCH)
    EPCI.objects.bulk_update(to_update, ["name", "kind"], batch_size=BATCH)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    return dict(EPCI.objects.filter(siren__in=epci_data).values_list("siren", "id"))


def update_rows(model, attnames, rows):
    """Write rows of values of `attnames`, each followed by the primary key: one UPDATE
    statement run for many rows.

    bulk_update() builds a CASE WHEN per field and batch, which grows quadratically: updating the
    populations of the whole country took minutes. executemany() of a plain UPDATE takes seconds
    on SQLite and PostgreSQL (psycopg pipelines it)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name.removesuffix("_id")).column for name in attnames]
    sql = "UPDATE {table} SET {values} WHERE {pk} = %s".format(
        table=quote(model._meta.db_table),
        values=", ".join(f"{quote(column)} = %s" for column in columns),
        pk=quote(model._meta.pk.column),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


COMMUNE_FIELDS = ["name", "search_name", "postal_codes", "population", "department_id", "epci_id"]


def _sync_communes(communes_data, commune_epci, department_ids, epci_ids, counts):
    queryset = Commune.objects.values_list("insee_code", "pk", *COMMUNE_FIELDS)
    if len(communes_data) < 5000:
        queryset = queryset.filter(insee_code__in=list(communes_data))
    existing = {code: (pk, list(values)) for code, pk, *values in queryset}
    to_create, to_update, renamed = [], [], []
    for code, value in communes_data.items():
        wanted = [
            value["name"],
            value["search_name"],
            value["postal_codes"],
            value["population"],
            department_ids[value["department_code"]],
            epci_ids.get(commune_epci.get(code)),
        ]
        current = existing.get(code)
        if current is None:
            to_create.append(
                Commune(insee_code=code, **dict(zip(COMMUNE_FIELDS, wanted, strict=True)))
            )
        elif current[1] != wanted:
            to_update.append([*wanted, current[0]])
            if current[1][1] != wanted[1]:  # search_name
                renamed.append(current[0])
        else:
            counts.unchanged += 1
    Commune.objects.bulk_create(to_create, batch_size=BATCH)
    update_rows(Commune, COMMUNE_FIELDS, to_update)
    if renamed:
        communes_renamed.send(sender=Commune, pks=renamed)
    counts.created += len(to_create)
    counts.updated += len(to_update)
