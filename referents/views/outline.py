"""Trame de premier entretien: read by every member, edited by the territory's coordinators."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.submissions import create_once
from referents.forms import OutlineSectionForm, QuestionFormSet
from referents.models import OutlineSection
from referents.perms import (
    get_section_rw_for_user,
    get_territory_for_user,
    get_territory_rw_for_user,
)
from referents.services import install_default_outline, outline_for


def _outline_url(territory):
    return reverse("referents:outline", args=[territory.slug])


def outline(request, territory_slug):
    territory, can_edit = get_territory_for_user(request, territory_slug)
    sections = list(OutlineSection.objects.filter(territory=territory))
    blocks = outline_for(territory)
    return render(
        request,
        "referents/outline.html",
        {
            "territory": territory,
            "can_edit": can_edit,
            "blocks": list(zip(sections or [None] * len(blocks), blocks, strict=True)),
            "is_default": not sections,
        },
    )


@require_POST
def outline_install(request, territory_slug):
    territory = get_territory_rw_for_user(request, territory_slug)
    if install_default_outline(territory=territory):
        messages.success(request, _("La trame par défaut est maintenant modifiable."))
    return redirect(_outline_url(territory))


def _section_form(request, territory, section):
    form = OutlineSectionForm(request.POST or None, instance=section, prefix="section")
    formset = QuestionFormSet(request.POST or None, instance=section, prefix="questions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():

        def save():
            with transaction.atomic():
                form.save()
                formset.save()
            messages.success(request, _("Section enregistrée."))
            return redirect(_outline_url(territory))

        return create_once(request, save) if section.pk is None else save()
    return render(
        request,
        "referents/outline_section_form.html",
        {"form": form, "formset": formset, "territory": territory, "section": section},
    )


def section_create(request, territory_slug):
    territory = get_territory_rw_for_user(request, territory_slug)
    if not OutlineSection.objects.filter(territory=territory).exists():
        raise Http404("Mettre d'abord en place la trame par défaut")
    position = OutlineSection.objects.filter(territory=territory).count() + 1
    return _section_form(request, territory, OutlineSection(territory=territory, position=position))


def section_update(request, pk):
    section = get_section_rw_for_user(request, pk)
    return _section_form(request, section.territory, section)


@require_POST
def section_delete(request, pk):
    section = get_section_rw_for_user(request, pk)
    territory = section.territory
    section.delete()
    messages.success(request, _("Section supprimée."))
    return redirect(_outline_url(territory))
