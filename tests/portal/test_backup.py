"""Backups: `export_portal` then `import_portal` into an emptied database loses nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from partners.models import Category, Partner
from portal.management.commands.export_portal import exported_models
from portal.models import Territory, User
from roadmaps.models import Action
from tests.factories import UserFactory


def snapshot():
    """Row counts of every exported table, and a few values that must come back identical."""
    partner = Partner.objects.order_by("pk").first()
    action = Action.objects.order_by("pk").first()
    user = User.objects.get(username="coordination.angouleme")
    return {
        "counts": {
            model._meta.label: model._default_manager.count() for model in exported_models()
        },
        "partner": (
            partner.pk,
            partner.name,
            partner.slug,
            partner.search_text,
            partner.category.slug,
            sorted(partner.publics.values_list("slug", flat=True)),
            sorted(partner.zone_communes.values_list("insee_code", flat=True)),
            partner.verified_at,
        ),
        "action": (action.pk, action.title, action.status, action.version, action.updated_at),
        "action history": list(action.history.values_list("history_date", "title", "status")),
        "user": (
            user.password,
            user.last_login,
            sorted(user.memberships.values_list("territory__slug", "role")),
        ),
        "territories": list(Territory.objects.values_list("slug", "name", "jobs")),
    }


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_export_then_import_into_an_empty_database_loses_nothing(demo, tmp_path):
    before = snapshot()
    assert before["counts"]["partners.Partner"] > 10
    assert before["counts"]["roadmaps.HistoricalAction"] > 0
    path = tmp_path / "maillage.json.gz"
    call_command("export_portal", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115

    if connection.vendor == "postgresql":
        # The test runs in a transaction: check the pending foreign keys now, so that the
        # tables can be truncated.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as in import_portal's transaction
    assert Partner.objects.count() == User.objects.count() == 0
    call_command("import_portal", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert snapshot() == before
    # Sequences follow the loaded ids: a new row gets a fresh id.
    new = Partner.objects.create(
        territory=Territory.objects.first(),
        name="Nouveau partenaire",
        slug="nouveau-partenaire",
        category=Category.objects.first(),
    )
    assert new.pk > before["partner"][0]


def test_import_refuses_a_database_in_use(db, tmp_path):
    path = tmp_path / "maillage.json"
    call_command("export_portal", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    UserFactory()
    with pytest.raises(CommandError, match="pas vide"):
        call_command("import_portal", str(path))


def test_a_broken_file_writes_nothing(db, tmp_path):
    categories = Category.objects.count()
    path = tmp_path / "broken.json"
    path.write_text(
        '[{"model": "portal.region", "pk": 1, "fields": {"code": "75", "name": "N-A"}},'
        ' {"model": "portal.department", "pk": 1, "fields": {"code": "16", "region": 999}}]'
    )
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_portal", str(path))
    assert Category.objects.count() == categories  # the reference lists are still there
    assert not Territory.objects.exists()
