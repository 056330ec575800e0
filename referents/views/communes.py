"""A page per commune (/communes/<code INSEE>-<slug>/) and the « Votre commune » search.

Everyone sees what serves the commune (its territory, the partners nearest first, a map);
the members of its territory also see its référents and their contacts, their attendance at
the rendez-vous du réseau, the next rendez-vous and the anonymous needs counts. A member of
another territory sees the public page only: one territory does not see another's people."""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from referents import communes as pages
from referents.perms import member_territories_for
from roadmaps.queries import published_actions_concerning

RESULT_LIMIT = 20


class CommuneSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Votre commune"),
        max_length=100,
        help_text=_("Son nom (sans tenir compte des accents) ou son code postal."),
    )


@login_not_required
@require_GET
def commune_search(request):
    """Communes of a territory matching a name (accents ignored) or a postal code; a single
    match goes straight to its page. Two queries at most (the results, none when one)."""
    form = CommuneSearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_valid():
        results = list(
            pages.with_a_territory()
            .search(form.cleaned_data["q"])
            .select_related("department")
            .order_by("search_name", "insee_code")[: RESULT_LIMIT + 1]
        )
        if len(results) == 1:
            commune = results[0]
            return redirect("communes:detail", commune.insee_code, commune.slug)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "referents/commune_search.html",
        {
            "form": form,
            "results": results[:RESULT_LIMIT] if results else results,
            "more": bool(results) and len(results) > RESULT_LIMIT,
        },
        status=status,
    )


@login_not_required
@require_GET
def commune_detail(request, insee_code, slug):
    commune = get_object_or_404(
        pages.with_a_territory().select_related("department", "epci", "outline"),
        insee_code=insee_code.upper(),
    )
    if slug != commune.slug:  # an old or mistyped name: the address that stays
        return redirect("communes:detail", commune.insee_code, commune.slug, permanent=True)
    territories = pages.territories_of(commune)
    if not territories:
        raise Http404
    members_of = member_territories_for(request, territories)
    partners, partner_total = pages.nearest_partners(commune)
    events = pages.public_events(commune, territories)
    context = {
        "commune": commune,
        "territories": territories,
        "members_of": members_of,
        "partners": partners,
        "partner_total": partner_total,
        "events": events,
        "roadmaps": published_actions_concerning(commune=commune, territories=territories),
    }
    figure = pages.commune_map(commune, territories[0])
    if figure:
        context.update(map=figure, legend=figure.legend(pages.COMMUNE_STYLES))
    if members_of:
        context.update(
            referents=pages.referents_of(commune),
            needs=pages.needs_of(commune),
            meetings=pages.upcoming_meetings(members_of),
        )
    return render(request, "referents/commune_detail.html", context)
