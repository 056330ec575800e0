"""The directory at national scale (100,000 partners, 200,000 services, issue 18;
docs/performance.md « Annuaire à 100 000 partenaires »):

- on PostgreSQL, a trigram GIN index on the services' search column, like the partners' one
  (migration 0005): a text search looks in the services' names and descriptions too, and
  without it every search read the 200,000 services (0.7 s);
- on every database, the link tables read by the theme filter in the order it reads them
  (theme, then partner or service), and the services' (id, partner_id): the filter's subqueries
  become index-only scans instead of a heap read per link.

The link tables are Django's automatic many-to-many tables, which a model's Meta cannot index:
hence plain SQL (the same on SQLite and PostgreSQL)."""

from django.db import migrations, transaction

TRIGRAM = "partners_service_search_trgm"
INDEXES = {
    "partners_partner_themes_theme_partner_idx": "partners_partner_themes (theme_id, partner_id)",
    "partners_service_themes_theme_service_idx": "partners_service_themes (theme_id, service_id)",
    "partners_service_id_partner_idx": "partners_service (id, partner_id)",
}


def create(apps, schema_editor):
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - missing privilege: keep the plain scan
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM} ON partners_service "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    for name in [*INDEXES, TRIGRAM]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("partners", "0010_data_inclusion_v1_data")]

    operations = [migrations.RunPython(create, drop)]
