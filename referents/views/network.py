"""The network page (communes, référents, coverage) and the référent pages."""

from functools import partial
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.cache import render_cached
from portal.scopes import territory_scope
from portal.submissions import create_once
from portal.text import normalize
from referents.forms import ReferentForm
from referents.maps import COVERAGE_STYLES, coverage_map
from referents.models import MAX_ACTIVE_PER_COMMUNE, Meeting, Referent
from referents.perms import (
    get_referent_for_user,
    get_referent_rw_for_user,
    get_territory_for_user,
    get_territory_rw_for_user,
)
from referents.services import partners_serving, save_referent

COVERAGE_FILTERS = {
    "aucun": lambda count: count == 0,
    "un": lambda count: count == 1,
    "binome": lambda count: count >= MAX_ACTIVE_PER_COMMUNE,
    "couvert": lambda count: count > 0,
}


def coverage_of(rows):
    total = len(rows)
    counts = [len(row["referents"]) for row in rows]
    covered = sum(1 for count in counts if count)
    return {
        "total": total,
        "none": total - covered,
        "one": sum(1 for count in counts if count == 1),
        "pair": sum(1 for count in counts if count >= MAX_ACTIVE_PER_COMMUNE),
        "covered": covered,
        "rate": round(100 * covered / total) if total else 0,
    }


# The query parameters the network page reads (its filters): the only ones in its cache key.
NETWORK_PARAMS = ("q", "epci", "couverture", "role")


def network(request, territory_slug):
    """The territory's communes with their active référents and the coverage at a glance, kept
    in the page cache (scope `territory:<slug>`: its référents; communes, EPCIs and outlines are
    `all`; the key has the day, which decides whose mandate runs).

    Queries from the cache: session, user, memberships with their territories, content versions;
    when rendered, the communes with their EPCI and outline, the active référents; filters run
    on those rows; the map shows them all.
    """
    territory, can_edit = get_territory_for_user(request, territory_slug)
    return render_cached(
        request,
        "referents/network.html",
        partial(network_context, request, territory, can_edit),
        params=NETWORK_PARAMS,
        scopes=(territory_scope(territory.slug),),
    )


def network_context(request, territory, can_edit):
    communes = list(territory.communes.select_related("epci", "outline").order_by("search_name"))
    by_commune = {}
    for referent in Referent.objects.for_network(territory):
        by_commune.setdefault(referent.commune_id, []).append(referent)
    rows = [
        {"commune": commune, "referents": by_commune.get(commune.pk, [])} for commune in communes
    ]
    coverage = coverage_of(rows)
    figure = coverage_map(territory, rows)
    epcis = sorted({c.epci for c in communes if c.epci}, key=lambda epci: epci.name)

    filters = {name: request.GET.get(name, "").strip() for name in NETWORK_PARAMS}
    if filters["epci"].isdigit():
        rows = [row for row in rows if row["commune"].epci_id == int(filters["epci"])]
    if filters["couverture"] in COVERAGE_FILTERS:
        keep = COVERAGE_FILTERS[filters["couverture"]]
        rows = [row for row in rows if keep(len(row["referents"]))]
    if filters["role"] in Referent.Role.values:
        rows = [row for row in rows if any(r.role == filters["role"] for r in row["referents"])]
    if filters["q"]:
        needle = normalize(filters["q"])
        rows = [
            row
            for row in rows
            if needle in row["commune"].search_name
            or any(needle in normalize(f"{r.first_name} {r.last_name}") for r in row["referents"])
        ]
    return {
        "territory": territory,
        "can_edit": can_edit,
        "rows": rows,
        "coverage": coverage,
        "map": figure,
        "legend": figure.legend(COVERAGE_STYLES),
        "epcis": epcis,
        "filters": filters,
        "roles": Referent.Role.choices,
        "is_filtered": any(filters.values()),
    }


def referent_detail(request, pk):
    """A référent, the partners serving their commune (by category) and the next rendez-vous.

    Queries: référent, territories of the commune, partners, publics, themes, contacts, the four
    zone prefetches, upcoming meetings.
    """
    referent, territory, can_edit = get_referent_for_user(request, pk)
    partners = list(partners_serving(referent.commune, territory))
    groups = [
        (category, list(items)) for category, items in groupby(partners, key=lambda p: p.category)
    ]
    meetings = list(Meeting.objects.of_territory(territory).upcoming().for_list()[:5])
    return render(
        request,
        "referents/referent_detail.html",
        {
            "referent": referent,
            "territory": territory,
            "can_edit": can_edit,
            "groups": groups,
            "partner_count": len(partners),
            "meetings": meetings,
        },
    )


def _referent_form(request, territory, instance=None):
    form = ReferentForm(request.POST or None, instance=instance, territory=territory)

    def page():
        return render(
            request,
            "referents/referent_form.html",
            {"form": form, "territory": territory, "referent": instance},
        )

    def save():
        if instance and not form.has_changed():
            messages.success(request, _("Référent enregistré."))  # untouched: nothing to write
            return redirect(instance)
        try:
            referent = save_referent(referent=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
            return page()
        messages.success(request, _("Référent enregistré."))
        return redirect(referent)

    if request.method == "POST" and form.is_valid():
        return create_once(request, save) if instance is None else save()
    return page()


def referent_create(request, territory_slug):
    territory = get_territory_rw_for_user(request, territory_slug)
    return _referent_form(request, territory)


def referent_update(request, pk):
    referent, territory = get_referent_rw_for_user(request, pk)
    return _referent_form(request, territory, referent)
