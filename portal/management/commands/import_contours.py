from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.contours import ContoursFailed, import_contours


class Command(BaseCommand):
    help = (
        "Importe les contours des communes depuis un fichier GeoJSON (IGN Admin Express converti, "
        "france-geojson…) dont chaque entité porte le code INSEE. Tout ou rien ; relancer met à "
        "jour."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier GeoJSON (FeatureCollection, WGS 84)")
        parser.add_argument(
            "--propriete-code",
            dest="code_property",
            metavar="NOM",
            help="Propriété qui porte le code INSEE (par défaut : code, INSEE_COM, codgeo…).",
        )

    def handle(self, *args, file, code_property=None, **options):
        try:
            report = import_contours(file, code_property=code_property, label=Path(file).name)
        except ContoursFailed as error:
            raise CommandError(f"Import annulé, la base n'a pas été modifiée. {error}") from error
        for line in report.lines():
            self.stdout.write(line)
