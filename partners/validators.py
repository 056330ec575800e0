"""Validators of the data·inclusion formats a coordinator types: OSM opening hours, eligibility
zones. Each raises a ValidationError with a French message."""

import re

import opening_hours
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# data·inclusion v1 `zone_eligibilite`: commune (5), département (2-3), EPCI (SIREN, 9), country
# code (99xxx) or "france".
ZONE_CODE = re.compile(r"^(france|\w{2,3}|\w{5}|\d{9})$")


def validate_opening_hours(value):
    """OpenStreetMap `opening_hours` syntax (parsed by opening-hours-py)."""
    if not value:
        return
    try:
        opening_hours.OpeningHours(value)
    except Exception as error:  # ParserError and the library's other refusals
        raise ValidationError(
            _(
                "Ces horaires ne sont pas au format OpenStreetMap opening_hours "
                "(exemple : « Mo-Fr 08:30-12:30,13:30-17:00; PH off »). Écrivez ce que ce "
                "format ne sait pas dire dans les horaires en texte libre."
            ),
            code="invalid_opening_hours",
        ) from error


def split_zone(value):
    return [code for code in re.split(r"[\s,;]+", value or "") if code]


def validate_eligibility_zone(value):
    """Codes separated by spaces or commas: communes, départements, EPCI, pays, or `france`."""
    wrong = [code for code in split_zone(value) if not ZONE_CODE.match(code)]
    if wrong:
        raise ValidationError(
            _(
                "Code de zone inconnu : %(codes)s. Indiquez des codes INSEE de communes, des "
                "numéros de départements, des SIREN d'EPCI ou « france »."
            ),
            code="invalid_zone",
            params={"codes": ", ".join(wrong)},
        )
