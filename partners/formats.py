"""What partners look like in files: vCard (RFC 6350), CSV/XLSX rows, data·inclusion JSON."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from partners import phones

VCARD_LINE_OCTETS = 75


# Every character that Python's str.splitlines() takes for the end of a line (vCard lines end
# with CRLF only, but readers split at these too: U+2028 or U+0085 left raw would cut a property
# in two): written as an escaped newline in text, as a space in a URI.
LINE_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Other control characters have no place in a vCard value (RFC 6350 §3.3): dropped.
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def vcard_escape(value):
    """Escape a vCard text value (RFC 6350 §3.4): backslash, comma, semicolon, line breaks
    (every kind, `LINE_BREAKS`); other control characters are dropped."""
    value = str(value or "")
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return CONTROLS.sub("", LINE_BREAKS.sub(r"\\n", value))


def fold(line):
    """Fold a content line at 75 octets (RFC 6350 §3.2), never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    limit = VCARD_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, VCARD_LINE_OCTETS - 1  # continuation starts with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def vcard(properties):
    """A vCard 4.0 from (name, value) pairs; `value` is escaped unless the name ends with ':'
    (structured values, already escaped component by component)."""
    lines = ["BEGIN:VCARD", "VERSION:4.0"]
    for name, value in properties:
        if value in ("", None):
            continue
        if name.endswith(":"):
            lines.append(fold(f"{name}{value}"))
        else:
            lines.append(fold(f"{name}:{vcard_escape(value)}"))
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def _structured(*components):
    return ";".join(vcard_escape(component) for component in components)


def _uri(value):
    # URIs are not text values: only line breaks and control characters would break the format.
    return " ".join(CONTROLS.sub("", LINE_BREAKS.sub(" ", str(value))).split())


def partner_vcard(partner, url):
    commune = partner.commune
    address = _structured(
        "", "", partner.address, commune.name if commune else "", "", partner.postal_code, "France"
    )
    return vcard(
        [
            ("KIND", "org"),
            ("FN", partner.name),
            ("ORG:", _structured(partner.name)),
            ("ADR;TYPE=work:", address if partner.address or commune else ""),
            ("TEL;TYPE=work,voice;VALUE=uri:", phones.tel_uri(partner.phone)),
            ("EMAIL;TYPE=work", partner.email),
            ("URL:", _uri(partner.website) if partner.website else ""),
            ("CATEGORIES", partner.category.label),
            ("NOTE", partner.opening_hours),
            ("SOURCE:", _uri(url)),
        ]
    )


def contact_vcard(contact, partner):
    return vcard(
        [
            ("KIND", "individual"),
            ("FN", contact.full_name),
            ("N:", _structured(contact.last_name, contact.first_name, "", "", "")),
            ("ORG:", _structured(partner.name)),
            ("TITLE", contact.role),
            ("TEL;TYPE=work,voice;VALUE=uri:", phones.tel_uri(contact.phone)),
            ("EMAIL;TYPE=work", contact.email),
            ("NOTE", contact.contact_for),
        ]
    )


# CSV and XLSX: one row per partner, public information only (no contact persons).
def table_header():
    return [
        _("Nom"),
        _("Autres noms"),
        _("Catégorie"),
        _("Échelle"),
        _("Adresse"),
        _("Code postal"),
        _("Commune"),
        _("Code INSEE"),
        _("Téléphone"),
        _("Courriel"),
        _("Site web"),
        _("Horaires"),
        _("Publics"),
        _("Thématiques"),
        _("Accueil"),
        _("Présentation"),
        _("Services"),
        _("Vérifié le"),
        _("Adresse de la fiche"),
    ]


def table_row(partner, url):
    commune = partner.commune
    verified = timezone.localtime(partner.verified_at).date() if partner.verified_at else None
    return [
        partner.name,
        partner.also_known_as,
        partner.category.label,
        partner.get_scale_display(),
        partner.address,
        partner.postal_code,
        commune.name if commune else "",
        commune.insee_code if commune else "",
        phones.display(partner.phone),
        partner.email,
        partner.website,
        partner.opening_hours,
        ", ".join(public.label for public in partner.publics.all()),
        ", ".join(theme.label for theme in partner.themes.all()),
        ", ".join(str(mode.label) for mode in partner.reception_modes),
        partner.description,
        partner.services,
        verified.isoformat() if verified else "",
        url,
    ]


# data·inclusion schema v1: one structure per partner, one service per Service record.
# Only values of the package's vocabularies are written (`is_standard`); local ones never are.
def _date(moment):
    return timezone.localtime(moment).date().isoformat() if moment else None


def _standard_slugs(items):
    slugs = sorted(item.slug for item in items if item.is_standard)
    return slugs or None


# The fields the portal stores (and a coordinator may edit) for each kind of record; the others of
# an imported record are given back as they were imported (import_data_inclusion).
STRUCTURE_FIELDS = [
    "nom",
    "description",
    "siret",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "reseaux_porteurs",
]
SERVICE_FIELDS = [
    "nom",
    "description",
    "type",
    "thematiques",
    "frais",
    "frais_precisions",
    "publics",
    "publics_precisions",
    "conditions_acces",
    "modes_accueil",
    "zone_eligibilite",
    "lien_mobilisation",
    "modes_mobilisation",
    "mobilisable_par",
    "mobilisation_precisions",
    "horaires_accueil",
]


def locally_edited(record, item, fields):
    """The stored fields of an imported record that differ from what the import wrote."""
    baseline = (item.di_imported or {}).get("baseline")
    if baseline is None:
        return set()
    return {name for name in fields if record.get(name) != baseline.get(name)}


def _overlay(record, item, fields):
    """An imported record is exported as imported, except the fields edited here since: a
    round trip gives the same records, and `date_maj` is the producer's while nothing changed."""
    imported = (item.di_imported or {}).get("record")
    if not imported:
        return record
    edited = locally_edited(record, item, fields)
    result = {name: imported.get(name) for name in record}
    result.update({name: record[name] for name in edited})
    if edited:
        result["date_maj"] = record["date_maj"]
    return result


def structure_key(partner, source):
    """(source, id) of the partner as a data·inclusion structure."""
    if partner.di_id:
        return partner.di_source, partner.di_id
    return source, partner.slug


def data_inclusion_structure(partner, url, source, *, as_stored=False):
    """A partner as a data·inclusion v1 `Structure` (a dict of its fields, in its order).
    `as_stored`: the values the portal holds, without the imported record's overlay."""
    commune = partner.commune
    record_source, record_id = structure_key(partner, source)
    record = {
        "source": record_source,
        "id": record_id,
        "nom": partner.name,
        "date_maj": _date(partner.updated_at),
        "description": partner.description if len(partner.description) >= 5 else None,
        "lien_source": url,
        "siret": partner.siret or None,
        "commune": commune.name if commune else None,
        "code_postal": partner.postal_code or (commune.main_postal_code if commune else None),
        "code_insee": commune.insee_code if commune else None,
        "adresse": partner.address or None,
        "complement_adresse": None,
        "longitude": None,
        "latitude": None,
        "telephone": partner.phone or None,
        "courriel": partner.email or None,
        "site_web": partner.website or None,
        "horaires_accueil": partner.opening_hours_osm or None,
        "accessibilite_lieu": None,
        "reseaux_porteurs": [partner.category.slug] if partner.category.is_standard else None,
    }
    return record if as_stored else _overlay(record, partner, STRUCTURE_FIELDS)


def data_inclusion_service(service, url, source, *, as_stored=False, themes=None, publics=None):
    """A Service as a data·inclusion v1 `Service`; `url`: its partner's page. `themes` and
    `publics`: the lists to use instead of the service's (a service not saved yet)."""
    partner = service.partner
    commune = partner.commune
    record_source, structure_id = structure_key(partner, source)
    if service.di_id:
        record_source, record_id = service.di_source, service.di_id
    else:
        record_id = f"{partner.slug}--{service.pk}"
    themes = service.themes.all() if themes is None else themes
    themes = [theme for theme in themes if theme.parent_id is not None]
    publics = service.publics.all() if publics is None else publics
    record = {
        "source": record_source,
        "structure_id": structure_id,
        "id": record_id,
        "nom": service.name,
        "description": service.description,
        "lien_source": f"{url}#service-{service.pk}",
        "date_maj": _date(service.updated_at),
        "type": service.service_type or None,
        "thematiques": _standard_slugs(themes),
        "frais": service.fee or None,
        "frais_precisions": service.fee_details or None,
        "publics": _standard_slugs(publics),
        "publics_precisions": service.publics_details or None,
        "conditions_acces": service.access_conditions or None,
        "commune": commune.name if commune else None,
        "code_postal": partner.postal_code or (commune.main_postal_code if commune else None),
        "code_insee": commune.insee_code if commune else None,
        "adresse": partner.address or None,
        "complement_adresse": None,
        "longitude": None,
        "latitude": None,
        "telephone": None,
        "courriel": None,
        "modes_accueil": sorted(mode.value for mode in service.reception_modes) or None,
        "zone_eligibilite": service.eligibility_codes or None,
        "contact_nom_prenom": None,
        "lien_mobilisation": service.mobilisation_link or None,
        "modes_mobilisation": sorted(mode.value for mode in service.mobilisation_modes) or None,
        "mobilisable_par": sorted(item.value for item in service.mobilisers) or None,
        "mobilisation_precisions": service.mobilisation_details or None,
        "volume_horaire_hebdomadaire": None,
        "nombre_semaines": None,
        "horaires_accueil": service.opening_hours_osm or None,
    }
    return record if as_stored else _overlay(record, service, SERVICE_FIELDS)


# CSV of data·inclusion records: `,`-separated, UTF-8, one column per field of the schema, lists
# as `,`-separated values in one cell. Values are written as they are (a phone `+33…` must stay
# one); only cells a spreadsheet would run as a formula get a leading apostrophe.
CSV_FORMULA = re.compile(r"^(=|@|\t|\r|[+-](?![0-9 ]*$))")


def data_inclusion_csv(records, fields):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for record in records:
        row = []
        for name in fields:
            value = record.get(name)
            if value is None:
                value = ""
            elif isinstance(value, list):
                value = ",".join(str(item) for item in value)
            value = CONTROLS.sub("", str(value)) if isinstance(value, str) else value
            if isinstance(value, str) and CSV_FORMULA.match(value):
                value = "'" + value
            row.append(value)
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")
