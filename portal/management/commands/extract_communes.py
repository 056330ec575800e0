import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Écrit un extrait des fichiers officiels (communes.json, epci.json, departements.json, "
        "regions.json) limité à quelques EPCI : c'est ainsi qu'est produit l'extrait de la démo."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Dossier des fichiers officiels complets")
        parser.add_argument("destination", help="Dossier où écrire l'extrait")
        parser.add_argument("--epci", action="append", required=True, metavar="SIREN")

    def handle(self, *args, source, destination, epci, **options):
        source, destination = Path(source), Path(destination)
        try:
            epcis = json.loads((source / "epci.json").read_text(encoding="utf-8"))
            communes = json.loads((source / "communes.json").read_text(encoding="utf-8"))
            departments = json.loads((source / "departements.json").read_text(encoding="utf-8"))
            regions = json.loads((source / "regions.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Lecture impossible : {error}") from error
        wanted = set(epci)
        kept_epcis = [record for record in epcis if record["code"] in wanted]
        missing = wanted - {record["code"] for record in kept_epcis}
        if missing:
            label = "EPCI inconnu" if len(missing) == 1 else "EPCI inconnus"
            raise CommandError(f"{label} : {', '.join(sorted(missing))}")
        members = {member["code"] for record in kept_epcis for member in record["membres"]}
        kept_communes = [
            record
            for record in communes
            if record["code"] in members and record.get("type") == "commune-actuelle"
        ]
        department_codes = {record["departement"] for record in kept_communes}
        kept_departments = [record for record in departments if record["code"] in department_codes]
        region_codes = {record["region"] for record in kept_departments}
        kept_regions = [record for record in regions if record["code"] in region_codes]
        destination.mkdir(parents=True, exist_ok=True)
        for name, data in (
            ("communes.json", kept_communes),
            ("epci.json", kept_epcis),
            ("departements.json", kept_departments),
            ("regions.json", kept_regions),
        ):
            (destination / name).write_text(
                json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
        self.stdout.write(
            f"{len(kept_communes)} communes, {len(kept_epcis)} EPCI écrits dans {destination}"
        )
