"""Delete the invitations ended (accepted, cancelled or expired) more than
INVITATION_RETENTION_DAYS days ago: their address and role are kept no longer (privacy page).
Idempotent: run it daily from cron (docs/accounts.md)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from portal.models import Invitation
from portal.scheduling import run_once


def purge(now=None):
    limit = (now or timezone.now()) - timedelta(days=settings.INVITATION_RETENTION_DAYS)
    ended = Q(accepted_at__lt=limit) | Q(cancelled_at__lt=limit) | Q(expires_at__lt=limit)
    count, _ = Invitation.objects.filter(ended).delete()
    return count


class Command(BaseCommand):
    help = "Efface les invitations terminées depuis plus de INVITATION_RETENTION_DAYS jours."

    @run_once
    def handle(self, *args, **options):
        count = purge()
        message = ngettext("%(count)d invitation effacée", "%(count)d invitations effacées", count)
        self.stdout.write(message % {"count": count})
