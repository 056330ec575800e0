from django.core.management.base import BaseCommand, CommandError

from portal.imports import ImportFailed, load_directory


class Command(BaseCommand):
    help = (
        "Importe les communes et les EPCI depuis les fichiers du découpage administratif "
        "(communes.json, epci.json, et departements.json / regions.json s'ils sont présents). "
        "Tout ou rien ; relancer la commande ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Dossier contenant communes.json et epci.json")
        parser.add_argument(
            "--epci",
            action="append",
            default=[],
            metavar="SIREN",
            help="N'importer que cet EPCI et ses communes (répétable).",
        )
        parser.add_argument(
            "--departement",
            action="append",
            default=[],
            metavar="CODE",
            help="N'importer que les communes de ce département (répétable).",
        )

    def handle(self, *args, directory, epci, departement, verbosity=1, **options):
        try:
            report = load_directory(directory, only_epcis=epci, only_departments=departement)
        except ImportFailed as error:
            raise CommandError(f"Import annulé, la base n'a pas été modifiée. {error}") from error
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Import terminé."))
        else:
            self.stdout.write("Rien à changer : les données étaient déjà à jour.")
