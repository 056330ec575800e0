"""Validate every partner and service as data·inclusion schema v1 records (the package's pydantic
models), and list the invalid ones: `manage.py check_data_inclusion [--base-url URL]`."""

from django.core.management.base import BaseCommand, CommandError

from partners.data_inclusion import invalid_records


class Command(BaseCommand):
    help = "Vérifie les structures et services exportés au format data·inclusion v1."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="https://maillage.example.org",
            help="Adresse du portail, pour les liens `lien_source` des enregistrements.",
        )

    def handle(self, *args, base_url, **options):
        invalid = invalid_records(base_url)
        for kind, record_id, name, messages in invalid:
            self.stdout.write(f"{kind} {record_id} ({name}) :")
            for message in messages:
                self.stdout.write(f"  - {message}")
        if invalid:
            raise CommandError(f"Enregistrements invalides au format v1 : {len(invalid)}.")
        self.stdout.write(self.style.SUCCESS("Tous les enregistrements sont valides (v1)."))
