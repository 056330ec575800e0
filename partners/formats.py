"""What partners look like in files: vCard (RFC 6350), CSV/XLSX rows, data·inclusion JSON."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

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
            (
                "TEL;TYPE=work,voice;VALUE=uri:",
                f"tel:{_tel(partner.phone)}" if partner.phone else "",
            ),
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
            (
                "TEL;TYPE=work,voice;VALUE=uri:",
                f"tel:{_tel(contact.phone)}" if contact.phone else "",
            ),
            ("EMAIL;TYPE=work", contact.email),
            ("NOTE", contact.contact_for),
        ]
    )


def _tel(phone):
    """A tel: URI number: digits and a leading + only ("05 00 00 00 01" → "0500000001")."""
    return "".join(char for char in phone if char.isdigit() or char == "+")


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
        partner.phone,
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


def data_inclusion(partner, url, source):
    """One structure in the data·inclusion schema v1 vocabulary (plus the service fields that
    describe what the partner offers: publics, thématiques, modes d'accueil and de mobilisation).
    """
    commune = partner.commune
    updated = partner.verified_at or partner.updated_at
    return {
        "id": partner.slug,
        "nom": partner.name,
        "description": partner.description,
        "presentation_detail": partner.services,
        "commune": commune.name if commune else None,
        "code_postal": partner.postal_code or (commune.main_postal_code if commune else None),
        "code_insee": commune.insee_code if commune else None,
        "adresse": partner.address or None,
        "telephone": partner.phone or None,
        "courriel": partner.email or None,
        "site_web": partner.website or None,
        "horaires_accueil": partner.opening_hours or None,
        "reseaux_porteurs": [partner.category.slug] if partner.category.is_standard else [],
        "publics": [public.slug for public in partner.publics.all()],
        "thematiques": [theme.slug for theme in partner.themes.all()],
        "modes_accueil": [str(mode.value) for mode in partner.reception_modes],
        "modes_mobilisation": [str(mode.value) for mode in partner.mobilisation_modes],
        "lien_mobilisation": partner.mobilisation_link or None,
        "date_maj": timezone.localtime(updated).date().isoformat() if updated else None,
        "source": source,
        "lien_source": url,
    }
