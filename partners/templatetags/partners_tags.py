"""Filters of the partners' pages: phones in French format and as RFC 3966 links, OSM hours,
the options of the directory's selects."""

from django import template

from partners import hours, phones
from portal import widgets

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
    250 options, and a template loop over them cost more than the rest of the search form."""
    return widgets.option_tags(options, set() if selected is None else {str(selected)})
