"""The demo's signals raised by the portal: `raise_signals` for each of the last twelve months
ended, in every territory, once the other apps' demos are loaded (last of DEMO_LOADERS: the
detectors read referents', companies' and partners' demo data). Idempotent, as the command."""

from django.utils import timezone
from django.utils.translation import ngettext

from portal.models import Territory
from roadmaps.services.raised_signals import raise_signals
from roadmaps.trends import last_months


def load(stdout=None):
    months = last_months(timezone.localdate(), 13)[:-1]
    created = 0
    for territory in Territory.objects.order_by("name"):
        for month in months:
            created += raise_signals(territory=territory, month=month).created
    if stdout:
        line = ngettext(
            "%(count)s signal relevé par le portail (12 derniers mois)",
            "%(count)s signaux relevés par le portail (12 derniers mois)",
            created,
        )
        stdout.write("  " + line % {"count": created})
    return created
