"""Reading a CSV of partners for the admin import: the columns, each row's checks, and which
existing partner a row updates (docs/partners.md, "CSV import"). Nothing here writes:
services.import_partners applies a checked file in one transaction.

A row updates an existing partner found by its key:

- `identifiant` (the partner's slug, the end of its address /partenaires/<identifiant>/) when
  the cell is filled: unique and never changed by an edit, so it also renames a partner;
- otherwise its name (ignoring case, accents and spaces) within the row's territory, and its
  commune when the file has a `code_insee` column. Two partners with that key: the row is refused
  and names their identifiants.

Every lookup is one query for the whole file, whatever its number of rows.
"""

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners import phones
from partners.forms import ALL_PUBLICS, unique_slug
from partners.models import RESERVED_SLUGS, Category, Partner, Public, Theme
from portal.exports import FORMULA_STARTS, decode_upload
from portal.models import Commune, Department, Territory
from portal.text import normalize, strip_control_characters

IMPORT_MAX_ROWS = 2000
KEY_COLUMN = "identifiant"
# Column: the Partner field it fills. A column absent from the file leaves the field alone.
SCALAR_COLUMNS = {
    "nom": "name",
    "autres_noms": "also_known_as",
    "categorie": "category",
    "territoire": "territory",
    "echelle": "scale",
    "adresse": "address",
    "code_postal": "postal_code",
    "code_insee": "commune",
    "telephone": "phone",
    "courriel": "email",
    "site_web": "website",
    "horaires": "opening_hours",
    "presentation": "description",
    "services": "services",
    "national": "is_national",
}
RELATION_COLUMNS = {
    "publics": "publics",
    "thematiques": "themes",
    "zone_communes": "zone_communes",
    "zone_departements": "zone_departments",
}
IMPORT_COLUMNS = [KEY_COLUMN, *SCALAR_COLUMNS, *RELATION_COLUMNS]
REQUIRED_COLUMNS = {"nom", "categorie", "territoire"}
TRUE_WORDS = {"oui", "o", "1", "vrai", "x", "yes", "true"}
FALSE_WORDS = {"", "non", "n", "0", "faux", "no", "false"}
KEY_FORMAT = re.compile(r"[a-z0-9_-]{1,220}")
POSTAL_CODE_FORMAT = re.compile(r"[0-9]{5}")
LOOKUP_BATCH = 500  # ids per `IN (...)` when deleting links (SQLite's variable limit)


class RowAction(models.TextChoices):
    CREATE = "create", gettext_lazy("créé")
    UPDATE = "update", gettext_lazy("mis à jour")
    UNCHANGED = "unchanged", gettext_lazy("inchangé")


@dataclass
class ImportRow:
    line: int
    name: str
    key: str = ""  # the `identifiant` cell
    errors: list = field(default_factory=list)
    values: dict = field(default_factory=dict)  # field name: value, columns of the file only
    relations: dict = field(default_factory=dict)  # relation name: items, columns of the file only
    partner: Partner | None = None  # new, or the existing one carrying the file's values
    action: str = ""
    changed: list = field(default_factory=list)  # names of the fields and relations that change
    links_added: dict = field(default_factory=dict)  # relation name: ids of items to link
    links_removed: dict = field(default_factory=dict)  # relation name: pks of link rows to delete

    @property
    def outcome(self):
        """What confirming does to this row, in French: "mis à jour (champs : courriel)"."""
        if self.action == RowAction.UPDATE:
            labels = [str(Partner._meta.get_field(name).verbose_name) for name in self.changed]
            return _("mis à jour (champs : %(fields)s)") % {"fields": ", ".join(labels)}
        return RowAction(self.action).label if self.action else ""


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # errors of the file itself
    columns: set = field(default_factory=set)
    created: int = 0  # written by services.import_partners
    updated: int = 0
    stale: bool = False  # partners changed between the preview and the confirmation

    @property
    def is_valid(self):
        return not self.errors and all(not row.errors for row in self.rows)

    @property
    def error_count(self):
        return len(self.errors) + sum(len(row.errors) for row in self.rows)

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def summary(self):
        unchanged = self.count(RowAction.UNCHANGED)
        return _("%(create)s à créer, %(update)s à mettre à jour, %(unchanged)s.") % {
            "create": self.count(RowAction.CREATE),
            "update": self.count(RowAction.UPDATE),
            "unchanged": ngettext("%(count)s inchangé", "%(count)s inchangés", unchanged)
            % {"count": unchanged},
        }

    @property
    def has_changes(self):
        return any(row.action != RowAction.UNCHANGED for row in self.rows)

    @property
    def plan(self):
        """A fingerprint of what confirming would do: the confirmation refuses to write when the
        partners changed since the preview (another import, an edit) and shows the new plan."""
        text = "\n".join(
            f"{row.line}:{row.action}:{row.partner.pk or row.partner.slug}:{','.join(row.changed)}"
            for row in self.rows
            if row.partner is not None
        )
        return hashlib.sha256(text.encode()).hexdigest()


def read_import(data, *, can_create=True, can_update=True, lock=False, filename=None):
    """Parse and check an uploaded CSV (bytes) and match its rows with existing partners: an
    ImportResult saying, per row, its errors or what confirming would do. Nothing is written.
    `lock`: lock the partners to update (inside services.import_partners' transaction).
    `filename`: the uploaded file's name, for the messages."""
    result = ImportResult()
    records = _read_records(data, result, filename)
    if result.errors:
        return result
    tables = _reference_tables(records)
    result.rows = [
        _check_row(number, record, tables, result.columns)
        for number, record in enumerate(records, start=2)
    ]
    _plan(result, can_create=can_create, can_update=can_update, lock=lock)
    return result


def unneutralised(cell):
    """A cell as it was before an export protected it from spreadsheets (portal.exports.safe_cell
    writes "'+33 5…" for "+33 5…"), so that an exported file imports back unchanged."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def export_rows(partners):
    """The rows of a CSV in the import's own format (IMPORT_COLUMNS), for partners fetched with
    `for_import_export()`: edit it in a spreadsheet, import it back, and only the edited cells
    change."""
    for partner in partners:
        yield [
            partner.slug,
            partner.name,
            partner.also_known_as,
            partner.category.slug,
            partner.territory.slug,
            partner.scale,
            partner.address,
            partner.postal_code,
            partner.commune.insee_code if partner.commune else "",
            partner.phone,
            partner.email,
            partner.website,
            partner.opening_hours,
            partner.description,
            partner.services,
            "oui" if partner.is_national else "non",
            ",".join(sorted(item.slug for item in partner.publics.all())),
            ",".join(sorted(item.slug for item in partner.themes.all())),
            ",".join(sorted(item.insee_code for item in partner.zone_communes.all())),
            ",".join(sorted(item.code for item in partner.zone_departments.all())),
        ]


def for_import_export(queryset):
    """The partners with everything `export_rows` reads: 6 queries whatever their number."""
    return queryset.select_related("category", "territory", "commune").prefetch_related(
        "publics", "themes", "zone_communes", "zone_departments"
    )


def _read_records(data, result, filename):
    """The file's rows as dicts of stripped cells; file-level errors go to `result.errors`.
    Control characters but tab and line breaks are removed (portal.text): spreadsheets paste
    them, exports could not carry them."""
    try:
        text = decode_upload(data)
    except UnicodeDecodeError:
        result.errors.append(_("Encodage illisible : enregistrez le fichier en UTF-8."))
        return []
    if "\x00" in text:
        result.errors.append(_("Ce fichier n'est pas un CSV (contenu binaire)."))
        return []
    text = strip_control_characters(text)
    if not text.strip():
        result.errors.append(_("Le fichier est vide."))
        return []
    first_line = text.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    # newline="": a quoted cell keeps its line breaks (opening hours, descriptions).
    reader = csv.reader(io.StringIO(text.lstrip(), newline=""), delimiter=delimiter)
    try:
        return _parse_records(reader, result)
    except csv.Error as error:
        # A cell longer than the csv module's limit (131,072 characters), a stray quote…
        if "field larger than field limit" in str(error):
            problem = _("une cellule dépasse %(max)s caractères") % {
                "max": f"{csv.field_size_limit():,}".replace(",", "\u202f")
            }
        else:
            problem = _("ligne illisible (%(error)s)") % {"error": error}
        where = {"file": filename, "line": reader.line_num, "problem": problem}
        result.errors.append(
            _("%(file)s, ligne %(line)s : %(problem)s.") % where
            if filename
            else _("Ligne %(line)s : %(problem)s.") % where
        )
        return []


def _parse_records(reader, result):
    """The rows of `reader` after checking its header (see `_read_records`)."""
    header = [name.strip().lower() for name in next(reader)]
    missing = REQUIRED_COLUMNS - set(header)
    unknown = [name for name in header if name and name not in IMPORT_COLUMNS]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if missing:
        result.errors.append(
            _("Colonnes obligatoires absentes : %(columns)s. Colonnes possibles : %(all)s.")
            % {"columns": ", ".join(sorted(missing)), "all": ", ".join(IMPORT_COLUMNS)}
        )
    if unknown:
        # A misspelt column would otherwise be skipped silently and leave the values alone.
        result.errors.append(
            _("Colonnes inconnues : %(columns)s. Colonnes possibles : %(all)s.")
            % {"columns": ", ".join(unknown), "all": ", ".join(IMPORT_COLUMNS)}
        )
    if repeated:
        result.errors.append(
            _("Colonnes en double : %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    if result.errors:
        return []
    records = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        records.append(
            {
                name: unneutralised(cell.strip())
                for name, cell in zip(header, cells, strict=False)
                if name
            }
        )
        if len(records) > IMPORT_MAX_ROWS:
            result.errors.append(
                _("Trop de lignes : %(max)s au plus par fichier.") % {"max": IMPORT_MAX_ROWS}
            )
            return []
    if not records:
        result.errors.append(_("Le fichier ne contient aucune ligne après l'en-tête."))
    result.columns = {name for name in header if name}
    return records


def _split(value):
    return [item for item in value.replace("|", ",").replace(" ", ",").split(",") if item]


def _reference_tables(records):
    """{kind: {code: item}} for every code the file may name: one query per kind."""
    codes = set()
    for record in records:
        codes.add(record.get("code_insee", "").upper())
        codes.update(_split(record.get("zone_communes", "").upper()))
    return {
        "categories": {item.slug: item for item in Category.objects.all()},
        "publics": {item.slug: item for item in Public.objects.all()},
        "themes": {item.slug: item for item in Theme.objects.all()},
        "territories": {item.slug: item for item in Territory.objects.all()},
        "communes": {
            item.insee_code: item for item in Commune.objects.filter(insee_code__in=codes)
        },
        "departments": {item.code: item for item in Department.objects.all()},
    }


def _lookup(row, values, table, unknown):
    """The items of `table` named by `values`; `unknown` % {"value": …} for the others."""
    found = []
    for value in values:
        if value in table:
            found.append(table[value])
        else:
            row.errors.append(unknown % {"value": value})
    return found


def _check_row(number, record, tables, columns):
    """An ImportRow with the values of the file's columns, parsed, and their errors."""
    row = ImportRow(line=number, name=" ".join(record.get("nom", "").split()))
    row.key = record.get(KEY_COLUMN, "")
    if row.key and (not KEY_FORMAT.fullmatch(row.key) or row.key in RESERVED_SLUGS):
        row.errors.append(
            _(
                "Identifiant invalide : « %(value)s » (minuscules sans accents, chiffres et "
                "tirets, comme à la fin de l'adresse de la fiche)."
            )
            % {"value": row.key}
        )
    values = {}
    for column, field_name in SCALAR_COLUMNS.items():
        if column in columns:
            values[field_name] = record.get(column, "")
    values["name"] = row.name
    for field_name, table, message in [
        ("category", "categories", _("Catégorie inconnue : « %(value)s ».")),
        ("territory", "territories", _("Territoire inconnu : « %(value)s ».")),
    ]:
        code, values[field_name] = values[field_name], tables[table].get(values[field_name])
        if values[field_name] is None:
            row.errors.append(message % {"value": code})
    if "commune" in values:
        code, values["commune"] = values["commune"], None
        if code:
            values["commune"] = tables["communes"].get(code.upper())
            if values["commune"] is None:
                row.errors.append(_("Code INSEE inconnu : « %(value)s ».") % {"value": code})
    if "scale" in values:
        values["scale"] = values["scale"] or Partner.Scale.LOCAL
    if "postal_code" in values and values["postal_code"]:
        if not POSTAL_CODE_FORMAT.fullmatch(values["postal_code"]):
            row.errors.append(_("Code postal : cinq chiffres attendus."))
    if "is_national" in values:
        word = values["is_national"].lower()
        values["is_national"] = word in TRUE_WORDS
        if word not in TRUE_WORDS | FALSE_WORDS:
            row.errors.append(
                _("National : « %(value)s » non reconnu (oui ou non).") % {"value": word}
            )
    if values.get("phone"):
        try:
            values["phone"] = phones.to_e164(values["phone"])  # stored in E.164
        except ValidationError as error:
            row.errors.extend(error.messages)
            values.pop("phone")
    row.values = values
    _clean_fields(row)
    row.relations = _check_relations(row, record, tables, columns)
    return row


def _clean_fields(row):
    """Check the file's plain fields with the model's validators (email, URL, lengths…) and keep
    their cleaned values. No query: the constraints are checked above (postal code, name)."""
    plain = [name for name in row.values if name not in {"category", "territory", "commune"}]
    probe = Partner(**{name: row.values[name] for name in plain})
    try:
        probe.clean_fields(exclude=[f.name for f in Partner._meta.fields if f.name not in plain])
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            label = Partner._meta.get_field(field_name).verbose_name
            row.errors.extend(f"{label} : {message}" for message in messages)
        return
    row.values.update({name: getattr(probe, name) for name in plain})


def _check_relations(row, record, tables, columns):
    kinds = {  # relation: (reference table, message for an unknown code, codes in upper case)
        "publics": ("publics", _("Public inconnu : « %(value)s »."), False),
        "themes": ("themes", _("Thématique inconnue : « %(value)s »."), False),
        "zone_communes": ("communes", _("Commune inconnue : « %(value)s »."), True),
        "zone_departments": ("departments", _("Département inconnu : « %(value)s »."), True),
    }
    relations = {}
    for column, relation in RELATION_COLUMNS.items():
        if column not in columns:
            continue
        table, unknown, upper = kinds[relation]
        cell = record.get(column, "")
        items = _lookup(row, _split(cell.upper() if upper else cell), tables[table], unknown)
        relations[relation] = list(dict.fromkeys(items))
    publics = relations.get("publics", [])
    if any(item.slug == ALL_PUBLICS for item in publics) and len(publics) > 1:
        row.errors.append(_("« tous-publics » ne se combine pas avec d'autres publics."))
    return relations


def _name_key(territory_id, name, commune_id, *, with_commune):
    return (territory_id, normalize(name), commune_id if with_commune else None)


def _match(rows, columns):
    """{line: pk of the existing partner it updates}, from one query. Matching errors are added
    to the rows: an ambiguous name, a partner or an identifiant named twice, and a name (with
    its commune) repeated in the file for a row without identifiant, which the next import could
    not tell apart."""
    with_commune = "code_insee" in columns
    keys = {row.key for row in rows if row.key}
    territory_ids = {row.values["territory"].pk for row in rows if not row.key}
    existing = Partner.objects.filter(Q(slug__in=keys) | Q(territory__in=territory_ids))
    by_slug, by_name = {}, defaultdict(list)
    for pk, slug, name, territory_id, commune_id in existing.values_list(
        "pk", "slug", "name", "territory_id", "commune_id"
    ).order_by("slug"):
        by_slug[slug] = pk
        by_name[_name_key(territory_id, name, commune_id, with_commune=with_commune)].append(slug)
    matches, seen_keys, seen_partners, by_row_name = {}, {}, {}, defaultdict(list)
    for row in rows:
        commune = row.values.get("commune")
        name_key = _name_key(
            row.values["territory"].pk,
            row.name,
            commune.pk if commune else None,
            with_commune=with_commune,
        )
        by_row_name[name_key].append(row)
        if row.key:
            if row.key in seen_keys:
                row.errors.append(
                    _("Identifiant déjà à la ligne %(line)s.") % {"line": seen_keys[row.key]}
                )
            seen_keys[row.key] = row.line
            pk = by_slug.get(row.key)
        else:
            slugs = by_name.get(name_key, [])
            if len(slugs) > 1:
                row.errors.append(
                    _(
                        "Plusieurs partenaires de ce territoire portent ce nom (identifiants : "
                        "%(keys)s) : indiquez lequel dans la colonne identifiant."
                    )
                    % {"keys": ", ".join(slugs)}
                )
                continue
            pk = by_slug[slugs[0]] if slugs else None
        if pk is not None:
            if pk in seen_partners:
                row.errors.append(
                    _("Même partenaire que la ligne %(line)s.") % {"line": seen_partners[pk]}
                )
            seen_partners[pk] = row.line
            matches[row.line] = pk
    for group in by_row_name.values():
        if len(group) > 1 and any(not row.key for row in group):
            for row in group[1:]:
                row.errors.append(
                    _(
                        "Même nom que la ligne %(line)s dans ce territoire : sans identifiant, "
                        "ces lignes ne pourraient pas être distinguées au prochain import. "
                        "Remplissez la colonne identifiant (ou code_insee)."
                    )
                    % {"line": group[0].line}
                )
    return matches


def _current_links(relations, partner_ids):
    """{relation: {partner id: {item id: link row pk}}}: one query per relation of the file."""
    links = {}
    for relation in relations:
        through = getattr(Partner, relation).through
        target = Partner._meta.get_field(relation).m2m_reverse_field_name()
        links[relation] = defaultdict(dict)
        if partner_ids:
            rows = through.objects.filter(partner_id__in=partner_ids).values_list(
                "pk", "partner_id", f"{target}_id"
            )
            for pk, partner_id, item_id in rows:
                links[relation][partner_id][item_id] = pk
    return links


def _plan(result, *, can_create, can_update, lock):
    """Decide each valid row's action against the partners it matches (bulk lookups)."""
    rows = [row for row in result.rows if not row.errors]
    matches = _match(rows, result.columns)
    rows = [row for row in rows if not row.errors]
    existing = Partner.objects.filter(pk__in=list(matches.values()))
    if lock:
        existing = existing.select_for_update(of=("self",))
    partners = {partner.pk: partner for partner in existing} if matches else {}
    relations = [name for column, name in RELATION_COLUMNS.items() if column in result.columns]
    links = _current_links(relations, list(partners))
    taken = None  # every slug in use, fetched only if a new row needs one
    for row in rows:
        partner = partners.get(matches.get(row.line))
        if partner is None:
            if not can_create:
                row.errors.append(_("Vous n'avez pas le droit de créer des partenaires."))
                continue
            partner = Partner()
            if row.key:
                partner.slug = row.key
            else:
                if taken is None:
                    taken = set(Partner.objects.order_by().values_list("slug", flat=True))
                    taken.update(other.key for other in rows if other.key)
                partner.slug = unique_slug(row.name, taken=taken, check_database=False)
                taken.add(partner.slug)
        elif partner.territory_id != row.values["territory"].pk:
            row.errors.append(
                _(
                    "Le partenaire « %(key)s » appartient à un autre territoire que "
                    "« %(territory)s » : l'import ne change pas le territoire gestionnaire "
                    "(modifiez-le sur la fiche)."
                )
                % {"key": partner.slug, "territory": row.values["territory"].slug}
            )
            continue
        row.partner = partner
        _apply_values(row, links)
        if row.action == RowAction.UPDATE and not can_update:
            row.errors.append(_("Vous n'avez pas le droit de modifier des partenaires."))


def _comparable(value):
    # Text typed in a browser's textarea is stored with CRLF line ends, a CSV cell with LF.
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _apply_values(row, links):
    """Put the file's (checked) values on row.partner; set row.action and row.changed."""
    partner, is_new = row.partner, row.partner.pk is None
    before = {name: getattr(partner, Partner._meta.get_field(name).attname) for name in row.values}
    for name, value in row.values.items():
        setattr(partner, name, value)
    for name in row.values:
        attname = Partner._meta.get_field(name).attname
        if _comparable(getattr(partner, attname)) != _comparable(before[name]):
            row.changed.append(name)
        elif not is_new:
            setattr(partner, attname, before[name])  # write nothing that does not change
    for relation, items in row.relations.items():
        current = links[relation].get(partner.pk, {})
        wanted = {item.pk for item in items}
        row.links_added[relation] = [pk for pk in wanted if pk not in current]
        row.links_removed[relation] = [pk for item, pk in current.items() if item not in wanted]
        if row.links_added[relation] or row.links_removed[relation]:
            row.changed.append(relation)
    if is_new:
        row.action = RowAction.CREATE
    else:
        row.action = RowAction.UPDATE if row.changed else RowAction.UNCHANGED
