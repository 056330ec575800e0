"""Reads of the partners' records that apps above partners use (roadmaps' computed indicators).
Each runs one query, whatever the number of territories."""

from django.db.models import Count, Q

from partners.models import CheckInterval, Partner, months_ago


def up_to_date_by_territory(*, territory_ids, at):
    """{territory id: (records up to date, records)} for the partner records each territory
    keeps (`Partner.territory`), at the moment `at`: a record is up to date when it was last
    verified before `at` and less than its check interval earlier. Only the last verification
    is stored: for a moment in the past, a record verified again since then counts as not up to
    date (the monthly command measures the month just ended, when this is right)."""
    fresh = Q()
    for months in CheckInterval.values:
        fresh |= Q(check_interval=months, verified_at__gte=months_ago(months, at))
    rows = (
        Partner.objects.filter(territory_id__in=territory_ids)
        .order_by()
        .values("territory_id")
        .annotate(total=Count("pk"), fresh=Count("pk", filter=fresh & Q(verified_at__lte=at)))
    )
    return {row["territory_id"]: (row["fresh"], row["total"]) for row in rows}
