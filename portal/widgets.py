"""Form widgets."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


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
            if group is not None:
                parts.append(f'<optgroup label="{escape(str(group))}">')
            for option_value, label in choices:
                option_value = "" if option_value is None else str(option_value)
                selected = " selected" if option_value in chosen else ""
                label = escape(str(label))
                parts.append(f'<option value="{escape(option_value)}"{selected}>{label}</option>')
            if group is not None:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped

    def _groups(self):
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                yield option_value, label
            else:
                yield None, [(option_value, label)]
