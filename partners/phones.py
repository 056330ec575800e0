"""Phone numbers with `phonenumbers` (Google's libphonenumber): stored in E.164 (`+33500000018`),
shown in the French national format (`05 00 00 00 18`), linked as RFC 3966 `tel:` URIs."""

import functools

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "FR"  # numbers typed without a country code are French


def parse(value):
    """The parsed number, or None when `value` is not a valid phone number."""
    try:
        number = phonenumbers.parse(str(value), REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def to_e164(value):
    """`value` in E.164; ValidationError (French message) when it is not a valid number."""
    value = (value or "").strip()
    if not value:
        return ""
    number = parse(value)
    if number is None:
        raise ValidationError(
            _(
                "« %(value)s » n'est pas un numéro de téléphone valide "
                "(exemple : 05 45 00 00 00 ou +33 5 45 00 00 00)."
            ),
            code="invalid_phone",
            params={"value": value},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value):
    to_e164(value)


# display() and tel_uri() are pure functions of the stored string, called twice per partner of
# every directory page: parsing with libphonenumber costs ~0.1 ms each, a cache hit nothing.
@functools.lru_cache(maxsize=10_000)
def display(value):
    """French national format for French numbers, international format for others; a value
    that does not parse (legacy data) is shown as stored."""
    number = parse(value) if value else None
    if number is None:
        return value or ""
    if phonenumbers.region_code_for_number(number) == REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@functools.lru_cache(maxsize=10_000)
def tel_uri(value):
    """The RFC 3966 URI of the global number (`tel:+33500000018`), or "" when the value is
    not a valid number."""
    number = parse(value) if value else None
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
