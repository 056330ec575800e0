from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portail et territoires")

    def ready(self):
        # Signal receivers: the audit trail and the activity stamp set at sign-in.
        from portal import audit, security  # noqa: F401
