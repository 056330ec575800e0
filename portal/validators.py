"""Validators of official identifiers, built on python-stdnum (the checks INSEE publishes)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret


def validate_siret(value):
    """A SIRET: 14 digits whose Luhn key is right (La Poste's establishments included)."""
    try:
        siret.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro SIRET valide (14 chiffres, clé de contrôle)."),
            code="invalid_siret",
            params={"value": value},
        ) from error


def validate_siren(value):
    """A SIREN: 9 digits whose Luhn key is right."""
    try:
        siren.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro SIREN valide (9 chiffres, clé de contrôle)."),
            code="invalid_siren",
            params={"value": value},
        ) from error
