"""`manage.py load_demo`: refused in production unless forced, and safe to run twice."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from partners.models import NetworkMembership, Partner
from portal.demo import DEMO_PASSWORD
from portal.models import Commune, Membership, Territory, User
from referents.services import partners_for_territory

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"portal", "partners", "referents", "roadmaps"}
    }


def test_demo_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("load_demo", stdout=StringIO())
    assert not Territory.objects.exists()


def test_demo_loads_territories_and_accounts_and_a_second_run_creates_nothing(settings):
    settings.DEBUG = False
    call_command("load_demo", "--force", stdout=StringIO())

    angouleme = Territory.objects.get(slug="grand-angouleme")
    bergerac = Territory.objects.get(slug="grand-bergeracois")
    assert angouleme.figures()["commune_count"] == 38
    assert angouleme.jobs == 64000
    assert angouleme.sector_list == ["mécatronique", "filière de l'image", "banques et assurances"]
    assert list(angouleme.epcis.values_list("siren", flat=True)) == ["200071827"]
    assert bergerac.kind == Territory.Kind.PROJECT
    assert sorted(bergerac.epcis.values_list("siren", flat=True)) == [
        "200034197",
        "200034833",
        "200040889",
        "200070647",
    ]
    assert bergerac.figures()["commune_count"] == 128
    assert Commune.objects.count() == 38 + 128
    roles = {
        (m.user.username, m.territory.slug, m.role)
        for m in Membership.objects.select_related("user", "territory")
        if m.user.username
        in {"coordination.angouleme", "referent.angouleme", "coordination.bergerac"}
    }
    assert roles == {
        ("coordination.angouleme", "grand-angouleme", Membership.Role.COORDINATOR),
        ("referent.angouleme", "grand-angouleme", Membership.Role.REFERENT),
        ("coordination.bergerac", "grand-bergeracois", Membership.Role.COORDINATOR),
    }
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    for username in ["admin", "coordination.angouleme", "referent.angouleme"]:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)

    # Each territory's coordination accepted the partners of the other whose zone is a department,
    # a region or the country: the guides show every partner serving them (issue 10, item 9).
    for territory in (angouleme, bergerac):
        in_guide = set(partners_for_territory(territory))
        assert in_guide == set(Partner.objects.serving_territories([territory.pk]))
        assert any(partner.territory_id != territory.pk for partner in in_guide)
    assert NetworkMembership.objects.filter(
        territory=angouleme, partner__slug__contains="bergerac"
    ).exists()

    before = row_counts()
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)

    assert row_counts() == before
    assert "Communes : 0 ajout, 0 mise à jour, 166 sans changement" in out.getvalue()


def test_demo_message_names_the_accounts_it_created(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)

    usernames = set(User.objects.values_list("username", flat=True))
    summary = out.getvalue().splitlines()[-1]
    named = set(summary.split("Comptes : ")[1].split(" (")[0].split(", "))
    assert named == usernames
    assert f"« {DEMO_PASSWORD} »" in summary
    assert all(User.objects.get(username=name).check_password(DEMO_PASSWORD) for name in named)


def test_demo_with_a_missing_loader_fails_instead_of_skipping_it(settings):
    settings.DEBUG = True
    settings.DEMO_LOADERS = ["portal.demo.load", "nowhere.demo.load"]
    with pytest.raises(ImportError):
        call_command("load_demo", stdout=StringIO())
    assert not Territory.objects.exists()  # all or nothing
