"""Load an export of `export_portal` into an empty instance, all or nothing."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.management.commands.export_portal import exported_models
from portal.models import Territory, User


class Command(BaseCommand):
    help = (
        "Charge un export de `export_portal` dans une instance vide (après `migrate`). Tout ou "
        "rien : à la moindre erreur, la base reste telle qu'elle était."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier écrit par export_portal (.json, .json.gz…)")

    def handle(self, *args, file, **options):
        users, territories = User.objects.count(), Territory.objects.count()
        if users or territories:
            raise CommandError(
                f"La base n'est pas vide ({users} comptes, {territories} territoires) : "
                "l'import se fait dans une instance neuve, après `manage.py migrate`."
            )
        try:
            with transaction.atomic():
                # Rows written by migrations (reference lists) are replaced by those of the
                # export, so that identifiers and labels are exactly the saved ones.
                for model in reversed(exported_models()):
                    model._default_manager.all().delete()
                call_command("loaddata", file, verbosity=0)
        except Exception as error:  # any failure: the transaction is rolled back
            raise CommandError(f"Import refusé, rien n'a été écrit : {error}") from error
        total = sum(model._default_manager.count() for model in exported_models())
        self.stdout.write(self.style.SUCCESS(f"Import terminé : {total} lignes chargées."))
