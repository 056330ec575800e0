"""Fast rendering of the register's filter selects: their options written in Python.

Django's widget templates render each <option> through a template: the list's filters (NAF
sections and divisions, communes, bands: about 200 options) took most of the page's time
(docs/performance.md). The same markup, escaped, in one join."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def select_options(bound_field):
    """The <option> elements of a bound ChoiceField, its current value selected."""
    value = bound_field.value()
    selected = "" if value is None else str(value)
    options = []
    for key, label in bound_field.field.choices:
        key = "" if key is None else str(key)
        mark = " selected" if key == selected else ""
        options.append(f'<option value="{escape(key)}"{mark}>{escape(str(label))}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value is escaped above
