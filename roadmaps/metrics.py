"""Indicators computed from the portal's own data: the registry of metrics, and the metrics of
the apps below roadmaps (companies, partners).

`settings.INDICATOR_METRICS` names the metric functions by dotted path, in the order the form
offers them (as `HOME_PANELS` names panels, portal/panels.py): an app above roadmaps
(referents) provides its own metrics without roadmaps importing it. A metric is a function
decorated with `@metric(slug, label, unit)`:

    metric_function(territory_ids, month) -> {territory id: Decimal or None}

It computes the value of every territory for one month in a constant number of queries (one or
two, whatever the number of territories); a territory left out of the result has the value 0,
None means « no value this month » (a rate with nothing to divide by) and records nothing.
Counts are the month's (échanges, interviews…); states (coverage, records up to date) are
measured on the month's last day, or now for the month in progress.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from companies.followup import queries as followup
from partners import queries as partners

MONTH_FORMAT = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Month:
    """A calendar month: its first and last days. Its values are dated its first day."""

    first: datetime.date

    @classmethod
    def parse(cls, text):
        """`YYYY-MM` → Month; ValueError otherwise."""
        match = MONTH_FORMAT.match(text or "")
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise ValueError(text)
        return cls(datetime.date(int(match[1]), int(match[2]), 1))

    @classmethod
    def of(cls, day):
        return cls(day.replace(day=1))

    def previous(self):
        return Month.of(self.first - datetime.timedelta(days=1))

    def next(self):
        return Month.of(self.last + datetime.timedelta(days=1))

    @property
    def last(self):
        days = calendar.monthrange(self.first.year, self.first.month)[1]
        return self.first.replace(day=days)

    def start_moment(self):
        """Midnight on the first day (the current time zone)."""
        return _midnight(self.first)

    def end_moment(self, now=None):
        """The moment states are measured at: the end of the last day, or now if sooner."""
        return min(_midnight(self.last + datetime.timedelta(days=1)), now or timezone.now())

    def __str__(self):
        return f"{self.first:%Y-%m}"


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def metric(slug, label, unit=""):
    """Mark a function as a metric of computed indicators (see the module's docstring)."""

    def decorate(function):
        function.slug = slug
        function.label = label
        function.unit = unit
        return function

    return decorate


def registry():
    """{slug: metric function} of `settings.INDICATOR_METRICS`, in order."""
    functions = (import_string(path) for path in getattr(settings, "INDICATOR_METRICS", []))
    return {function.slug: function for function in functions}


def choices():
    """The choices of an indicator's `metric`: by hand first, then the registered metrics."""
    return [("", _("saisie à la main"))] + [(slug, f.label) for slug, f in registry().items()]


def label_of(slug, metrics=None):
    """The metric's label ("" for a manual indicator; the slug itself for a metric that is no
    longer registered)."""
    if not slug:
        return ""
    function = (metrics if metrics is not None else registry()).get(slug)
    return str(function.label) if function else slug


def counts(found, territory_ids):
    """{territory id: count} as Decimals, 0 for a territory `found` does not name."""
    return {pk: Decimal(found.get(pk, 0)) for pk in territory_ids}


def rate(part, whole):
    """`part` out of `whole` as a percentage with two decimals (None when `whole` is 0)."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"))


# --- Metrics of the apps below roadmaps ----------------------------------------------------


@metric("etablissements_rencontres", _("Établissements rencontrés dans le mois"), "établissements")
def establishments_met(territory_ids, month):
    found = followup.establishments_met(
        territory_ids=territory_ids, start=month.first, end=month.last
    )
    return counts(found, territory_ids)


@metric("besoins_detectes", _("Besoins et projets d'entreprises détectés dans le mois"), "besoins")
def needs_detected(territory_ids, month):
    found = followup.needs_detected(territory_ids=territory_ids, start=month.first, end=month.last)
    return counts(found, territory_ids)


@metric("besoins_aboutis", _("Besoins et projets d'entreprises aboutis dans le mois"), "besoins")
def needs_achieved(territory_ids, month):
    found = followup.needs_achieved(territory_ids=territory_ids, start=month.first, end=month.last)
    return counts(found, territory_ids)


@metric("fiches_partenaires_a_jour", _("Fiches partenaires vérifiées et à jour"), "%")
def partners_up_to_date(territory_ids, month):
    counts = partners.up_to_date_by_territory(territory_ids=territory_ids, at=month.end_moment())
    return {pk: rate(*counts.get(pk, (0, 0))) for pk in territory_ids}
