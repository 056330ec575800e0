from django.shortcuts import render
from django.utils.translation import gettext as _


def index(request):
    return render(
        request,
        "portal/coming_soon.html",
        {
            "title": _("Réseau des référents emploi-insertion"),
            "description": _(
                "Les référents de chaque commune, les rendez-vous du réseau, le guide du "
                "référent et l'aide à l'orientation."
            ),
        },
    )
