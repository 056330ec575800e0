"""Coordinators edit the figures of their roadmap's diagnostic (DiagnosticIndicator)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.submissions import create_once
from roadmaps.forms import DiagnosticIndicatorFormSet
from roadmaps.perms import get_roadmap_rw_for_user
from roadmaps.services import writes


def facts_update(request, slug):
    """List, add, change and delete the diagnostic indicators, in one form (a formset).

    404 outside the user's territories, 403 for a référent. Only the rows that changed are
    written, in one transaction; a row of another roadmap cannot be named (the formset's
    queryset is this roadmap's indicators). New rows are created once per display of the form
    (portal/submissions.py): a double click adds them once.
    """
    territory, roadmap = get_roadmap_rw_for_user(request, slug)
    formset = DiagnosticIndicatorFormSet(
        request.POST or None, queryset=roadmap.facts.all(), prefix="indicateurs"
    )
    if formset.is_valid():

        def save():
            writes.save_diagnostic(formset=formset, roadmap=roadmap)
            messages.success(request, _("Les indicateurs du diagnostic sont enregistrés."))
            return redirect(roadmap.get_absolute_url() + "#phases")

        return create_once(request, save)
    return render(
        request,
        "roadmaps/facts_form.html",
        {"territory": territory, "roadmap": roadmap, "formset": formset},
        status=400 if formset.is_bound else 200,
    )
