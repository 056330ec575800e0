"""Form widgets."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


def option_tags(choices, chosen):
    """The `<option>`s of [(value, label)], those whose value is in `chosen` (strings) marked
    `selected`: the standard library's escape, as Django's, without a template per option."""
    options = []
    for value, label in choices:
        value = "" if value is None else str(value)
        selected = " selected" if value in chosen else ""
        options.append(f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value and label is escaped


class LongSelect(forms.Select):
    """A `<select>` of many options (every territory of the country, the communes of a list),
    written in Python: Django renders each `<option>` through a template, which cost 120 ms
    for the public events' filters at national scale (1,255 territories and the communes of
    their events). The same markup as forms.Select: groups as `<optgroup>`, the chosen value
    `selected`, the attributes crispy-forms adds (class, aria-describedby…)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(item) for item in self.format_value(value)}
        parts = [f"<select{flatatt(final)}>"]
        for group, choices in self._groups():
            options = option_tags(choices, chosen)
            parts.append(
                f'<optgroup label="{escape(str(group))}">{options}</optgroup>'
                if group is not None
                else options
            )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped

    def _groups(self):
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                yield option_value, label
            else:
                yield None, [(option_value, label)]
