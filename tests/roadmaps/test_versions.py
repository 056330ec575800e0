"""Versions frozen at validation, and what changed between two of them or since one: every
part of the roadmap (title, diagnostic and its indicators, stakes, objectives, axes, actions,
action indicators), each kind of change, and the versions frozen before (format 1)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bench._data import build_large
from roadmaps.models import Action, Axis, DiagnosticIndicator, Indicator, Roadmap, RoadmapVersion
from roadmaps.services import versions, writes
from roadmaps.templatetags.roadmap_versions import word_diff
from tests.factories import ActionFactory, AxisFactory, IndicatorFactory, PartnerFactory

SLUG = "grand-angouleme"


@pytest.fixture
def full(roadmap, actions, territory):
    """The small roadmap with texts, a diagnostic indicator, a pilot, partners and an indicator."""
    roadmap.diagnostic = "Beaucoup de services, peu lisibles."
    roadmap.stakes = "Rendre l'offre lisible.\nMailler les communes."
    roadmap.objectives = "Un référent par commune."
    roadmap.period = "2022-2026"
    roadmap.save()
    DiagnosticIndicator.objects.create(
        roadmap=roadmap, label="Taux de chômage", value=Decimal("7.9"), unit="%", year=2021
    )
    micro = actions[0]
    micro.description = "Des forums dans les communes."
    micro.pilot_name = "Service emploi"
    micro.save()
    micro.partners.set([PartnerFactory(territory=territory, name="Mission locale")])
    IndicatorFactory(action=micro, label="Participants", unit="personnes", target=400)
    return roadmap


def freeze(roadmap):
    return versions.snapshot(roadmap)


def changed(before, roadmap):
    """The comparison of `before` with the roadmap now."""
    return versions.compare(before, versions.snapshot(roadmap))


def kinds(comparison):
    return sorted(change.kind for change in comparison.changes)


def only(comparison, kind):
    (change,) = [change for change in comparison.changes if change.kind == kind]
    return change


# --- Validation ----------------------------------------------------------------------------


def test_validating_freezes_a_named_dated_version(coordinator_client, actions, roadmap):
    response = coordinator_client.post(
        reverse("roadmaps:validate", args=[SLUG]),
        {"name": "Comité de mars", "validated_on": "2024-03-12", "validated_by": "conseil"},
    )
    assert response.status_code == 302
    version = RoadmapVersion.objects.get()
    assert (version.name, version.validated_on) == ("Comité de mars", datetime.date(2024, 3, 12))
    assert [a["code"] for a in version.snapshot["actions"]] == ["1.1", "1.2", "2.1"]
    roadmap.refresh_from_db()
    assert roadmap.status == Roadmap.Status.VALIDATED
    assert roadmap.validated_by == "conseil"


def test_validation_with_bad_input_creates_nothing(coordinator_client, actions):
    response = coordinator_client.post(
        reverse("roadmaps:validate", args=[SLUG]), {"name": "", "validated_on": "hier"}
    )
    assert response.status_code == 400
    assert not RoadmapVersion.objects.exists()


def test_snapshot_covers_the_whole_roadmap_in_format_2(full):
    snap = versions.snapshot(full)
    assert snap["format"] == 2
    assert snap["roadmap"]["period"] == "2022-2026"
    assert snap["stakes"] == "Rendre l'offre lisible.\nMailler les communes."
    assert snap["diagnostic"] and snap["objectives"]
    assert [(f["label"], f["value"], f["unit"]) for f in snap["facts"]] == [
        ("Taux de chômage", "7.90", "%")
    ]
    assert [a["title"] for a in snap["axes"]] == [
        "Accompagner les jeunes",
        "Faciliter le recrutement",
    ]
    micro = snap["actions"][0]
    assert (micro["description"], micro["pilot"], micro["partners"]) == (
        "Des forums dans les communes.",
        "Service emploi",
        ["Mission locale"],
    )
    assert [(i["action"], i["label"], i["target"]) for i in snap["indicators"]] == [
        ("1.1", "Participants", "400.00")
    ]


# --- Each kind of change -------------------------------------------------------------------


def test_identical_snapshots_compare_empty(full):
    snap = freeze(full)
    comparison = versions.compare(snap, snap)
    assert comparison.is_empty and comparison.count == 0
    assert all(not part.note for part in comparison.parts)


def test_title_and_period_changed(full):
    before = freeze(full)
    full.title, full.period = "Feuille de route 2026", "2026-2030"
    full.save()
    comparison = changed(before, full)
    assert kinds(comparison) == ["period", "title"]
    assert (only(comparison, "period").before, only(comparison, "period").after) == (
        "2022-2026",
        "2026-2030",
    )


def test_a_new_stake_is_an_added_paragraph(full):
    before = freeze(full)
    full.stakes += "\nRépondre aux difficultés de recrutement, devenues le principal problème."
    full.save()
    change = only(changed(before, full), "stakes")
    assert change.diff == [
        {
            "op": "added",
            "text": "Répondre aux difficultés de recrutement, devenues le principal problème.",
            "words": [],
        }
    ]


def test_stakes_reworded_shows_the_words_added_and_removed(full):
    before = freeze(full)
    full.stakes = "Rendre l'offre d'emploi claire.\nMailler les communes."
    full.save()
    (paragraph,) = only(changed(before, full), "stakes").diff
    assert paragraph["op"] == "changed"
    assert paragraph["words"] == [
        ("same", "Rendre l'offre "),
        ("removed", "lisible"),
        ("added", "d'emploi claire"),
        ("same", "."),
    ]
    html = word_diff(paragraph["words"] + [("added", "<b>")])
    assert html == (
        "Rendre l&#x27;offre "
        '<del><span class="visually-hidden">[retiré : </span>lisible'
        '<span class="visually-hidden">]</span></del>'
        '<ins><span class="visually-hidden">[ajouté : </span>d&#x27;emploi claire'
        '<span class="visually-hidden">]</span></ins>.'
        '<ins><span class="visually-hidden">[ajouté : </span>&lt;b&gt;'
        '<span class="visually-hidden">]</span></ins>'
    )


def test_a_new_stake_first_a_stake_reworded_and_one_replaced():
    before = (
        "Rendre l'offre lisible pour les habitants.\nMailler les communes.\nAider les entreprises."
    )
    after = (
        "Répondre aux difficultés de recrutement.\n"
        "Rendre l'offre lisible pour les habitants et les candidats.\n"
        "Mailler les communes.\n"
        "Attirer des candidats."
    )
    assert [(p["op"], p["text"]) for p in versions.text_diff(before, after)] == [
        ("added", "Répondre aux difficultés de recrutement."),
        ("changed", "Rendre l'offre lisible pour les habitants et les candidats."),
        ("added", "Attirer des candidats."),
        ("removed", "Aider les entreprises."),
    ]


def test_a_stake_removed(full):
    before = freeze(full)
    full.stakes = "Rendre l'offre lisible."
    full.save()
    diff = only(changed(before, full), "stakes").diff
    assert diff == [{"op": "removed", "text": "Mailler les communes.", "words": []}]


def test_diagnostic_text_and_objectives_changed(full):
    before = freeze(full)
    full.diagnostic = "Beaucoup de services, peu lisibles. Le recrutement est devenu difficile."
    full.objectives = "Un référent par commune, un forum par bassin."
    full.save()
    comparison = changed(before, full)
    assert kinds(comparison) == ["diagnostic_text", "objectives"]


def test_only_line_breaks_and_spaces_changed_is_no_change(full):
    before = freeze(full)
    full.objectives = "  Un   référent par commune.  "
    full.save()
    assert changed(before, full).is_empty


def test_diagnostic_indicator_value_changed(full):
    before = freeze(full)
    DiagnosticIndicator.objects.filter(roadmap=full).update(value=Decimal("6.8"), year=2023)
    change = only(changed(before, full), "fact_value")
    assert (change.text, change.before, change.after) == (
        "Taux de chômage : valeur",
        "7,9 % (2021)",
        "6,8 % (2023)",
    )


def test_diagnostic_indicator_added_removed_renamed_and_source(full):
    before = freeze(full)
    fact = full.facts.get()
    fact.label, fact.source = "Taux de chômage (zone d'emploi)", "INSEE"
    fact.save()
    DiagnosticIndicator.objects.create(roadmap=full, label="Habitants", value=141000)
    comparison = changed(before, full)
    assert kinds(comparison) == ["fact_added", "fact_renamed", "fact_source"]
    assert only(comparison, "fact_added").after == "141000"
    full.facts.filter(label="Habitants").delete()
    after_adding = freeze(full)
    DiagnosticIndicator.objects.filter(roadmap=full).delete()
    assert kinds(changed(after_adding, full)) == ["fact_removed"]


def test_a_diagnostic_indicator_typed_again_is_the_same_one(full):
    before = freeze(full)
    DiagnosticIndicator.objects.filter(roadmap=full).delete()
    DiagnosticIndicator.objects.create(
        roadmap=full, label="Taux de chômage", value=Decimal("7.1"), unit="%", year=2021
    )
    assert kinds(changed(before, full)) == ["fact_value"]


def test_axis_renamed(full, axes):
    before = freeze(full)
    axes[1].title = "Répondre aux difficultés de recrutement"
    axes[1].save()
    change = only(changed(before, full), "axis_renamed")
    assert (change.text, change.before, change.after) == (
        "Axe 2 renommé",
        "Faciliter le recrutement",
        "Répondre aux difficultés de recrutement",
    )


def test_axis_added_removed_renumbered_and_objectives(full, axes):
    before = freeze(full)
    writes.move_axis(axis=axes[1], direction=-1)
    Axis.objects.filter(pk=axes[0].pk).update(objectives="Aucun jeune sans solution.")
    AxisFactory(roadmap=full, number=3, title="Organiser le réseau")
    comparison = changed(before, full)
    assert kinds(comparison) == [
        "axis_added",
        "axis_objectives",
        "axis_renumbered",
        "axis_renumbered",
    ]
    assert only(comparison, "axis_added").text == "Axe 3 ajouté : Organiser le réseau"
    later = freeze(full)
    Axis.objects.filter(number=3).delete()
    assert [c.text for c in changed(later, full).changes] == ["Axe 3 retiré : Organiser le réseau"]


def test_axes_of_a_roadmap_with_chantiers_cles(full, axes):
    full.axis_label = Roadmap.AxisLabel.WORKSTREAM
    full.save()
    before = freeze(full)
    axes[0].title = "Les jeunes"
    axes[0].save()
    comparison = changed(before, full)
    assert comparison.part("axes").title == "Chantiers clés"
    assert only(comparison, "axis_renamed").text == "Chantier clé 1 renommé"


def test_compare_added_removed_moved_replanned_and_status(actions, axes, roadmap, coordinator):
    march = versions.validate_roadmap(
        roadmap=roadmap, name="Mars", validated_on=datetime.date(2024, 3, 1), by=coordinator
    )
    micro, mentoring, branding = actions
    writes.move_action_to_axis(action=mentoring, axis=axes[1], by=coordinator)
    branding.refresh_from_db()
    branding.end_date = datetime.date(2025, 12, 31)
    branding.status = Action.Status.IN_PROGRESS
    branding.save()
    added = ActionFactory(axis=axes[0], number=5, title="Guide du référent")
    Action.objects.filter(pk=micro.pk).delete()

    comparison = versions.compare(march.snapshot, versions.snapshot(roadmap))
    assert [a["title"] for a in comparison.added] == [added.title]
    assert [a["title"] for a in comparison.removed] == ["Micro-forums pour l'emploi"]
    assert [(a["title"], a["before"], a["after"]) for a in comparison.moved] == [
        ("Parrainage", "1. Accompagner les jeunes", "2. Faciliter le recrutement")
    ]
    assert [(a["title"], a["before"], a["after"]) for a in comparison.replanned] == [
        ("Marque employeur", "du 01/01/2020 au 30/06/2020", "du 01/01/2020 au 31/12/2025")
    ]
    assert [(a["title"], a["before"], a["after"]) for a in comparison.status_changed] == [
        ("Marque employeur", "à venir", "en cours")
    ]
    assert kinds(comparison) == [
        "action_added",
        "action_moved",
        "action_removed",
        "action_replanned",
        "action_status",
    ]
    assert only(comparison, "action_added").text == "Action ajoutée : 1.5 Guide du référent"


def test_action_renamed_new_pilot_partners_and_description(full, actions, territory):
    before = freeze(full)
    micro = actions[0]
    micro.title = "Micro-forums dans les communes"
    micro.pilot_name = ""
    micro.pilot_partner = PartnerFactory(territory=territory, name="France Travail")
    micro.description = "Des forums dans les communes et les quartiers."
    micro.save()
    micro.partners.add(PartnerFactory(territory=territory, name="Cap emploi"))
    comparison = changed(before, full)
    assert kinds(comparison) == [
        "action_description",
        "action_partners",
        "action_pilot",
        "action_renamed",
    ]
    pilot = only(comparison, "action_pilot")
    assert (pilot.text, pilot.before, pilot.after) == (
        "1.1 Micro-forums dans les communes : pilote",
        "Service emploi",
        "France Travail",
    )
    partners = only(comparison, "action_partners")
    assert (partners.before, partners.after) == ("Mission locale", "Cap emploi, Mission locale")
    words = only(comparison, "action_description").diff[0]["words"]
    assert ("added", "et les quartiers") in words


def test_indicator_target_changed(full):
    before = freeze(full)
    Indicator.objects.update(target=600)
    change = only(changed(before, full), "indicator_target")
    assert (change.text, change.before, change.after) == (
        "1.1 Participants : cible",
        "400 personnes",
        "600 personnes",
    )


def test_indicator_added_removed_baseline_and_label(full, actions):
    before = freeze(full)
    Indicator.objects.update(baseline=50, label="Participants aux forums")
    IndicatorFactory(action=actions[2], label="Entreprises engagées", unit="", target=12)
    comparison = changed(before, full)
    assert kinds(comparison) == ["indicator_added", "indicator_baseline", "indicator_renamed"]
    added = only(comparison, "indicator_added")
    assert (added.text, added.after) == ("Indicateur ajouté : 2.1 Entreprises engagées", "cible 12")
    later = freeze(full)
    Indicator.objects.filter(label="Entreprises engagées").delete()
    assert kinds(changed(later, full)) == ["indicator_removed"]


# --- Versions frozen before (format 1) and the dashboard's partial copy --------------------


def format_1(snap):
    """What a version frozen before held: axes (id, number, title) and actions."""
    keys = [
        "id",
        "axis_id",
        "axis",
        "code",
        "title",
        "status",
        "start_date",
        "end_date",
        "progress",
    ]
    return {
        "axes": [{k: axis[k] for k in ("id", "number", "title")} for axis in snap["axes"]],
        "actions": [{k: action[k] for k in keys} for action in snap["actions"]],
    }


def test_a_format_1_version_compares_without_error(full, actions, axes):
    old = format_1(freeze(full))
    axes[0].title = "Les jeunes"
    axes[0].save()
    actions[2].status = Action.Status.DONE
    actions[2].description = "Tout neuf."
    actions[2].save()
    comparison = changed(old, full)
    assert kinds(comparison) == ["action_status", "axis_renamed"]  # description: not recorded
    notes = {part.key: part.note for part in comparison.parts}
    assert notes["stakes"] == "Non enregistré dans la version de départ."
    assert notes["diagnostic"] == notes["indicators"] == notes["general"] == notes["stakes"]
    assert notes["axes"] == notes["actions"] == ""
    reverse_notes = {part.key: part.note for part in versions.compare(freeze(full), old).parts}
    assert reverse_notes["stakes"] == "Non enregistré dans la version d'arrivée."


def test_the_dashboard_partial_copy_leaves_out_what_it_lacks(full, actions, axes):
    before = freeze(full)
    Indicator.objects.update(target=600)
    actions[0].description = "Autre chose."
    actions[0].save()
    axes[0].title = "Les jeunes"
    axes[0].save()
    overview_actions = list(Action.objects.for_roadmap_page(full))
    axes_now = list(full.axes.all())
    for action in overview_actions:
        action.axis = next(axis for axis in axes_now if axis.pk == action.axis_id)
    partial = versions.snapshot(full, actions=overview_actions, axes=axes_now)
    comparison = versions.compare(before, partial)
    assert kinds(comparison) == ["axis_renamed"]
    assert "indicators" not in {part.key for part in comparison.parts}
    assert all(not part.note for part in comparison.parts)


# --- The versions page ---------------------------------------------------------------------


def test_versions_page_compares_a_version_with_today(referent_client, full, actions):
    version = versions.validate_roadmap(
        roadmap=full, name="Février 2022", validated_on=datetime.date(2022, 2, 17)
    )
    ActionFactory(axis=actions[0].axis, number=9, title="Campagne marque employeur")
    full.stakes += "\nLe recrutement est devenu le principal problème."
    full.save()
    Indicator.objects.update(target=600)
    url = reverse("roadmaps:versions", args=[SLUG])
    response = referent_client.get(url, {"de": version.pk, "a": "aujourdhui"})
    assert response.status_code == 200
    page = response.text
    assert "jusqu'à aujourd'hui" in page and "3 changements" in page
    assert "Action ajoutée : 1.9 Campagne marque employeur" in page
    assert "Le recrutement est devenu le principal problème." in page and "<ins>" in page
    assert "1.1 Participants : cible" in page and "400 personnes" in page


def test_versions_page_compares_two_versions(referent_client, actions, roadmap):
    first = versions.validate_roadmap(
        roadmap=roadmap, name="V1", validated_on=datetime.date(2022, 1, 1)
    )
    actions[2].status = Action.Status.ABANDONED
    actions[2].save()
    second = versions.validate_roadmap(
        roadmap=roadmap, name="V2", validated_on=datetime.date(2023, 1, 1)
    )
    response = referent_client.get(
        reverse("roadmaps:versions", args=[SLUG]), {"de": first.pk, "a": second.pk}
    )
    assert "1 changement" in response.text
    assert "2.1 Marque employeur : statut" in response.text
    assert "à venir" in response.text and "abandonnée" in response.text


def test_versions_page_says_what_an_old_version_did_not_record(referent_client, full):
    version = versions.validate_roadmap(
        roadmap=full, name="Ancienne", validated_on=datetime.date(2022, 1, 1)
    )
    RoadmapVersion.objects.filter(pk=version.pk).update(snapshot=format_1(version.snapshot))
    response = referent_client.get(
        reverse("roadmaps:versions", args=[SLUG]), {"de": version.pk, "a": "aujourdhui"}
    )
    assert response.status_code == 200
    assert "Non enregistré dans la version de départ." in response.text


def test_versions_page_rejects_unknown_versions(referent_client, actions, roadmap, other_roadmap):
    versions.validate_roadmap(roadmap=roadmap, name="V1", validated_on=datetime.date(2022, 1, 1))
    foreign = versions.validate_roadmap(
        roadmap=other_roadmap, name="Autre", validated_on=datetime.date(2022, 1, 1)
    )
    url = reverse("roadmaps:versions", args=[SLUG])
    assert referent_client.get(url, {"de": foreign.pk, "a": "aujourdhui"}).status_code == 400
    assert referent_client.get(url, {"de": "abc", "a": "x"}).status_code == 400


@pytest.mark.parametrize("size", ["small", "large"])
def test_versions_page_query_count(referent_client, full, django_assert_num_queries, size):
    first = versions.validate_roadmap(
        roadmap=full, name="V1", validated_on=datetime.date(2022, 1, 1)
    )
    if size == "large":
        build_large(full)
        for year in range(2023, 2033):
            versions.validate_roadmap(
                roadmap=full, name=f"V{year}", validated_on=datetime.date(year, 1, 1)
            )
    url = reverse("roadmaps:versions", args=[SLUG])
    # 1 session, 2 user, 3 memberships with their territories, 4 roadmap with its territory,
    # 5 versions with who recorded them, 6 their signals; today: 7 axes, 8 actions, 9 step
    # counts, 10 partners, 11 diagnostic indicators, 12 action indicators
    with django_assert_num_queries(12):
        response = referent_client.get(url, {"de": first.pk, "a": "aujourdhui"})
    assert response.status_code == 200
