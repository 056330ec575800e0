from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from portal.demo import ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration (communes, territoires, comptes, partenaires, "
        "feuilles de route, référents et rendez-vous). Relancer la commande ne crée pas de "
        "doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Charger même quand DEBUG est désactivé."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusé : DEBUG est désactivé (production ?). Ajoutez --force pour charger "
                "quand même les données de démonstration."
            )
        with transaction.atomic():
            for path in settings.DEMO_LOADERS:
                loader = import_string(path)  # every app has its demo: a bad path fails
                self.stdout.write(f"Démo : {path.rsplit('.', 2)[0]}")
                loader(stdout=self.stdout)
        accounts = ", ".join(username for username, *_ in ACCOUNTS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Démo chargée. Comptes : {accounts} (mot de passe « {DEMO_PASSWORD} »)."
            )
        )
