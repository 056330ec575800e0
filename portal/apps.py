from axes import apps as axes_apps
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


class AxesConfig(axes_apps.AppConfig):
    """django-axes (sign-in attempts and lock-outs), named in French in the admin, where its
    default name « AXES » read like the roadmaps' « Axes »."""

    default = False  # portal's own config stays PortalConfig
    verbose_name = _("Connexions et verrouillages")
