"""Record the month's value of every computed indicator (`manage.py record_indicators`)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from portal.cache import content_changed
from portal.scopes import territory_scope
from roadmaps import metrics as registry
from roadmaps.models import Indicator, IndicatorValue


@dataclass
class Recorded:
    """What a run did: values created, values updated (the same month again), indicators with
    no value this month, and indicators whose metric is no longer registered."""

    month: registry.Month
    created: int = 0
    updated: int = 0
    empty: list = field(default_factory=list)
    unknown: list = field(default_factory=list)


@transaction.atomic
def record_month(*, month, territories=None, by=None, metrics=None):
    """Compute and record `month`'s value of the computed indicators of the current roadmaps
    (of `territories` only, when given). One value per indicator and month, dated the month's
    first day: running it again updates that value, never adds another. All or nothing.

    Queries: the indicators, then one or two per metric in use (each computes every territory
    at once), the month's values already recorded, one insert, one update, the content
    version — whatever the number of territories and indicators."""
    metrics = metrics if metrics is not None else registry.registry()
    indicators = Indicator.objects.filter(action__axis__roadmap__is_current=True).exclude(metric="")
    if territories is not None:
        indicators = indicators.filter(
            action__axis__roadmap__territory__in=[territory.pk for territory in territories]
        )
    indicators = list(
        indicators.select_related("action__axis")
        .annotate(
            territory_pk=F("action__axis__roadmap__territory_id"),
            territory_slug=F("action__axis__roadmap__territory__slug"),
        )
        .order_by("pk")
    )
    result = Recorded(month=month)
    by_metric = defaultdict(list)
    for indicator in indicators:
        if indicator.metric in metrics:
            by_metric[indicator.metric].append(indicator)
        else:
            result.unknown.append(indicator)
    values = {}
    for slug, group in by_metric.items():
        territory_ids = sorted({i.territory_pk for i in group})
        computed = metrics[slug](territory_ids, month)
        for indicator in group:
            value = computed.get(indicator.territory_pk)
            if value is None:
                result.empty.append(indicator)
            else:
                values[indicator.pk] = value
    existing = {
        row.indicator_id: row
        for row in IndicatorValue.objects.filter(
            indicator_id__in=list(values), date=month.first, computed=True
        )
    }
    new, changed = [], []
    for indicator_id, value in values.items():
        row = existing.get(indicator_id)
        if row is None:
            new.append(
                IndicatorValue(
                    indicator_id=indicator_id,
                    date=month.first,
                    value=value,
                    computed=True,
                    recorded_by=by,
                )
            )
        else:
            row.value = value
            changed.append(row)
    IndicatorValue.objects.bulk_create(new)
    IndicatorValue.objects.bulk_update(changed, ["value"])
    result.created, result.updated = len(new), len(changed)
    if new or changed:  # bulk writes send no signal: make their territories' pages stale
        written = {row.indicator_id for row in [*new, *changed]}
        content_changed(*{territory_scope(i.territory_slug) for i in indicators if i.pk in written})
    return result
