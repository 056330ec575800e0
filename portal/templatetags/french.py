"""Filters every template has without `{% load %}` (settings.TEMPLATES "builtins").

- `date` stands in for Django's filter of that name: same formats, but a day written before a
  month name is written as in French, « 1er juillet 2026 », « 2 juillet 2026 » (never « 01 »),
  in pages, PDFs and e-mails alike;
- `iso_datetime` gives a `<time datetime>` value HTML accepts: seconds at most, no microseconds
  (`2026-11-30T10:15:00+01:00`), in the site's time zone; a date gives `2026-11-30`.
"""

import datetime

from django import template
from django.template import defaultfilters
from django.utils import timezone

from portal.text import french_date_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's `date` filter, with « 1er » for the first day of a month before its name."""
    return defaultfilters.date(value, french_date_format(value, arg))


@register.filter(is_safe=True)
def iso_datetime(value):
    """A valid `datetime` attribute: no fractions of a second, the local offset ("" if empty)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
