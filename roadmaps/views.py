from django.shortcuts import render
from django.utils.translation import gettext as _


def index(request):
    return render(
        request,
        "portal/coming_soon.html",
        {
            "title": _("Feuilles de route"),
            "description": _(
                "La feuille de route pour l'emploi et l'insertion du territoire : "
                "diagnostic, enjeux, objectifs, axes et actions."
            ),
        },
    )
