from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from companies.followup import services
from portal.scheduling import run_once


class Command(BaseCommand):
    help = (
        "Supprime partout (échanges, historique) les contacts dans les entreprises sans échange "
        "de leur territoire avec l'entreprise depuis trois ans (page Données personnelles). "
        "À lancer chaque mois ; relancer la commande ne supprime rien de plus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien supprimer.")

    @run_once
    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            count = services.contacts_to_purge().count()
            message = ngettext(
                "%(count)d contact serait supprimé (rien n'est modifié).",
                "%(count)d contacts seraient supprimés (rien n'est modifié).",
                count,
            )
            self.stdout.write(message % {"count": count})
            return
        count = services.purge_contacts()
        message = ngettext("%(count)d contact supprimé.", "%(count)d contacts supprimés.", count)
        self.stdout.write(self.style.SUCCESS(message % {"count": count}))
