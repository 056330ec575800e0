from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferentsConfig(AppConfig):
    name = "referents"
    verbose_name = _("Réseau des référents")
