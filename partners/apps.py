from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires")

    def ready(self):
        # Signal receivers that keep the directory's fields of each partner (partners/signals.py).
        from partners import signals  # noqa: F401
