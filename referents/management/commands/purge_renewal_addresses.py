from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from portal.scheduling import run_once
from referents.renewals import ADDRESSES_KEPT_DAYS, addresses_to_purge


class Command(BaseCommand):
    help = (
        "Efface les courriels des mairies des campagnes de renouvellement closes depuis plus de "
        f"{ADDRESSES_KEPT_DAYS} jours (page Données personnelles). À lancer chaque mois ; relancer "
        "la commande n'efface rien de plus."
    )

    @run_once
    def handle(self, *args, **options):
        count = addresses_to_purge().update(mairie_email="")
        message = ngettext(
            "%(count)d adresse de mairie effacée.", "%(count)d adresses de mairie effacées.", count
        )
        self.stdout.write(self.style.SUCCESS(message % {"count": count}))
