"""Aide à l'orientation: the outline as boxes to tick during a first interview, the partners that
match, and a one-page handout.

It stores no personal data. The answers travel in one POST and are only used to render the
response: they are not saved, not written to the session (no flash messages either), not logged,
hidden from error reports, and the response is not cached. Only an anonymous count is kept: the
day, the commune, the needs ticked and those no known partner meets there (no age, no name, no
public, no free text).
"""

from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from portal.counts import shown_count
from referents.forms import OrientationForm
from referents.maps import INTERVIEW_STYLES, interviews_map
from referents.models import OrientationCount
from referents.perms import get_territory_for_user, get_territory_rw_for_user
from referents.services import count_orientation, match_partners, outline_for, unmet_needs


@sensitive_post_parameters()
@never_cache
def orientation(request, territory_slug):
    territory, _can_edit = get_territory_for_user(request, territory_slug)
    outline = outline_for(territory)
    form = OrientationForm(request.POST or None, territory=territory, outline=outline)
    context = {"territory": territory, "form": form, "blocks": form.blocks(outline)}
    if request.method == "POST" and form.is_valid():
        commune = form.cleaned_data["commune"]
        publics, themes = form.selection()
        needs = [*publics, *themes]
        matches = match_partners(
            commune=commune, territory=territory, publics=publics, themes=themes
        )
        unmet = unmet_needs(needs, matches)
        context.update(
            {
                "commune": commune,
                "needs": needs,
                "matches": matches,
                "unmet": unmet,
                "submitted": True,
            }
        )
        count_orientation(territory=territory, commune=commune, themes=themes, unmet=unmet)
    return render(request, "referents/orientation.html", context)


def observatory(request, territory_slug):
    """For coordinators: needs met in first interviews, by commune and month (last 12 months),
    never finer than the month, and counts under 5 shown as « moins de 5 » (portal.counts).

    Queries: interviews per month and commune, needs per month and commune, needs met by no
    known partner per month and commune; the map: the territory's communes with their outline,
    interviews per commune.
    """
    territory = get_territory_rw_for_user(request, territory_slug)
    today = timezone.localdate()
    since = date(today.year - 1, today.month, 1)
    counts = OrientationCount.objects.filter(territory=territory, date__gte=since).annotate(
        month=TruncMonth("date")
    )
    rows = {}
    for month, commune, total in (
        counts.values_list("month", "commune__name").annotate(total=Count("pk")).order_by()
    ):
        rows[(month, commune)] = {
            "month": month,
            "commune": commune,
            "total": total,
            "needs": [],
            "unmet": [],
        }
    # the needs met, then the needs met by no known partner: one query each
    for key, field in (("needs", "needs"), ("unmet", "unmet_needs")):
        for month, commune, label, total in (
            counts.filter(**{f"{field}__isnull": False})
            .values_list("month", "commune__name", f"{field}__label")
            .annotate(total=Count("pk"))
            .order_by("-total", f"{field}__label")
        ):
            if (month, commune) in rows:
                rows[(month, commune)][key].append((label, total))
    ordered = sorted(rows.values(), key=lambda row: row["commune"])
    ordered.sort(key=lambda row: row["month"], reverse=True)  # stable: communes stay A→Z
    for row in ordered:  # 1 to 4 people could be recognised: « moins de 5 »
        row["total"] = shown_count(row["total"])
        for key in ("needs", "unmet"):
            row[key] = [(label, shown_count(total)) for label, total in row[key]]
    totals = dict(counts.values_list("commune_id").annotate(total=Count("pk")).order_by())
    communes = territory.communes.select_related("outline").order_by("search_name")
    figure, commune_rows = interviews_map(territory, communes, totals)
    return render(
        request,
        "referents/observatory.html",
        {
            "territory": territory,
            "rows": ordered,
            "since": since,
            "map": figure,
            "legend": figure.legend(INTERVIEW_STYLES),
            "commune_rows": commune_rows,
        },
    )
