"""The directory's filters read on the partner's row (issue 18, docs/performance.md « Annuaire
à 100 000 partenaires »): `directory_ids` (the ids of its themes and its services' themes,
positive, and of its publics and its services' publics, negative), `zone_ids` (its zone as the
commune filter reads it: chosen communes, EPCIs of chosen territories + 100,000,000,
départements chosen or of chosen régions + 200,000,000) and `services_text` (its services'
search text), filled here for existing partners and kept by
partners.models.refresh_directory_fields(); an index of the national partners.

On PostgreSQL, GIN indexes on both sets of ids (a theme, public or commune filter is one index
condition, `&&`) and a trigram GIN index on the services' text, like the partners' own
(migration 0005)."""

from django.db import migrations, models, transaction
from django.db.models import F

import portal.fields

BATCH = 1000
EPCI, DEPARTMENT = 100_000_000, 200_000_000
INDEXES = {
    "partners_partner_directory_ids_gin": "USING gin (directory_ids)",
    "partners_partner_zone_ids_gin": "USING gin (zone_ids)",
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
        zones = {pk: set() for pk in batch}
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
        zone_links = [
            Partner.zone_communes.through.objects.filter(partner_id__in=batch).values_list(
                "partner_id", "commune_id"
            ),
            Partner.zone_territories.through.objects.filter(
                partner_id__in=batch, territory__epcis__isnull=False
            ).values_list("partner_id", F("territory__epcis") + EPCI),
            Partner.zone_departments.through.objects.filter(partner_id__in=batch).values_list(
                "partner_id", F("department_id") + DEPARTMENT
            ),
            Partner.zone_regions.through.objects.filter(
                partner_id__in=batch, region__departments__isnull=False
            ).values_list("partner_id", F("region__departments") + DEPARTMENT),
        ]
        for query in zone_links:
            for partner_id, item_id in query.order_by():
                zones[partner_id].add(item_id)
        services = Service.objects.filter(partner_id__in=batch).order_by("partner_id", "pk")
        for partner_id, text in services.values_list("partner_id", "search_text"):
            texts[partner_id].append(text)
        rows = [
            Partner(
                pk=pk,
                directory_ids=sorted(ids[pk]),
                zone_ids=sorted(zones[pk]),
                services_text=" ".join(texts[pk]),
            )
            for pk in batch
        ]
        fields = ["directory_ids", "zone_ids", "services_text"]
        Partner.objects.bulk_update(rows, fields, batch_size=BATCH)


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
            name="zone_ids",
            field=portal.fields.IntegerSetField(),
        ),
        migrations.AddField(
            model_name="partner",
            name="services_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=models.Index(
                condition=models.Q(("is_national", True)),
                fields=["id"],
                name="partners_partner_national_idx",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
