"""A page per commune (/communes/<code INSEE>-<slug>/) and the « Votre commune » search.

Everyone sees what serves the commune (its territory, the partners nearest first, a map);
the members of its territory also see its référents and their contacts, their attendance at
the rendez-vous du réseau, the next rendez-vous and the anonymous needs counts. A member of
another territory sees the public page only: one territory does not see another's people."""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal.cache import render_cached
from portal.scopes import LISTING, territory_scope
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
    """The commune's page. Its public copy is cached: stale when one of its territories'
    content changes (`territory:<slug>`: events, published actions, the territory's own row is
    `all`), which partners serve it (`listing`: any partner may) or one of those it shows
    (`portal.cache.show_rows`, as the directory); which events
    are upcoming depends on the time of day, so the key holds the next moment one of them is
    over (`Meeting.objects.next_over`, as the events list). The members' copy is rendered each
    time: its attendance counts and next rendez-vous change as the hours pass, and its needs
    counts come from the orientation helper's counts, which stale no page (portal/scopes.py).

    The commune, its territories and who is a member of them are read first: a wrong name
    redirects, a commune outside every territory is a 404, and a member of another territory
    gets the public copy. Queries: commune, territories (+ session, user, memberships when
    signed in); public copy: the next moment, the content version (and, from the cache, the
    versions of the partners it shows); on a miss the partners' ids, their versions, their
    rows, services, count, public events, published actions, map."""
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
    if members_of:
        context = _commune_context(request, commune, territories, members_of, timezone.now())
        return render(request, "referents/commune_detail.html", context)
    horizon = pages.public_events_horizon(territories)
    return render_cached(
        request,
        "referents/commune_detail.html",
        lambda: _commune_context(request, commune, territories, [], horizon),
        vary=(horizon.isoformat() if horizon else "-",),
        scopes=(*(territory_scope(territory.slug) for territory in territories), LISTING),
    )


def _commune_context(request, commune, territories, members_of, horizon):
    """What the page shows; `horizon`: the moment its public events are upcoming at."""
    partners, partner_total = pages.nearest_partners(request, commune)
    context = {
        "commune": commune,
        "territories": territories,
        "members_of": members_of,
        "partners": partners,
        "partner_total": partner_total,
        "events": pages.public_events(commune, territories, horizon),
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
    return context
