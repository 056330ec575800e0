"""Trends of the territory's signals faibles (roadmaps/trends.py)."""

from django.shortcuts import render

from portal.maps import COUNT_STYLES
from roadmaps import trends
from roadmaps.forms import TrendsFilterForm
from roadmaps.maps import signals_map
from roadmaps.perms import get_signal_trends_for_user


def signal_trends(request, slug):
    """Counts of signals by month, theme, sector and commune over 24 months. Queries: session,
    user, memberships with their territories, the territory; then by month, the signals without
    theme / commune / sector, by theme, by commune, by sector, the NAF sections' labels; the
    map: the territory's communes with their outline."""
    territory, _can_edit = get_signal_trends_for_user(request, slug)
    form = TrendsFilterForm(request.GET or None)
    origin = form.cleaned_data["origine"] if form.is_valid() else ""
    counts = trends.signal_trends(territory, origin=origin)
    figure = signals_map(territory, counts.commune_totals)
    return render(
        request,
        "roadmaps/signal_trends.html",
        {
            "territory": territory,
            "form": form,
            "origin": origin,
            "trends": counts,
            "legend": trends.legend(),
            "map": figure,
            "map_legend": figure.legend(COUNT_STYLES),
        },
    )
