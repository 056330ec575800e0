"""Operations across several models: saving a partner with its contacts, reporting an error,
importing a CSV file. Keyword-only functions, each inside one transaction."""

import csv
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.forms import ALL_PUBLICS, unique_slug
from partners.models import Category, ErrorReport, Partner, Public, Theme
from portal.exports import decode_upload
from portal.models import Commune, Department, Territory

IMPORT_MAX_ROWS = 2000
IMPORT_COLUMNS = [
    "nom",
    "autres_noms",
    "categorie",
    "territoire",
    "echelle",
    "adresse",
    "code_postal",
    "code_insee",
    "telephone",
    "courriel",
    "site_web",
    "horaires",
    "presentation",
    "services",
    "publics",
    "thematiques",
    "zone_communes",
    "zone_departements",
    "national",
]
REQUIRED_COLUMNS = {"nom", "categorie", "territoire"}
TRUE_WORDS = {"oui", "o", "1", "vrai", "x", "yes", "true"}


@transaction.atomic
def save_partner(*, form, contacts, user):
    """Save a partner form and its contacts formset (both valid). A new partner counts as
    verified by its author, who just typed it in."""
    partner = form.save(commit=False)
    if partner.pk is None:
        partner.verified_at = timezone.now()
        partner.verified_by = user
    partner.save()
    form.save_m2m()
    contacts.instance = partner
    contacts.save()
    return partner


@transaction.atomic
def report_error(*, partner, user, message):
    return ErrorReport.objects.create(partner=partner, reported_by=user, message=message)


@dataclass
class ImportRow:
    line: int
    name: str
    errors: list = field(default_factory=list)
    partner: Partner | None = None
    relations: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # errors of the file itself
    created: int = 0

    @property
    def is_valid(self):
        return not self.errors and all(not row.errors for row in self.rows)

    @property
    def error_count(self):
        return len(self.errors) + sum(len(row.errors) for row in self.rows)


def _split(value):
    return [item for item in value.replace("|", ",").replace(" ", ",").split(",") if item]


def read_import(data):
    """Parse and check an uploaded CSV (bytes): an ImportResult listing each row's errors.
    Nothing is written."""
    result = ImportResult()
    try:
        text = decode_upload(data)
    except UnicodeDecodeError:
        result.errors.append(_("Encodage illisible : enregistrez le fichier en UTF-8."))
        return result
    if "\x00" in text:
        result.errors.append(_("Ce fichier n'est pas un CSV (contenu binaire)."))
        return result
    lines = text.splitlines()
    if not lines:
        result.errors.append(_("Le fichier est vide."))
        return result
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        result.errors.append(
            _("Colonnes obligatoires absentes : %(columns)s. Colonnes possibles : %(all)s.")
            % {"columns": ", ".join(sorted(missing)), "all": ", ".join(IMPORT_COLUMNS)}
        )
        return result
    reader.fieldnames = header
    records = list(reader)
    if len(records) > IMPORT_MAX_ROWS:
        result.errors.append(
            _("Trop de lignes (%(count)s) : %(max)s au plus par fichier.")
            % {"count": len(records), "max": IMPORT_MAX_ROWS}
        )
        return result

    categories = {item.slug: item for item in Category.objects.all()}
    publics = {item.slug: item for item in Public.objects.all()}
    themes = {item.slug: item for item in Theme.objects.all()}
    territories = {item.slug: item for item in Territory.objects.all()}
    codes = set()
    for record in records:
        codes.add((record.get("code_insee") or "").strip().upper())
        codes.update(_split((record.get("zone_communes") or "").upper()))
    communes = {item.insee_code: item for item in Commune.objects.filter(insee_code__in=codes)}
    departments = {item.code: item for item in Department.objects.all()}
    taken = set()
    for number, record in enumerate(records, start=2):
        result.rows.append(
            _check_row(
                number,
                {key: (value or "").strip() for key, value in record.items() if key},
                categories=categories,
                publics=publics,
                themes=themes,
                territories=territories,
                communes=communes,
                departments=departments,
                taken=taken,
            )
        )
    return result


def _lookup(row, values, table, label):
    found = []
    for value in values:
        if value in table:
            found.append(table[value])
        else:
            row.errors.append(
                _("%(label)s inconnu(e) : « %(value)s ».") % {"label": label, "value": value}
            )
    return found


def _check_row(
    number, record, *, categories, publics, themes, territories, communes, departments, taken
):
    row = ImportRow(line=number, name=record.get("nom", ""))
    category = categories.get(record.get("categorie", ""))
    if category is None:
        row.errors.append(
            _("Catégorie inconnue : « %(value)s ».") % {"value": record.get("categorie", "")}
        )
    territory = territories.get(record.get("territoire", ""))
    if territory is None:
        row.errors.append(
            _("Territoire inconnu : « %(value)s ».") % {"value": record.get("territoire", "")}
        )
    commune = None
    if record.get("code_insee"):
        commune = communes.get(record["code_insee"].upper())
        if commune is None:
            row.errors.append(
                _("Code INSEE inconnu : « %(value)s ».") % {"value": record["code_insee"]}
            )
    scale = record.get("echelle") or Partner.Scale.LOCAL
    partner = Partner(
        name=" ".join(row.name.split()),
        also_known_as=record.get("autres_noms", ""),
        category=category,
        territory=territory,
        scale=scale,
        address=record.get("adresse", ""),
        postal_code=record.get("code_postal", ""),
        commune=commune,
        phone=record.get("telephone", ""),
        email=record.get("courriel", ""),
        website=record.get("site_web", ""),
        opening_hours=record.get("horaires", ""),
        description=record.get("presentation", ""),
        services=record.get("services", ""),
        is_national=record.get("national", "").lower() in TRUE_WORDS,
    )
    if partner.name:
        partner.slug = unique_slug(partner.name, taken=taken)
        taken.add(partner.slug)
    try:
        partner.full_clean(exclude=["category", "territory", "commune", "slug"])
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            label = (
                Partner._meta.get_field(field_name).verbose_name if field_name != "__all__" else ""
            )
            for message in messages:
                row.errors.append(f"{label} : {message}" if label else message)
    row_publics = _lookup(row, _split(record.get("publics", "")), publics, _("Public"))
    if any(item.slug == ALL_PUBLICS for item in row_publics) and len(row_publics) > 1:
        row.errors.append(_("« tous-publics » ne se combine pas avec d'autres publics."))
    row.relations = {
        "publics": row_publics,
        "themes": _lookup(row, _split(record.get("thematiques", "")), themes, _("Thématique")),
        "zone_communes": _lookup(
            row, _split(record.get("zone_communes", "").upper()), communes, _("Commune")
        ),
        "zone_departments": _lookup(
            row, _split(record.get("zone_departements", "").upper()), departments, _("Département")
        ),
    }
    row.partner = partner
    return row


@transaction.atomic
def import_partners(*, data, user):
    """Import every row of the CSV, or none: returns the ImportResult (created > 0 on success)."""
    result = read_import(data)
    if not result.is_valid or not result.rows:
        return result
    now = timezone.now()
    for row in result.rows:
        partner = row.partner
        partner.verified_at, partner.verified_by = now, user
        partner.save()
        for name, items in row.relations.items():
            getattr(partner, name).set(items)
    result.created = len(result.rows)
    return result
