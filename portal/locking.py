"""Optimistic locking of edit forms: no lost update, and no overwrite from a form that does not
say what it started from.

An edit form carries, hidden, the version of the record it was opened on (`VersionField`). The
save claims the next version with one conditional UPDATE (`claim()`); when it touches no row,
someone saved in between and nothing is written. A POST with no version, an empty one or one
that is not a version number is refused the same way: a client that forgot the field (or a
crafted request) cannot overwrite what it never saw.
"""

from django import forms
from django.db.models import F

MAX_VERSION = 2**31 - 1  # the largest value every database stores in the column


class VersionField(forms.IntegerField):
    """The hidden version the form was opened on; None when missing or invalid (never an error
    on a field nobody can see: the save is refused as stale instead)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            value = super().to_python(value)
        except forms.ValidationError:
            return None
        if value is None or not 1 <= value <= MAX_VERSION:
            return None
        return value


def claim(queryset, pk, expected):
    """Claim the next version of row `pk` if it is still at `expected`: True when this save may
    go on (the row's version is now expected + 1), False when it must be refused (changed since,
    or no version given)."""
    if expected is None:
        return False
    return bool(queryset.filter(pk=pk, version=expected).update(version=F("version") + 1))
