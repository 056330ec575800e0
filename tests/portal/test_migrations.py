"""Data migrations: the rows stored before them come out converted, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("portal", "0003_form_submission")]
AFTER = [("portal", "0004_epci_kind_lower_case")]


def migrate(targets):
    """Migrate the portal app to `targets`; return the historical models at that point."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_epci_kinds_stored_upper_case_become_lower_case():
    try:
        EPCI = migrate(BEFORE).get_model("portal", "EPCI")
        EPCI.objects.create(siren="200071827", name="CA du Grand Angoulême", kind="CA")
        EPCI.objects.create(siren="200046977", name="Métropole de Lyon", kind="MET69")

        EPCI = migrate(AFTER).get_model("portal", "EPCI")
        assert sorted(EPCI.objects.values_list("kind", flat=True)) == ["ca", "met69"]

        EPCI = migrate(BEFORE).get_model("portal", "EPCI")  # reversible
        assert sorted(EPCI.objects.values_list("kind", flat=True)) == ["CA", "MET69"]
    finally:
        # Leave the schema as the other tests expect it: every app at its last migration (going
        # back to BEFORE unapplied the other apps' migrations that depend on later ones).
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
