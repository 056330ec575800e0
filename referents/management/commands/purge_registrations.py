from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import ngettext

from portal.scheduling import run_once
from referents.models import REGISTRATIONS_KEPT_DAYS, Registration


class Command(BaseCommand):
    help = (
        f"Supprime les inscriptions aux événements publics {REGISTRATIONS_KEPT_DAYS} jours après "
        "l'événement (page Données personnelles). À lancer chaque jour ; relancer la commande ne "
        "supprime rien de plus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien supprimer.")

    @run_once
    def handle(self, *args, dry_run=False, **options):
        to_purge = Registration.objects.to_purge()
        if dry_run:
            count = to_purge.count()
            message = ngettext(
                "%(count)d inscription serait supprimée (rien n'est modifié).",
                "%(count)d inscriptions seraient supprimées (rien n'est modifié).",
                count,
            )
            self.stdout.write(message % {"count": count})
            return
        with transaction.atomic():
            count, _ = to_purge.delete()
        message = ngettext(
            "%(count)d inscription supprimée.", "%(count)d inscriptions supprimées.", count
        )
        self.stdout.write(self.style.SUCCESS(message % {"count": count}))
