"""Counts as they may be shown: small numbers of people are hidden.

A count of 1 to 4 interviews in a small commune, for one month and one need (« santé »), can
point to one person. Pages, exports and files that publish counts of people show such a count as
« moins de 5 » (`shown_count`); zero and larger counts are shown as they are. The threshold is
the one French public statistics use for small cells.
"""

from django.utils.translation import gettext_lazy as _

SMALL_COUNT_LIMIT = 5
SMALL_COUNT_LABEL = _("moins de 5")


def is_small_count(value):
    """Whether `value` people is too few to be shown as a number."""
    return 0 < value < SMALL_COUNT_LIMIT


def shown_count(value):
    """`value` if it may be shown, else « moins de 5 » (a lazy translated string: `str()` it for
    a file, a template renders it as it is)."""
    return SMALL_COUNT_LABEL if is_small_count(value) else value
