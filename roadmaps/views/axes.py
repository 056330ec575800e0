"""Coordinators create, rename and reorder the axes of their territory's roadmap."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.submissions import create_once
from roadmaps.forms import AxisForm
from roadmaps.perms import get_axis_rw_for_user, get_roadmap_rw_for_user
from roadmaps.services import writes
from roadmaps.views.common import render_form


def axis_create(request, slug):
    territory, roadmap = get_roadmap_rw_for_user(request, slug)
    form = AxisForm(request.POST or None)
    if form.is_valid():

        def create():
            axis = writes.create_axis(
                roadmap=roadmap,
                title=form.cleaned_data["title"],
                objectives=form.cleaned_data["objectives"],
                by=request.user,
            )
            messages.success(request, _("« %s » est ajouté.") % axis)
            return redirect(axis)

        return create_once(request, create)
    title = _("Ajouter un %s") % roadmap.axis_label_singular
    return render_form(request, title=title, form=form, back=roadmap.get_absolute_url())


def axis_update(request, slug, number):
    axis = get_axis_rw_for_user(request, slug, number)
    form = AxisForm(request.POST or None, instance=axis)
    if form.is_valid():
        axis = writes.update_axis(form=form, by=request.user)  # untouched: writes nothing
        messages.success(request, _("« %s » est enregistré.") % axis)
        return redirect(axis)
    return render_form(
        request, title=_("Modifier « %s »") % axis, form=form, back=axis.get_absolute_url()
    )


@require_POST
def axis_move(request, slug, number, direction):
    axis = get_axis_rw_for_user(request, slug, number)
    writes.move_axis(axis=axis, direction=-1 if direction == "monter" else 1, by=request.user)
    return redirect(axis.roadmap)
