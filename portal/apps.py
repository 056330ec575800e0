from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portail et territoires")

    def ready(self):
        # Signal receivers: the audit trail, the activity stamp set at sign-in, and the content
        # version that makes cached pages stale.
        from portal import audit, cache, security  # noqa: F401

        cache.connect_signals()
