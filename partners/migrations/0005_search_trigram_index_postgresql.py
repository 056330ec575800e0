"""On PostgreSQL only: a trigram GIN index on the search column, so that `LIKE '%word%'` on
selective words reads the index instead of scanning the table (docs/performance.md).
SQLite keeps the plain scan. If the pg_trgm extension cannot be created (no privilege), the
index is skipped: search stays correct, only slower on large directories."""

from django.db import migrations, transaction

INDEX = "partners_partner_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - missing privilege: keep the plain scan
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON partners_partner "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_partner_name_index")]

    operations = [migrations.RunPython(create, drop)]
