from django.core.management.base import BaseCommand, CommandError

from companies.sirene import ImportFailed, import_sirene
from portal.models import Territory


class Command(BaseCommand):
    help = (
        "Importe les établissements des communes des territoires depuis les fichiers stock "
        "Sirene de l'INSEE (StockEtablissement_utf8.csv et StockUniteLegale_utf8.csv) : "
        "ajoute, met à jour et ferme. Tout ou rien ; relancer la commande ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--etablissements",
            required=True,
            metavar="FICHIER",
            help="StockEtablissement_utf8.csv (décompressé)",
        )
        parser.add_argument(
            "--unites-legales",
            required=True,
            metavar="FICHIER",
            help="StockUniteLegale_utf8.csv (décompressé)",
        )
        parser.add_argument(
            "--territory",
            "--territoire",
            dest="territory",
            metavar="SLUG",
            help="N'importer que les communes de ce territoire (par défaut : tous).",
        )

    def handle(self, *args, etablissements, unites_legales, territory=None, **options):
        chosen = None
        if territory:
            chosen = Territory.objects.filter(slug=territory).first()
            if chosen is None:
                raise CommandError(f"Territoire « {territory} » inconnu.")
        progress = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            report = import_sirene(
                establishments=etablissements,
                legal_units=unites_legales,
                territory=chosen,
                progress=progress,
            )
        except ImportFailed as error:
            details = "\n".join(f"  {message}" for message in error.errors)
            raise CommandError(f"{error}\n{details}".rstrip()) from error
        for line in report.lines():
            self.stdout.write(line)
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if report.warning_count > len(report.warnings):
            self.stdout.write(
                self.style.WARNING(f"… et {report.warning_count - len(report.warnings)} autres.")
            )
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Import terminé."))
        else:
            self.stdout.write("Rien à changer : le registre était déjà à jour.")
