"""Import of INSEE's Sirene stock files (StockEtablissement_utf8.csv, StockUniteLegale_utf8.csv).

`import_sirene(establishments=..., legal_units=..., territory=None, progress=None)`:

1. streams the establishments file (≈ 40 million rows nationally: never held in memory), reads
   its columns by name (INSEE adds columns), and keeps the rows of the territories' communes
   (or of one territory's);
2. streams the legal units file, keeping the legal units of the establishments kept;
3. checks every kept row (SIRET key, NAF rév. 2 code, workforce band, dates, coordinates) and
   every line's shape (a truncated line, a broken quote): any error and nothing is written;
4. writes in one transaction: creates, updates what changed, and closes the establishments of
   the communes in scope that the file marks closed or no longer lists. A second run with the
   same files changes nothing.

Partial diffusion (`statutDiffusion… = P`): the person asked not to be exposed; INSEE masks
fields with `[ND]`. Whatever the file says, nothing beyond what may be published is kept: no
name of a sole trader, no establishment name, street address or coordinates.
"""

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.fr import siret as stdnum_siret

from companies.models import (
    Establishment,
    LegalUnit,
    Naf2025Code,
    NafCode,
    WorkforceBand,
    band_ranks,
)
from portal import cache
from portal.models import Commune
from portal.scopes import territory_scope
from portal.text import normalize, strip_control_characters

BATCH = 2000
MAX_ERRORS = 20  # messages kept; the count covers them all
PROGRESS_EVERY = 500_000  # lines
NOT_DIFFUSED = "[ND]"
NAF_REV2 = "NAFRev2"
SOLE_TRADER = "1000"

# Columns read by name; a file without one of them is refused (an old or foreign format).
ESTABLISHMENT_COLUMNS = (
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "etablissementSiege",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "codeCommuneEtablissement",
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
)
# Read when present: the Lambert coordinates (since 2024) and the NAF 2025 code (since 2025).
ESTABLISHMENT_OPTIONAL = (
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "activitePrincipaleNAF25Etablissement",
)
LEGAL_UNIT_COLUMNS = (
    "siren",
    "statutDiffusionUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "prenom1UniteLegale",
    "prenomUsuelUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "etatAdministratifUniteLegale",
    "categorieJuridiqueUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "caractereEmployeurUniteLegale",
)

# The projected coordinates of the stock: Lambert-93 in metropolitan France, the local UTM zone
# (RGAF09, RGFG95, RGR92, RGM04) overseas, as INSEE documents them.
CRS_BY_DEPARTMENT = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}
LAMBERT_93 = 2154

ESTABLISHMENT_FIELDS = (
    "legal_unit_id",
    "name",
    "naf_id",
    "activity_code",
    "activity_nomenclature",
    "naf25_id",
    "workforce_band_id",
    "workforce_year",
    "is_employer",
    "is_ess",
    "is_active",
    "is_head_office",
    "address",
    "address_complement",
    "postal_code",
    "commune_id",
    "longitude",
    "latitude",
    "is_partially_diffused",
    "created_on",
    "closed_on",
    "source",
    "search_text",
    "commune_search_name",
    "workforce_rank",
)
LEGAL_UNIT_FIELDS = (
    "name",
    "acronym",
    "legal_category",
    "is_active",
    "is_ess",
    "is_employer",
    "is_partially_diffused",
    "created_on",
)


class ImportFailed(Exception):
    """The files cannot be imported: nothing was written. `errors` lists the first ones."""

    def __init__(self, message, errors=()):
        super().__init__(message)
        self.errors = list(errors)


@dataclass
class Report:
    lines_read: int = 0
    kept: int = 0
    legal_units_created: int = 0
    legal_units_updated: int = 0
    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    warnings: list = field(default_factory=list)  # the first MAX_ERRORS
    warning_count: int = 0

    def warn(self, message):
        self.warning_count += 1
        if len(self.warnings) < MAX_ERRORS:
            self.warnings.append(message)

    @property
    def changed(self):
        return any(
            (
                self.created,
                self.updated,
                self.closed,
                self.legal_units_created,
                self.legal_units_updated,
            )
        )

    def lines(self):
        def count(singular, plural, number):
            return ngettext(singular, plural, number) % {"count": number}

        return [
            ", ".join(
                [
                    count("%(count)s ligne lue", "%(count)s lignes lues", self.lines_read),
                    count(
                        "%(count)s établissement dans les communes retenues.",
                        "%(count)s établissements dans les communes retenues.",
                        self.kept,
                    ),
                ]
            ),
            _("Établissements : %(changes)s.")
            % {
                "changes": ", ".join(
                    [
                        count("%(count)s ajouté", "%(count)s ajoutés", self.created),
                        count("%(count)s mis à jour", "%(count)s mis à jour", self.updated),
                        count("%(count)s fermé", "%(count)s fermés", self.closed),
                        count(
                            "%(count)s sans changement", "%(count)s sans changement", self.unchanged
                        ),
                    ]
                )
            },
            _("Unités légales : %(changes)s.")
            % {
                "changes": ", ".join(
                    [
                        count("%(count)s ajoutée", "%(count)s ajoutées", self.legal_units_created),
                        count(
                            "%(count)s mise à jour",
                            "%(count)s mises à jour",
                            self.legal_units_updated,
                        ),
                    ]
                )
            },
        ]


class Errors:
    """The errors of a run: the first MAX_ERRORS messages, and their count."""

    def __init__(self):
        self.messages = []
        self.count = 0

    def add(self, file, line, message):
        self.count += 1
        if len(self.messages) < MAX_ERRORS:
            self.messages.append(
                _("%(file)s, ligne %(line)s : %(message)s")
                % {"file": file, "line": line, "message": message}
            )

    def __bool__(self):
        return bool(self.count)


class Progress:
    """Calls `report(message)` every PROGRESS_EVERY lines, with the share of the file read."""

    def __init__(self, report, raw, size, label):
        self.report, self.raw, self.size, self.label = report, raw, size, label

    def __call__(self, line):
        share = self.raw.tell() * 100 // self.size if self.size else 100
        self.report(
            _("%(file)s : %(lines)s lignes lues (%(share)s %%)")
            % {"file": self.label, "lines": f"{line:,}".replace(",", " "), "share": share}
        )


def _open(path, label):
    """(binary handle, text handle, size) of a CSV file; the error names the file."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as error:
        raise ImportFailed(
            _("%(file)s : fichier illisible (%(error)s).")
            % {"file": label, "error": error.strerror or error}
        ) from error
    size = os.fstat(raw.fileno()).st_size
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    return raw, text, size


def _header(reader, label, required):
    """{column: index} of the header line, refused when a required column is missing."""
    try:
        header = next(reader)
    except StopIteration as error:
        raise ImportFailed(_("%(file)s : le fichier est vide.") % {"file": label}) from error
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportFailed(
            _("%(file)s : en-tête illisible (%(error)s).") % {"file": label, "error": error}
        ) from error
    columns = {name.strip(): index for index, name in enumerate(header)}
    missing = [name for name in required if name not in columns]
    if missing:
        raise ImportFailed(
            _("%(file)s : ce n'est pas un fichier stock Sirene, colonnes absentes : %(columns)s.")
            % {"file": label, "columns": ", ".join(missing)}
        )
    return columns, len(header)


def _rows(text, label, width, errors, progress):
    """(line number, row) of the well-formed records after the header line.

    Fast path: a line without a quote is split on commas (twice as fast as the csv module, and
    nearly every line of the stock files has none); a line with quotes is read by the csv
    module, joined with the next lines while a quoted field is open (a line break in a field).
    A record of the wrong width (a truncated line), a quote never closed or bytes that are not
    UTF-8 are errors; the last two stop the reading (the rest cannot be trusted)."""
    line = 1
    pending, pending_start = None, 0
    try:
        for raw in text:
            line += 1
            if progress is not None and not line % PROGRESS_EVERY:
                progress(line)
            if pending is not None:
                pending.append(raw)
                if sum(part.count('"') for part in pending) % 2:
                    continue  # the quoted field goes on
                record, start = "".join(pending), pending_start
                pending = None
                row = next(csv.reader(io.StringIO(record)))
            elif '"' in raw:
                if raw.count('"') % 2:
                    pending, pending_start = [raw], line
                    continue
                start = line
                row = next(csv.reader(io.StringIO(raw)))
            else:
                start = line
                row = raw.rstrip("\r\n").split(",")
            if len(row) != width:
                if len(row) > 1 or row[0].strip():
                    errors.add(
                        label,
                        start,
                        _("ligne tronquée ou mal formée (%(got)s colonnes au lieu de %(want)s).")
                        % {"got": len(row), "want": width},
                    )
                continue
            yield start, row
    except csv.Error as error:
        errors.add(label, line, _("ligne illisible (%(error)s).") % {"error": error})
        return
    except UnicodeDecodeError:
        errors.add(label, line + 1, _("caractères qui ne sont pas de l'UTF-8."))
        return
    if pending is not None:
        errors.add(label, pending_start, _("guillemet ouvert jamais fermé."))


def _clean(value):
    """A published value: `[ND]` (not diffused) is empty; no control characters, line breaks
    and runs of spaces made one space."""
    if not value or value == NOT_DIFFUSED:
        return ""
    return " ".join(strip_control_characters(value).split())


def _date(value):
    value = _clean(value)
    if not value:
        return None
    parsed = date.fromisoformat(value)  # ValueError for a bad date
    if not 1000 <= parsed.year <= timezone.localdate().year + 1:
        raise ValueError(value)
    return parsed


def _flag(value):
    """`O` → True, `N` → False, empty → None."""
    return {"O": True, "N": False}.get(_clean(value))


def _joined(*parts):
    return " ".join(part for part in (_clean(part) for part in parts) if part)


class _Fields:
    """Limits of the model's text columns, to refuse a value that would not fit."""

    def __init__(self, model):
        self.limits = {
            f.name: (f.max_length, f.verbose_name)
            for f in model._meta.get_fields()
            if getattr(f, "max_length", 0)
        }

    def check(self, name, value):
        limit, label = self.limits[name]
        if len(value) > limit:
            raise ValueError(
                _("« %(field)s » trop long (%(max)s caractères au plus).")
                % {"field": label, "max": limit}
            )
        return value


class Importer:
    def __init__(self, *, territory=None, progress=None):
        self.territory = territory
        self.progress = progress
        self.errors = Errors()
        self.report = Report()
        communes = Commune.objects.filter(epci__territories__isnull=False)
        if territory is not None:
            communes = Commune.objects.filter(epci__territories=territory)
        rows = list(communes.values_list("insee_code", "pk", "search_name").distinct())
        self.communes = {code: pk for code, pk, _name in rows}
        # The list's sort key (the commune's search name, copied on the establishment).
        self.commune_names = {pk: name for _code, pk, name in rows}
        if not self.communes:
            raise ImportFailed(
                _("Aucune commune dans les territoires : rien à importer (créez-les d'abord).")
            )
        self.naf_labels = dict(
            NafCode.objects.filter(level=NafCode.Level.SUBCLASS).values_list("code", "label")
        )
        self.naf25 = set(Naf2025Code.objects.values_list("code", flat=True))
        self.bands = set(WorkforceBand.objects.values_list("code", flat=True))
        self.establishment_fields = _Fields(Establishment)
        self.legal_unit_fields = _Fields(LegalUnit)

    # Reading ---------------------------------------------------------------------------------

    def read_establishments(self, path, label):
        """{siret: field values} of the rows of the communes in scope."""
        kept = {}
        raw, text, size = _open(path, label)
        with raw, text:
            reader = csv.reader(text)
            columns, width = _header(reader, label, ESTABLISHMENT_COLUMNS)
            commune_index = columns["codeCommuneEtablissement"]
            progress = Progress(self.progress, raw, size, label) if self.progress else None
            lines = 0
            for line, row in _rows(text, label, width, self.errors, progress):
                lines = line
                commune_id = self.communes.get(row[commune_index])
                if commune_id is None:
                    continue
                values = {name: row[index] for name, index in columns.items()}
                try:
                    siret, fields = self.establishment(values, commune_id)
                except ValueError as error:
                    self.errors.add(label, line, str(error))
                    continue
                if siret in kept:
                    self.errors.add(label, line, _("SIRET %(siret)s en double.") % {"siret": siret})
                kept[siret] = fields
            self.report.lines_read += max(lines - 1, 0)
        self.report.kept = len(kept)
        return kept

    def establishment(self, row, commune_id):
        """(siret, field values) of a row; ValueError with a French message when invalid."""
        siret = row["siret"].strip()
        if not (len(siret) == 14 and siret.isdigit() and stdnum_siret.is_valid(siret)):
            raise ValueError(_("SIRET « %(siret)s » invalide.") % {"siret": siret[:20]})
        partial = row["statutDiffusionEtablissement"].strip() != "O"
        nomenclature = _clean(row["nomenclatureActivitePrincipaleEtablissement"])
        activity = _clean(row["activitePrincipaleEtablissement"])
        naf_id = None
        if nomenclature == NAF_REV2 and activity:
            if activity not in self.naf_labels:
                raise ValueError(
                    _("code NAF rév. 2 « %(code)s » inconnu (SIRET %(siret)s).")
                    % {"code": activity[:10], "siret": siret}
                )
            naf_id = activity
        naf25 = _clean(row.get("activitePrincipaleNAF25Etablissement", ""))
        if naf25 and naf25 not in self.naf25:
            self.report.warn(
                _("SIRET %(siret)s : code NAF 2025 « %(code)s » inconnu, ignoré.")
                % {"siret": siret, "code": naf25[:10]}
            )
            naf25 = ""
        band = _clean(row["trancheEffectifsEtablissement"])
        if band and band not in self.bands:
            raise ValueError(
                _("tranche d'effectif « %(code)s » inconnue (SIRET %(siret)s).")
                % {"code": band[:10], "siret": siret}
            )
        year = _clean(row["anneeEffectifsEtablissement"])
        try:
            created_on = _date(row["dateCreationEtablissement"])
            since = _date(row["dateDebut"])
        except ValueError as error:
            raise ValueError(
                _("date invalide ou hors limites (SIRET %(siret)s).") % {"siret": siret}
            ) from error
        if year and not (year.isdigit() and 1900 <= int(year) <= 2100):
            raise ValueError(
                _("année d'effectif « %(year)s » invalide (SIRET %(siret)s).")
                % {"year": year[:10], "siret": siret}
            )
        is_active = row["etatAdministratifEtablissement"].strip() != "F"
        name = address = complement = ""
        x = y = ""
        if not partial:
            name = _clean(row["enseigne1Etablissement"]) or _clean(
                row["denominationUsuelleEtablissement"]
            )
            address = _joined(
                row["numeroVoieEtablissement"],
                row["indiceRepetitionEtablissement"],
                row["typeVoieEtablissement"],
                row["libelleVoieEtablissement"],
            )
            complement = _clean(row["complementAdresseEtablissement"])
            x = _clean(row.get("coordonneeLambertAbscisseEtablissement", ""))
            y = _clean(row.get("coordonneeLambertOrdonneeEtablissement", ""))
        check = self.establishment_fields.check
        fields = {
            "siren": siret[:9],
            "name": check("name", name),
            "naf_id": naf_id,
            "activity_code": check("activity_code", activity),
            "activity_nomenclature": check("activity_nomenclature", nomenclature),
            "naf25_id": naf25 or None,
            "workforce_band_id": band or None,
            "workforce_year": int(year) if year else None,
            "is_employer": _flag(row["caractereEmployeurEtablissement"]),
            "is_active": is_active,
            "is_head_office": row["etablissementSiege"].strip().lower() == "true",
            "address": check("address", address),
            "address_complement": check("address_complement", complement),
            "postal_code": check("postal_code", _clean(row["codePostalEtablissement"])),
            "commune_id": commune_id,
            "lambert": _coordinates(x, y, siret),
            "commune_code": row["codeCommuneEtablissement"],
            "is_partially_diffused": partial,
            "created_on": created_on,
            "closed_on": None if is_active else since,
        }
        return siret, fields

    def read_legal_units(self, path, label, sirens):
        """{siren: field values} of the legal units among `sirens`."""
        kept = {}
        raw, text, size = _open(path, label)
        with raw, text:
            reader = csv.reader(text)
            columns, width = _header(reader, label, LEGAL_UNIT_COLUMNS)
            siren_index = columns["siren"]
            progress = Progress(self.progress, raw, size, label) if self.progress else None
            for line, row in _rows(text, label, width, self.errors, progress):
                siren = row[siren_index]
                if siren not in sirens:
                    continue
                values = {name: row[index] for name, index in columns.items()}
                try:
                    kept[siren] = self.legal_unit(values)
                except ValueError as error:
                    self.errors.add(label, line, str(error))
        return kept

    def legal_unit(self, row):
        siren = row["siren"]
        partial = row["statutDiffusionUniteLegale"].strip() != "O"
        category = _clean(row["categorieJuridiqueUniteLegale"])
        name = _clean(row["denominationUniteLegale"])
        if not name and category == SOLE_TRADER and not partial:
            # A sole trader's name, only when Sirene publishes it.
            first = _clean(row["prenomUsuelUniteLegale"]) or _clean(row["prenom1UniteLegale"])
            last = _clean(row["nomUsageUniteLegale"]) or _clean(row["nomUniteLegale"])
            name = _joined(first, last)
        if partial and category == SOLE_TRADER:
            name = ""
        try:
            created_on = _date(row["dateCreationUniteLegale"])
        except ValueError as error:
            raise ValueError(
                _("date invalide ou hors limites (SIREN %(siren)s).") % {"siren": siren}
            ) from error
        check = self.legal_unit_fields.check
        return {
            "name": check("name", name),
            "acronym": check("acronym", "" if partial else _clean(row["sigleUniteLegale"])),
            "legal_category": check("legal_category", category),
            "is_active": row["etatAdministratifUniteLegale"].strip() != "C",
            "is_ess": _flag(row["economieSocialeSolidaireUniteLegale"]),
            "is_employer": _flag(row["caractereEmployeurUniteLegale"]),
            "is_partially_diffused": partial,
            "created_on": created_on,
        }

    # Writing ---------------------------------------------------------------------------------

    def write(self, establishments, legal_units):
        now = timezone.now()
        units = self.write_legal_units(legal_units, now)
        named = sorted({values["siren"] for values in establishments.values()} - set(units))
        for chunk in _chunks(named):
            units.update({u.siren: u for u in LegalUnit.objects.filter(siren__in=chunk)})
        scope = set(self.communes.values())
        existing = {
            e.siret: e for e in Establishment.objects.filter(commune_id__in=scope).iterator(BATCH)
        }
        outside = [siret for siret in establishments if siret not in existing]
        for chunk in _chunks(outside):
            for e in Establishment.objects.filter(siret__in=chunk):
                existing[e.siret] = e
        to_create, to_update = [], []
        for siret, values in establishments.items():
            values = dict(values, legal_unit_id=units[values["siren"]].pk)
            values["source"] = Establishment.Source.SIRENE
            values["is_ess"] = units[values["siren"]].is_ess
            values["search_text"] = _search_text(
                values["name"], units[values["siren"]], self.naf_labels.get(values["naf_id"])
            )
            values["commune_search_name"] = self.commune_names[values["commune_id"]]
            values["workforce_rank"] = band_ranks().get(values["workforce_band_id"], 0)
            current = existing.get(siret)
            if current is None:
                to_create.append(Establishment(siret=siret, **_model_values(values)))
            elif _differs(current, values, ESTABLISHMENT_FIELDS):
                for name in ESTABLISHMENT_FIELDS:
                    setattr(current, name, values[name])
                current.updated_at = now
                to_update.append(current)
            else:
                self.report.unchanged += 1
        # In scope, from Sirene, still open, and no longer in the file: closed.
        for siret, current in existing.items():
            if (
                siret not in establishments
                and current.source == Establishment.Source.SIRENE
                and current.is_active
            ):
                current.is_active = False
                current.updated_at = now
                to_update.append(current)
                self.report.closed += 1
        self.report.created = len(to_create)
        self.report.updated = len(to_update) - self.report.closed
        Establishment.objects.bulk_create(to_create, batch_size=BATCH)
        Establishment.objects.bulk_update(
            to_update, [*ESTABLISHMENT_FIELDS, "updated_at"], batch_size=BATCH
        )
        if self.report.changed:
            # One territory's pages, or, for every territory's communes, every page.
            territory = self.territory
            cache.content_changed(*([territory_scope(territory.slug)] if territory else []))
            # Fresh statistics for the query planner: SQLite has none until asked, and without
            # them it would sort a territory's rows instead of reading the list's index.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Establishment._meta.db_table}")

    def write_legal_units(self, legal_units, now):
        """{siren: LegalUnit} of every legal unit the establishments name."""
        units = {}
        for chunk in _chunks(list(legal_units)):
            units.update({u.siren: u for u in LegalUnit.objects.filter(siren__in=chunk)})
        to_create, to_update = [], []
        for siren, values in legal_units.items():
            current = units.get(siren)
            if current is None:
                units[siren] = LegalUnit(siren=siren, **values)
                to_create.append(units[siren])
            elif _differs(current, values, LEGAL_UNIT_FIELDS):
                for name, value in values.items():
                    setattr(current, name, value)
                current.updated_at = now
                to_update.append(current)
        LegalUnit.objects.bulk_create(to_create, batch_size=BATCH)
        LegalUnit.objects.bulk_update(
            to_update, [*LEGAL_UNIT_FIELDS, "updated_at"], batch_size=BATCH
        )
        self.report.legal_units_created = len(to_create)
        self.report.legal_units_updated = len(to_update)
        if to_create and connection_needs_ids(to_create):
            for chunk in _chunks([u.siren for u in to_create]):
                units.update({u.siren: u for u in LegalUnit.objects.filter(siren__in=chunk)})
        return units


def connection_needs_ids(objects):
    """bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; read them otherwise."""
    return any(obj.pk is None for obj in objects)


def _chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _coordinates(x, y, siret):
    if not x or not y:
        return None
    try:
        point = (float(x), float(y))
    except ValueError as error:
        raise ValueError(
            _("coordonnées « %(x)s ; %(y)s » invalides (SIRET %(siret)s).")
            % {"x": x[:20], "y": y[:20], "siret": siret}
        ) from error
    if not all(abs(value) < 1e8 for value in point):
        raise ValueError(_("coordonnées hors limites (SIRET %(siret)s).") % {"siret": siret})
    return point


def project(establishments):
    """Longitude and latitude (WGS 84, six decimals) from the projected coordinates, one
    pyproj transformation per coordinate reference system."""
    from pyproj import Transformer

    groups = {}
    for values in establishments.values():
        point = values.pop("lambert")
        values["longitude"] = values["latitude"] = None
        if point is not None:
            crs = CRS_BY_DEPARTMENT.get(values["commune_code"][:3], LAMBERT_93)
            groups.setdefault(crs, []).append((values, point))
    for crs, items in groups.items():
        transformer = Transformer.from_crs(f"EPSG:{crs}", "EPSG:4326", always_xy=True)
        longitudes, latitudes = transformer.transform(
            [point[0] for _, point in items], [point[1] for _, point in items]
        )
        for (values, _point), longitude, latitude in zip(items, longitudes, latitudes, strict=True):
            if -180 <= longitude <= 180 and -90 <= latitude <= 90:
                values["longitude"] = round(longitude, 6)
                values["latitude"] = round(latitude, 6)


def _search_text(name, unit, naf_label):
    parts = [name, unit.name, unit.acronym, naf_label]
    return normalize(" ".join(part for part in parts if part))[:600]


def _model_values(values):
    return {name: values[name] for name in ESTABLISHMENT_FIELDS}


def _differs(instance, values, names):
    return any(getattr(instance, name) != values[name] for name in names)


def import_sirene(*, establishments, legal_units, territory=None, progress=None):
    """Import the two stock files (paths) for the territories' communes (or `territory`'s):
    a Report, or ImportFailed with nothing written."""
    importer = Importer(territory=territory, progress=progress)
    label_e = os.path.basename(str(establishments))
    label_u = os.path.basename(str(legal_units))
    rows = importer.read_establishments(establishments, label_e)
    sirens = {values["siren"] for values in rows.values()}
    units = importer.read_legal_units(legal_units, label_u, sirens) if sirens else {}
    missing = sirens - set(units)
    known = set()
    for chunk in _chunks(sorted(missing)):
        known.update(LegalUnit.objects.filter(siren__in=chunk).values_list("siren", flat=True))
    for siren in sorted(missing - known):
        importer.errors.add(
            label_u, "-", _("unité légale %(siren)s absente du fichier.") % {"siren": siren}
        )
    if importer.errors:
        raise ImportFailed(
            ngettext(
                "Import annulé, la base n'a pas été modifiée : %(count)s erreur.",
                "Import annulé, la base n'a pas été modifiée : %(count)s erreurs.",
                importer.errors.count,
            )
            % {"count": importer.errors.count},
            importer.errors.messages,
        )
    project(rows)
    with transaction.atomic():
        importer.write(rows, units)
    return importer.report
