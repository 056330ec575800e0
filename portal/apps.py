from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portail et territoires")

    def ready(self):
        # Signal receivers: the audit trail, the activity stamp set at sign-in, and the content
        # version that makes cached pages stale.
        from portal import audit, cache, i18n, security  # noqa: F401

        cache.connect_signals()
        # Untranslated plural messages take the French rule: « 0 étape faite » (portal/i18n.py).
        i18n.install()
