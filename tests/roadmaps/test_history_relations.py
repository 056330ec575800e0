"""Partners, publics and communes of an action are in its history, with who and when.

One save of the form is one historical record (the row and its three many-to-many fields); a
save refused by the optimistic lock records nothing.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from partners.models import Public
from roadmaps.forms import ActionForm
from roadmaps.models import M2M_BASELINE_REASON, Action, IndicatorValue, save_by
from roadmaps.services import history, writes
from tests.factories import IndicatorFactory, PartnerFactory, StepFactory
from tests.roadmaps.test_editing import action_data

SLUG = "grand-angouleme"


@pytest.fixture
def partners(territory):
    return {
        name: PartnerFactory(territory=territory, name=name)
        for name in ("Cap emploi", "Mission locale", "France Travail")
    }


@pytest.fixture
def publics(db):
    return list(Public.objects.order_by("label")[:2])


def relations(partners=(), publics=(), communes=()):
    """The form's many-to-many values."""
    return {
        "partners": [partner.pk for partner in partners],
        "publics": [public.pk for public in publics],
        "communes": [commune.pk for commune in communes],
    }


def post_update(client, action, **changes):
    action.refresh_from_db()
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    return client.post(url, action_data(action, **changes))


def relation_changes(entry):
    return {change.field: (change.added, change.removed) for change in entry.relation_changes}


def test_adding_and_removing_through_the_form_is_one_entry_with_user_and_names(
    coordinator_client, coordinator, action, partners, publics, communes
):
    response = post_update(
        coordinator_client,
        action,
        **relations([partners["Cap emploi"]], publics[:1], [communes[0], communes[1]]),
    )
    assert response.status_code == 302
    records_before = action.history.count()
    response = post_update(
        coordinator_client,
        action,
        title="Micro-forums de l'emploi",
        **relations(
            [partners["Mission locale"], partners["France Travail"]], publics, [communes[1]]
        ),
    )
    assert response.status_code == 302
    assert action.history.count() == records_before + 1  # one record for the whole save

    latest, first = [e for e in history.action_history(action) if e.kind == "modification"][:2]
    assert latest.user == first.user == coordinator
    assert [(c.field, c.old, c.new) for c in latest.field_changes] == [
        ("title", "Micro-forums pour l'emploi", "Micro-forums de l'emploi")
    ]
    assert relation_changes(latest) == {
        "partners": (["France Travail", "Mission locale"], ["Cap emploi"]),
        "publics": ([publics[1].label], []),
        "communes": ([], ["Angoulême"]),
    }
    assert relation_changes(first) == {
        "partners": (["Cap emploi"], []),
        "publics": ([publics[0].label], []),
        "communes": (["Angoulême", "Soyaux"], []),
    }
    partners_change = latest.relation_changes[0]
    assert partners_change.summary == "ajoutés France Travail, Mission locale ; retiré Cap emploi"
    assert latest.relation_changes[2].summary == "retirée Angoulême"

    page = coordinator_client.get(action.get_absolute_url()).text
    assert (
        "<strong>Partenaires contributeurs</strong> : "
        "ajoutés France Travail, Mission locale ; retiré Cap emploi"
    ) in page
    assert "<strong>Communes concernées</strong> : retirée Angoulême" in page
    assert "<strong>Communes concernées</strong> : ajoutées Angoulême, Soyaux" in page
    assert str(coordinator) in page


def test_a_save_that_changes_only_relations_is_an_entry(
    coordinator_client, coordinator, action, partners
):
    post_update(coordinator_client, action, **relations([partners["Cap emploi"]]))
    post_update(coordinator_client, action, **relations([]))
    entries = [e for e in history.action_history(action) if e.relation_changes]
    assert [relation_changes(e) for e in entries] == [
        {"partners": ([], ["Cap emploi"])},
        {"partners": (["Cap emploi"], [])},
    ]
    assert all(not e.field_changes and e.user == coordinator for e in entries)


def test_creating_an_action_with_relations_writes_one_record(
    coordinator_client, axes, partners, publics, communes
):
    response = coordinator_client.post(
        reverse("roadmaps:action_create", args=[SLUG, 1]),
        {
            "axis": axes[0].pk,
            "title": "Guide du référent",
            "status": "a_venir",
            "priority": "haute",
            "progress": 0,
            **relations([partners["Cap emploi"]], publics, communes[:1]),
        },
    )
    assert response.status_code == 302
    created = Action.objects.get(title="Guide du référent")
    [record] = created.history.all()
    assert record.history_type == "+"
    assert [row.partner_id for row in record.partners.all()] == [partners["Cap emploi"].pk]
    assert {row.public_id for row in record.publics.all()} == {p.pk for p in publics}
    assert [row.commune_id for row in record.communes.all()] == [communes[0].pk]
    # the next change compares with what the action was created with
    post_update(coordinator_client, created, **relations([partners["Cap emploi"]], publics))
    latest = history.action_history(created)[0]
    assert relation_changes(latest) == {"communes": ([], ["Angoulême"])}


def test_a_refused_concurrent_save_records_nothing(
    client, coordinator, staff, action, partners, publics
):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    client.force_login(coordinator)
    response = client.post(
        url, action_data(action, version=1, **relations([partners["Cap emploi"]], publics[:1]))
    )
    assert response.status_code == 302
    records = list(action.history.values_list("history_id", flat=True))
    rows = {
        name: apps.get_model("roadmaps", f"HistoricalAction_{name}").objects.count()
        for name in ("partners", "publics", "communes")
    }

    client.force_login(staff)
    response = client.post(
        url, action_data(action, version=1, **relations([partners["Mission locale"]], publics))
    )
    assert response.status_code == 409
    assert list(action.history.values_list("history_id", flat=True)) == records
    assert rows == {
        name: apps.get_model("roadmaps", f"HistoricalAction_{name}").objects.count()
        for name in ("partners", "publics", "communes")
    }
    assert list(action.partners.all()) == [partners["Cap emploi"]]
    assert list(action.publics.all()) == publics[:1]
    # the page says what the other person changed, relations included
    conflict = {change.field: change for change in response.context["conflict"]}
    assert (conflict["partners"].old, conflict["partners"].new) == ("—", "Cap emploi")
    assert conflict["partners"].user == coordinator
    assert "Partenaires contributeurs" in response.text


def test_after_a_conflict_the_other_persons_relations_are_kept(
    client, coordinator, staff, action, partners
):
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    client.force_login(coordinator)
    client.post(url, action_data(action, version=1, **relations([partners["Cap emploi"]])))
    client.force_login(staff)
    response = client.post(url, action_data(action, version=1, funders="Département"))
    assert response.status_code == 409
    form = response.context["form"]
    assert [str(pk) for pk in form["partners"].value()] == [str(partners["Cap emploi"].pk)]
    data = {key: form.data.getlist(key) for key in form.data}
    response = client.post(url, data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.funders, list(action.partners.all())) == (
        "Département",
        [partners["Cap emploi"]],
    )
    latest = history.action_history(action)[0]
    assert latest.user == staff
    assert [c.field for c in latest.changes] == ["funders"]  # the partner is not re-added


def test_service_guard_writes_no_record_and_no_relation(action, coordinator, partners):
    Action.objects.filter(pk=action.pk).update(version=5)
    form = ActionForm(
        action_data(action, **relations([partners["Cap emploi"]])),
        instance=action,
        roadmap=action.axis.roadmap,
    )
    assert form.is_valid(), form.errors
    with pytest.raises(writes.ConcurrentEdit):
        writes.save_action(form=form, expected_version=1, by=coordinator)
    assert action.history.count() == 1
    assert not action.partners.exists()


def test_changes_made_from_the_partner_side_are_recorded_on_the_action(action, partners, staff):
    partner = partners["Mission locale"]
    partner.contributed_actions.add(action)
    assert relation_changes(history.action_history(action)[0]) == {
        "partners": (["Mission locale"], [])
    }
    partner.contributed_actions.clear()
    assert relation_changes(history.action_history(action)[0]) == {
        "partners": ([], ["Mission locale"])
    }


def test_a_deleted_partner_is_named_as_such(coordinator_client, action, partners):
    post_update(coordinator_client, action, **relations([partners["Cap emploi"]]))
    post_update(coordinator_client, action, **relations([]))
    partners["Cap emploi"].delete()
    entries = [e for e in history.action_history(action) if e.relation_changes]
    assert entries[0].relation_changes[0].summary.startswith("retiré partenaire supprimé (n° ")


def test_relations_from_before_the_migration_are_not_shown_as_added(
    coordinator_client, coordinator, action, partners, communes
):
    """Migration 0002 gives actions with relations a baseline record: no false "ajouté"."""
    # relations set before they were recorded: the records hold none
    action.skip_history_when_saving = True
    action.partners.add(partners["Cap emploi"], partners["Mission locale"])
    action.communes.add(communes[0])
    del action.skip_history_when_saving
    migration = importlib.import_module("roadmaps.migrations.0002_action_history_m2m")
    migration.record_current_relations(apps, None)

    baseline = action.history.first()
    assert baseline.history_change_reason == M2M_BASELINE_REASON
    assert baseline.partners.count() == 2
    assert not any(e.relation_changes for e in history.action_history(action))

    post_update(coordinator_client, action, **relations([partners["Mission locale"]], (), communes))
    latest = history.action_history(action)[0]
    assert latest.user == coordinator
    assert relation_changes(latest) == {
        "partners": ([], ["Cap emploi"]),
        "communes": (["Champniers", "Soyaux"], []),
    }


def build_history(action, partners, publics, communes, saves, coordinator):
    """`saves` records that each change the three relations, the pilot and the coordinator,
    and as many steps; an indicator with a value."""
    everyone = list(partners.values())
    for n in range(saves):
        with action.one_history_record():
            action.version += 1
            action.pilot_partner = everyone[n % 3]
            action.coordinator = coordinator if n % 2 else None
            save_by(action, by=coordinator)
            action.partners.set(everyone[n % 3 : n % 3 + 2])
            action.publics.set(publics[n % 2 :])
            action.communes.set(communes[: n % 3 + 1])
        StepFactory(action=action, title=f"Étape {n}")
    IndicatorValue.objects.create(
        indicator=IndicatorFactory(action=action), date=datetime.date(2024, 1, 1), value=10
    )


# 1 session, 2 user, 3 territory, 4 memberships with their territories (roles and menu),
# 5 action, 6 steps, 7 indicators, 8 their values, 9 progress updates, 10-12 partners, publics
# and communes of the action; history: 13 records, 14 step records, 15-17 recorded partners,
# publics and communes, 18 axes, 19 users, 20 partner names, 21 public names, 22 commune names;
# 23 companies' needs linked to the action; 24 signaux faibles it takes into account;
# 25-26 axes of the "move to" form.
ACTION_PAGE_QUERIES = 26


@pytest.mark.parametrize("saves", [2, 40])
def test_action_page_query_count_does_not_grow_with_the_history(
    coordinator_client,
    coordinator,
    action,
    partners,
    publics,
    communes,
    saves,
    django_assert_num_queries,
):
    build_history(action, partners, publics, communes, saves, coordinator)
    with django_assert_num_queries(ACTION_PAGE_QUERIES):
        response = coordinator_client.get(action.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count("<strong>Partenaires contributeurs</strong>") == saves
