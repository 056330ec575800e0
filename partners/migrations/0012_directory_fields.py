"""The directory's filters read on the partner's row (issue 18, docs/performance.md « Annuaire
à 100 000 partenaires »): `directory_ids` (the ids of its themes and its services' themes,
positive, and of its publics and its services' publics, negative) and `services_text` (its
services' search text), filled here for existing partners and kept by
partners.models.refresh_directory_fields().

On PostgreSQL, a GIN index on the ids (a theme or public filter is one index condition, `&&`)
and a trigram GIN index on the services' text, like the partners' own (migration 0005)."""

from django.db import migrations, models, transaction
from django.db.models import F

import portal.fields

BATCH = 1000
INDEXES = {
    "partners_partner_directory_ids_gin": "USING gin (directory_ids)",
    "partners_partner_services_text_trgm": "USING gin (services_text gin_trgm_ops)",
}


def fill(apps, schema_editor):
    """The same computation as refresh_directory_fields(), on the historical models."""
    Partner = apps.get_model("partners", "Partner")
    Service = apps.get_model("partners", "Service")
    pks = list(Partner.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        ids = {pk: set() for pk in batch}
        texts = {pk: [] for pk in batch}
        links = [
            Partner.themes.through.objects.filter(partner_id__in=batch).values_list(
                "partner_id", "theme_id"
            ),
            Partner.publics.through.objects.filter(partner_id__in=batch).values_list(
                "partner_id", -F("public_id")
            ),
            Service.themes.through.objects.filter(service__partner_id__in=batch).values_list(
                "service__partner_id", "theme_id"
            ),
            Service.publics.through.objects.filter(service__partner_id__in=batch).values_list(
                "service__partner_id", -F("public_id")
            ),
        ]
        for query in links:
            for partner_id, item_id in query.order_by():
                ids[partner_id].add(item_id)
        services = Service.objects.filter(partner_id__in=batch).order_by("partner_id", "pk")
        for partner_id, text in services.values_list("partner_id", "search_text"):
            texts[partner_id].append(text)
        rows = [
            Partner(pk=pk, directory_ids=sorted(ids[pk]), services_text=" ".join(texts[pk]))
            for pk in batch
        ]
        Partner.objects.bulk_update(rows, ["directory_ids", "services_text"], batch_size=BATCH)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    indexes = dict(INDEXES)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - missing privilege: the ids' index only
        del indexes["partners_partner_services_text_trgm"]
    for name, method in indexes.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON partners_partner {method}")


def drop_indexes(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("partners", "0011_directory_national_indexes")]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="directory_ids",
            field=portal.fields.IntegerSetField(),
        ),
        migrations.AddField(
            model_name="partner",
            name="services_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
