"""Filters of the partners' pages: phones in French format and as RFC 3966 links, OSM hours,
the options of the directory's selects."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from partners import hours, phones

register = template.Library()


@register.filter
def phone(value):
    """`+33500000018` → `05 00 00 00 18`."""
    return phones.display(value)


@register.filter
def tel_uri(value):
    """`+33500000018` → `tel:+33500000018` (RFC 3966); "" for a value that is not a number."""
    return phones.tel_uri(value)


@register.filter
def opening_week(value):
    """OSM opening hours → [(day, hours in French)] for this week."""
    return hours.week_in_french(value)


@register.filter
def option_tags(options, selected):
    """The `<option>`s of [(value, label)], `selected` marked: the directory's selects hold some
    250 options, and a template loop over them cost more than the rest of the search form
    (the standard library's escape, as Django's, without its checks for safe strings)."""
    return mark_safe(  # noqa: S308 - every value and label is escaped
        "".join(
            f'<option value="{escape(str(value))}"'
            f"{' selected' if value == selected else ''}>{escape(str(label))}</option>"
            for value, label in options
        )
    )
