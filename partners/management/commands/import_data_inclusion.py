"""Import data·inclusion v1 files into a territory (docs/partners.md):
`manage.py import_data_inclusion --structures F --services F --territory SLUG [--dry-run]`."""

from django.core.management.base import BaseCommand, CommandError

from partners.di_import import import_data_inclusion
from portal.models import Territory


class Command(BaseCommand):
    help = (
        "Importe les structures et services data·inclusion v1 (JSON ou CSV) d'un territoire : "
        "création ou mise à jour par (source, id) puis SIRET, tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--structures", required=True, help="Fichier des structures (v1).")
        parser.add_argument("--services", required=True, help="Fichier des services (v1).")
        parser.add_argument("--territory", required=True, help="Identifiant du territoire.")
        parser.add_argument("--dry-run", action="store_true", help="Aperçu : n'enregistre rien.")

    def handle(self, *args, structures, services, territory, dry_run, **options):
        found = Territory.objects.filter(slug=territory).first()
        if found is None:
            raise CommandError(f"Territoire inconnu : « {territory} ».")
        try:
            report = import_data_inclusion(
                structures=structures, services=services, territory=found, dry_run=dry_run
            )
        except (OSError, ValueError) as error:
            raise CommandError(f"Fichier illisible : {error}") from error
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Aperçu : rien n'a été enregistré.")
        else:
            self.stdout.write(self.style.SUCCESS("Import enregistré."))
