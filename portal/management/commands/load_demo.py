import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration (territoires, comptes, partenaires, feuilles de "
        "route, référents). Relancer la commande ne crée pas de doublon."
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
                if importlib.util.find_spec(path.rsplit(".", 1)[0]) is None:
                    continue  # that app has no demo yet
                loader = import_string(path)
                self.stdout.write(f"Démo : {path.rsplit('.', 2)[0]}")
                loader(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Démo chargée. Comptes : admin, coordination.angouleme, "
                "referent.angouleme, coordination.bergerac (mot de passe "
                "« demo-maillage »)."
            )
        )
