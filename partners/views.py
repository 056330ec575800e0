from django.shortcuts import render
from django.utils.translation import gettext as _


def index(request, **kwargs):
    return render(
        request,
        "portal/coming_soon.html",
        {
            "title": _("Annuaire des partenaires"),
            "description": _(
                "L'annuaire des partenaires de l'emploi et de l'insertion du territoire : "
                "qui fait quoi, pour qui, et comment les joindre."
            ),
        },
    )
