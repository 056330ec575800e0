"""Export all the portal's data to one file, for a backup or a move to another instance."""

import bz2
import datetime
import gzip
import lzma
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

# Not data of the portal: rebuilt by `migrate` (content types, permissions), short-lived
# (sessions, sign-in attempts of django-axes, tokens of creation forms sent) or pointing at
# content types by id (admin log).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "portal.formsubmission",
]
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".lzma": lzma.open}


def exported_models():
    """The models whose rows go into the export, referenced models first."""
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label.lower() for label in EXCLUDED if "." in label}
    by_app = {}
    for model in apps.get_models():
        if (
            model._meta.app_label not in excluded_apps
            and model._meta.label_lower not in excluded_models
            and model._meta.managed
            and not model._meta.proxy
        ):
            by_app.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to the millisecond; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def rows_of(model):
    """The model's rows with what the serializer reads, in a few queries per 2,000 rows:
    the users named by natural key (joined) and the many-to-many ids (prefetched)."""
    joined = [
        field.name
        for field in model._meta.fields
        if field.remote_field and hasattr(field.remote_field.model, "natural_key")
    ]
    prefetched = [
        field.name
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    queryset = model._base_manager.order_by(model._meta.pk.name)
    return queryset.select_related(*joined).prefetch_related(*prefetched).iterator(2000)


def write_export(file):
    """Write every exported row to `file` (compressed after its extension); return the count."""
    count = 0

    def rows():
        nonlocal count
        for model in exported_models():
            for row in rows_of(model):
                count += 1
                yield row

    opener = OPENERS.get(Path(file).suffix, open)
    outermost = not connection.in_atomic_block
    with transaction.atomic(), opener(file, "wt", encoding="utf-8") as stream:
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table: a consistent export while the portal runs.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        serializers.serialize(
            "json",
            rows(),
            stream=stream,
            use_natural_foreign_keys=True,  # permissions of users and groups, by name
            cls=PreciseJSONEncoder,
        )
    return count


class Command(BaseCommand):
    help = (
        "Exporte toutes les données du portail (comptes, territoires, communes, partenaires, "
        "feuilles de route et leur historique, référents) dans un fichier JSON, compressé si "
        "son nom finit par .gz, .bz2 ou .xz. `import_portal` le recharge dans une instance vide."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="Fichier à écrire, par exemple maillage-2026-06-01.json.gz"
        )

    def handle(self, *args, file, **options):
        count = write_export(file)
        self.stdout.write(self.style.SUCCESS(f"Export terminé : {count} lignes dans {file}."))
