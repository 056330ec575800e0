"""Signaux faibles: recording one (any member, bad input refused), editing it (its author or the
coordination, optimistic locking), triage and its rules, an action in one step (all or nothing),
grouping, the history, and the agenda of the next rendez-vous. Who may reach which page is the
access matrix's (tests/security/test_access_matrix.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Theme
from portal.models import Commune
from roadmaps.detectors import evidence_table
from roadmaps.models import Action, Signal
from tests.conftest import submission_token
from tests.factories import (
    EstablishmentFactory,
    MeetingFactory,
    PartnerFactory,
    SignalFactory,
)

SLUG = "grand-angouleme"
TODAY = timezone.localdate


def url(name, *args):
    return reverse(f"roadmaps:{name}", args=[SLUG, *args])


def minimal(**extra):
    return {
        "text": "Trois employeurs cherchent des soudeurs",
        "observed_on": TODAY().isoformat(),
        "source": "echange",
        **extra,
    }


def edit_data(signal, **extra):
    return {
        "text": signal.text,
        "observed_on": signal.observed_on.isoformat(),
        "source": signal.source,
        "version": signal.version,
        **extra,
    }


@pytest.fixture
def signal(territory, referent):
    return SignalFactory(territory=territory, author=referent, text="Une usine ferme à Soyaux")


# --- Recording -----------------------------------------------------------------------------


def test_a_referent_records_a_signal_with_the_short_form(referent_client, referent, territory):
    page = referent_client.get(url("signal_create"))
    assert page.status_code == 200
    assert "jamais le nom ni l'identité d'une personne" in page.text
    assert f'value="{TODAY().isoformat()}"' in page.text  # observed today by default
    response = referent_client.post(url("signal_create"), minimal())
    signal = Signal.objects.get()
    assert response.status_code == 302 and response["Location"] == signal.get_absolute_url()
    assert (signal.territory, signal.author, signal.status) == (territory, referent, "nouveau")
    assert signal.history.count() == 1
    assert not signal.raised_by_portal


def test_every_optional_field_is_the_territorys(coordinator_client, territory, communes):
    soyaux = communes[1]
    partner = PartnerFactory(territory=territory, name="Mission locale")
    establishment = EstablishmentFactory(commune=communes[0])
    category = Theme.objects.categories().order_by("pk").first()
    response = coordinator_client.post(
        url("signal_create"),
        minimal(
            communes=[soyaux.pk],
            naf="C",
            sector="mécatronique",
            themes=[category.pk],
            siret=f"{establishment.siret[:3]} {establishment.siret[3:]}",
            partners=[partner.pk],
        ),
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert list(signal.communes.all()) == [soyaux]
    assert (signal.naf_id, signal.sector, signal.establishment) == (
        "C",
        "mécatronique",
        establishment,
    )
    assert list(signal.themes.all()) == [category]
    assert list(signal.partners.all()) == [partner]
    page = coordinator_client.get(signal.get_absolute_url()).text
    assert "Soyaux" in page and "Mission locale" in page and "mécatronique" in page


def test_the_form_is_prefilled_from_an_establishment_or_a_rendez_vous(referent_client, communes):
    establishment = EstablishmentFactory(commune=communes[0])
    page = referent_client.get(
        url("signal_create"), {"etablissement": establishment.siret, "source": "echange"}
    ).text
    assert f'value="{establishment.siret}"' in page
    assert '<option value="echange" selected>' in page
    page = referent_client.get(url("signal_create"), {"source": "portail"}).text
    assert 'value="portail"' not in page  # only the portal raises those


def test_an_establishment_page_links_to_signaler(referent_client, communes):
    establishment = EstablishmentFactory(commune=communes[0])
    page = referent_client.get(establishment.get_absolute_url()).text
    link = url("signal_create") + f"?etablissement={establishment.siret}&amp;source=echange"
    assert link in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "Dites en quelques mots ce qui a été observé."),
        ({"text": "x" * 1001}, "1000 caractères"),
        ({"source": ""}, "Dites d&#x27;où vient le signal."),
        ({"source": "portail"}, "Sélectionnez un choix valide"),
        ({"observed_on": "hier"}, "Indiquez une date"),
        ({"observed_on": "2099-01-01"}, "ce qui a déjà été observé"),
        ({"observed_on": "2001-01-01"}, "trop ancienne"),
        ({"communes": ["other"]}, "pas dans le territoire"),
        ({"sector": "viticulture"}, "Sélectionnez un choix valide"),
        ({"naf": "62.01Z"}, "Sélectionnez un choix valide"),
        ({"siret": "1234"}, "Un SIRET compte 14 chiffres."),
        ({"siret": "other"}, "Aucun établissement de ce SIRET dans le registre du territoire."),
    ],
)
def test_bad_input_gets_a_french_message_and_writes_nothing(
    referent_client, other_territory, data, message
):
    bergerac = Commune.objects.get(insee_code="24037")
    if data.get("communes") == ["other"]:
        data = {"communes": [bergerac.pk]}
    if data.get("siret") == "other":
        data = {"siret": EstablishmentFactory(commune=bergerac).siret}
    response = referent_client.post(url("signal_create"), minimal(**data))
    assert response.status_code == 400
    assert message in response.text
    assert not Signal.objects.exists()


def test_another_territorys_member_gets_404(other_coordinator_client, signal):
    assert other_coordinator_client.get(url("signal_create")).status_code == 404
    assert other_coordinator_client.get(url("signal", signal.pk)).status_code == 404
    # nor under the slug of a territory they belong to
    other = reverse("roadmaps:signal", args=["grand-bergeracois", signal.pk])
    assert other_coordinator_client.get(other).status_code == 404


def test_the_pages_work_without_a_roadmap(coordinator_client, signal):
    assert coordinator_client.get(url("signals")).status_code == 200
    assert coordinator_client.get(url("signal", signal.pk)).status_code == 200
    response = coordinator_client.get(url("signal_action", signal.pk))
    assert response.status_code == 302  # back to the signal, with a message


# --- Editing -------------------------------------------------------------------------------


def test_the_author_edits_their_signal_not_another_members(
    referent_client, signal, territory, coordinator
):
    response = referent_client.post(
        url("signal_update", signal.pk), edit_data(signal, text="Une usine ferme à Soyaux (40)")
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert (signal.text, signal.version) == ("Une usine ferme à Soyaux (40)", 2)
    theirs = SignalFactory(territory=territory, author=coordinator)
    assert referent_client.get(url("signal_update", theirs.pk)).status_code == 403
    assert (
        referent_client.post(url("signal_update", theirs.pk), edit_data(theirs)).status_code == 403
    )


def test_an_edit_from_an_outdated_version_is_refused(coordinator_client, signal):
    stale = edit_data(signal, text="Ma version")
    coordinator_client.post(url("signal_update", signal.pk), edit_data(signal, text="La leur"))
    response = coordinator_client.post(url("signal_update", signal.pk), stale)
    assert response.status_code == 409
    assert "modifié ou trié pendant que vous le modifiiez" in response.text
    signal.refresh_from_db()
    assert (signal.text, signal.version) == ("La leur", 2)
    # the form shows the user's input with the current version: sending it again is deliberate
    assert 'name="version" value="2"' in response.text and "Ma version" in response.text
    missing = edit_data(signal, text="Sans version")
    del missing["version"]
    assert coordinator_client.post(url("signal_update", signal.pk), missing).status_code == 409


def test_an_edit_of_a_triaged_signal_from_before_the_triage_is_refused(coordinator_client, signal):
    stale = edit_data(signal, text="Modifié")
    coordinator_client.post(
        url("signal_triage", signal.pk), {"status": "a_examiner", "version": signal.version}
    )
    assert coordinator_client.post(url("signal_update", signal.pk), stale).status_code == 409
    signal.refresh_from_db()
    assert (signal.text, signal.status) == ("Une usine ferme à Soyaux", "a_examiner")


# --- Triage --------------------------------------------------------------------------------


def triage(client, signal, **data):
    signal.refresh_from_db()
    return client.post(url("signal_triage", signal.pk), {"version": signal.version, **data})


def test_a_referent_cannot_triage_group_or_make_an_action(referent_client, signal, actions):
    for name in ("signal_triage", "signal_action", "signal_group"):
        assert referent_client.get(url(name, signal.pk)).status_code == 403
        assert referent_client.post(url(name, signal.pk), {"status": "classe"}).status_code == 403
    assert referent_client.post(url("signal_ungroup", signal.pk)).status_code == 403
    signal.refresh_from_db()
    assert (signal.status, signal.version) == ("nouveau", 1)


def test_triage_to_examine_then_taken_into_account(
    coordinator_client, coordinator, signal, actions
):
    page = coordinator_client.get(url("signal_triage", signal.pk)).text
    assert '<option value="a_examiner" selected>' in page  # the next step is suggested
    assert triage(coordinator_client, signal, status="a_examiner").status_code == 302
    signal.refresh_from_db()
    assert (signal.status, signal.triaged_by) == ("a_examiner", coordinator)
    response = triage(coordinator_client, signal, status="pris_en_compte", actions=[actions[1].pk])
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == "pris_en_compte"
    assert list(signal.actions.all()) == [actions[1]]
    assert actions[1].title in coordinator_client.get(url("signal", signal.pk)).text
    action_page = coordinator_client.get(actions[1].get_absolute_url()).text
    assert "Signaux faibles pris en compte" in action_page and signal.text in action_page


def test_taken_into_account_needs_an_action_of_the_current_roadmap(
    coordinator_client, signal, actions, other_roadmap
):
    response = triage(coordinator_client, signal, status="pris_en_compte")
    assert response.status_code == 400
    assert "cochez au moins une action" in response.text
    foreign = Action.objects.get(axis__roadmap=other_roadmap)
    response = triage(coordinator_client, signal, status="pris_en_compte", actions=[foreign.pk])
    assert response.status_code == 400
    signal.refresh_from_db()
    assert (signal.status, signal.version, signal.actions.count()) == ("nouveau", 1, 0)


def test_without_a_roadmap_a_signal_cannot_be_taken_into_account(coordinator_client, signal):
    response = triage(coordinator_client, signal, status="pris_en_compte")
    assert response.status_code == 400
    assert "pas de feuille de route en cours" in response.text
    assert triage(coordinator_client, signal, status="a_examiner").status_code == 302


def test_filing_needs_a_reason(coordinator_client, signal):
    response = triage(coordinator_client, signal, status="classe", filed_reason="  ")
    assert response.status_code == 400
    assert "Dites pourquoi le signal est classé." in response.text
    signal.refresh_from_db()
    assert signal.status == "nouveau"
    triage(coordinator_client, signal, status="classe", filed_reason="Déjà traité par la CCI")
    signal.refresh_from_db()
    assert (signal.status, signal.filed_reason) == ("classe", "Déjà traité par la CCI")
    triage(coordinator_client, signal, status="a_examiner")  # reopened: the reason goes
    signal.refresh_from_db()
    assert (signal.status, signal.filed_reason) == ("a_examiner", "")


def test_a_stale_triage_is_refused(coordinator_client, signal):
    data = {"status": "classe", "filed_reason": "Doublon", "version": signal.version}
    triage(coordinator_client, signal, status="a_examiner")
    response = coordinator_client.post(url("signal_triage", signal.pk), data, follow=True)
    assert "pendant que vous le triiez" in response.text
    signal.refresh_from_db()
    assert signal.status == "a_examiner"


# --- An action in one step -----------------------------------------------------------------


def test_a_signal_becomes_a_new_action_in_one_step(coordinator_client, signal, axes, actions):
    page = coordinator_client.get(url("signal_action", signal.pk)).text
    assert 'value="Une usine ferme à Soyaux"' in page  # the title, prefilled
    response = coordinator_client.post(
        url("signal_action", signal.pk),
        {
            "axis": axes[1].pk,
            "title": "Reclasser les salariés de l'usine",
            "signal_version": 1,
            "submission": submission_token(page),
        },
    )
    action = Action.objects.get(title="Reclasser les salariés de l'usine")
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert (action.axis, action.number) == (axes[1], 2)  # last of its axis
    signal.refresh_from_db()
    assert signal.status == "pris_en_compte"
    assert list(signal.actions.all()) == [action]


def test_the_action_in_one_step_is_all_or_nothing(
    coordinator_client, signal, axes, actions, monkeypatch
):
    def broken(signal, by):
        raise RuntimeError("panne au milieu")

    monkeypatch.setattr("roadmaps.services.signals._triaged", broken)
    with pytest.raises(RuntimeError):
        coordinator_client.post(
            url("signal_action", signal.pk),
            {"axis": axes[0].pk, "title": "Nouvelle action", "signal_version": 1},
        )
    assert not Action.objects.filter(title="Nouvelle action").exists()
    signal.refresh_from_db()
    assert (signal.status, signal.version, signal.actions.count()) == ("nouveau", 1, 0)


def test_the_action_in_one_step_refuses_bad_input_and_a_stale_signal(
    coordinator_client, signal, axes, other_roadmap
):
    count = Action.objects.count()
    foreign_axis = other_roadmap.axes.get()
    response = coordinator_client.post(
        url("signal_action", signal.pk),
        {"axis": foreign_axis.pk, "title": "", "signal_version": 1},
    )
    assert response.status_code == 400
    assert "Cet axe n&#x27;existe pas" in response.text and "Donnez un intitulé" in response.text
    triage(coordinator_client, signal, status="a_examiner")  # version 2 now
    coordinator_client.post(
        url("signal_action", signal.pk),
        {"axis": axes[0].pk, "title": "Trop tard", "signal_version": 1},
    )
    assert Action.objects.count() == count
    signal.refresh_from_db()
    assert signal.status == "a_examiner"


# --- Grouping ------------------------------------------------------------------------------


def test_grouped_signals_keep_their_author_and_date(
    coordinator_client, referent, coordinator, territory, signal
):
    earlier = TODAY() - datetime.timedelta(days=10)
    lead = SignalFactory(territory=territory, author=coordinator, text="Fermeture annoncée")
    follower = SignalFactory(territory=territory, author=referent, text="Plan social à Soyaux")
    follower_of_signal = SignalFactory(
        territory=territory, author=coordinator, text="Rumeur de fermeture", observed_on=earlier
    )
    Signal.objects.filter(pk=follower_of_signal.pk).update(grouped_into=signal)
    response = coordinator_client.post(url("signal_group", follower.pk), {"lead": lead.pk})
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    # a signal leading a group brings its group along: groups stay one level deep
    coordinator_client.post(url("signal_group", signal.pk), {"lead": lead.pk})
    assert set(lead.grouped.values_list("pk", flat=True)) == {
        follower.pk,
        signal.pk,
        follower_of_signal.pk,
    }
    page = coordinator_client.get(lead.get_absolute_url()).text
    assert "Plan social à Soyaux" in page and str(referent) in page
    assert earlier.strftime("%-d") in page
    log = coordinator_client.get(url("signals")).text
    assert log.count('class="signal card') == 1  # the lead; the others under it
    assert "3 signaux regroupés avec celui-ci" in log
    follower.refresh_from_db()
    assert (follower.author, follower.observed_on) == (referent, TODAY())


def test_grouping_into_a_grouped_signal_joins_its_lead(coordinator_client, territory, signal):
    lead = SignalFactory(territory=territory)
    SignalFactory(territory=territory, grouped_into=lead)
    member = lead.grouped.get()
    coordinator_client.post(url("signal_group", signal.pk), {"lead": lead.pk})
    signal.refresh_from_db()
    assert signal.grouped_into == lead
    other = SignalFactory(territory=territory)
    response = coordinator_client.post(url("signal_group", other.pk), {"lead": member.pk})
    assert response.status_code == 400  # a grouped signal is not offered as a lead
    assert not Signal.objects.filter(grouped_into=other).exists()


def test_grouping_refuses_a_signal_of_another_territory_and_itself(
    coordinator_client, other_territory, signal
):
    foreign = SignalFactory(territory=other_territory)
    for lead in (foreign.pk, signal.pk, ""):
        response = coordinator_client.post(url("signal_group", signal.pk), {"lead": lead})
        assert response.status_code == 400
    signal.refresh_from_db()
    assert signal.grouped_into is None


def test_ungrouping(coordinator_client, territory, signal):
    lead = SignalFactory(territory=territory)
    coordinator_client.post(url("signal_group", signal.pk), {"lead": lead.pk})
    assert coordinator_client.get(url("signal_ungroup", signal.pk)).status_code == 405
    response = coordinator_client.post(url("signal_ungroup", signal.pk))
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.grouped_into is None


# --- History -------------------------------------------------------------------------------


def test_the_history_says_who_did_what_and_when(
    as_persona, referent, coordinator, territory, actions, communes
):
    as_persona("referent").post(url("signal_create"), minimal(communes=[communes[0].pk]))
    signal = Signal.objects.get()
    coordinator_client = as_persona("coordinator")
    coordinator_client.post(
        url("signal_update", signal.pk),
        edit_data(signal, communes=[communes[0].pk, communes[1].pk], text="Quatre employeurs"),
    )
    triage(coordinator_client, signal, status="pris_en_compte", actions=[actions[0].pk])
    entries = coordinator_client.get(signal.get_absolute_url()).context["history"]
    assert [(entry.user, entry.label) for entry in entries] == [
        (coordinator, "modification du signal"),
        (coordinator, "modification du signal"),
        (referent, "signal enregistré"),
    ]
    triaged, edited = entries[0], entries[1]
    assert {c.label: (c.old, c.new) for c in triaged.field_changes}["statut"] == (
        "nouveau",
        "pris en compte",
    )
    assert [c.summary for c in triaged.relation_changes] == [f"ajoutée {actions[0]}"]
    assert {c.label: c.new for c in edited.field_changes}["ce qui a été observé"] == (
        "Quatre employeurs"
    )
    assert [c.summary for c in edited.relation_changes] == ["ajoutée Soyaux"]


def test_the_evidence_of_a_signal_the_portal_raised_is_shown(referent_client, territory):
    signal = SignalFactory(
        territory=territory,
        source="portail",
        rule="besoins_sans_partenaire",
        rule_key="16374",
        period=TODAY().replace(day=1),
        evidence=evidence_table(
            caption="Besoins sans partenaire connu à Soyaux",
            columns=["Besoin", "Entretiens"],
            rows=[["Mobilité", 7], ["Garde d'enfants", 3]],
            numeric=[1],
        ),
    )
    page = referent_client.get(signal.get_absolute_url()).text
    assert "Ce que le portail a relevé" in page and "relevé par le portail" in page
    assert "<caption>Besoins sans partenaire connu à Soyaux</caption>" in page
    assert '<th scope="row">Mobilité</th>' in page and '<td class="num">7</td>' in page
    log = referent_client.get(url("signals"), {"origine": "portail"}).text
    assert signal.text in log
    assert signal.text not in referent_client.get(url("signals"), {"origine": "personnes"}).text


# --- The log -------------------------------------------------------------------------------


def test_the_log_filters(referent_client, territory, communes):
    category = Theme.objects.categories().order_by("pk").first()
    welders = SignalFactory(territory=territory, text="Soudeurs recherchés", naf_id="C")
    welders.communes.set([communes[1]])
    welders.themes.set([category])
    closed = SignalFactory(
        territory=territory,
        text="Fermeture classée",
        status="classe",
        source="presse",
        sector="mécatronique",
        observed_on=TODAY() - datetime.timedelta(days=90),
    )

    def shown(**filters):
        page = referent_client.get(url("signals"), filters).text
        return {s.text for s in (welders, closed) if s.text in page}

    assert shown() == {welders.text, closed.text}
    assert shown(statut="classe") == {closed.text}
    assert shown(source="presse") == {closed.text}
    assert shown(commune=communes[1].pk) == {welders.text}
    assert shown(thematique=category.pk) == {welders.text}
    assert shown(secteur="C") == {welders.text}
    assert shown(secteur="f:mécatronique") == {closed.text}
    assert shown(du=(TODAY() - datetime.timedelta(days=30)).isoformat()) == {welders.text}
    assert shown(au=(TODAY() - datetime.timedelta(days=30)).isoformat()) == {closed.text}


def test_the_log_is_paginated(referent_client, territory):
    SignalFactory.create_batch(30, territory=territory)
    first = referent_client.get(url("signals"))
    assert first.context["page"].paginator.num_pages == 2
    assert "Page 1 sur 2" in first.text
    assert len(referent_client.get(url("signals"), {"page": 2}).context["page"]) == 5


# --- Agenda --------------------------------------------------------------------------------


def test_signals_to_examine_are_on_the_next_rendez_vous_agenda(referent_client, territory):
    next_meeting = MeetingFactory(
        territory=territory, starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    later = MeetingFactory(
        territory=territory, starts_at=timezone.now() + datetime.timedelta(days=40)
    )
    lead = SignalFactory(territory=territory, text="Pénurie de soudeurs", status="a_examiner")
    SignalFactory(
        territory=territory, text="Signal regroupé", status="a_examiner", grouped_into=lead
    )
    SignalFactory(territory=territory, text="Signal tout neuf", status="nouveau")
    page = referent_client.get(next_meeting.get_absolute_url()).text
    assert "Signaux faibles à examiner" in page and "Pénurie de soudeurs" in page
    assert "Signal regroupé" not in page and "Signal tout neuf" not in page
    assert "Pénurie de soudeurs" not in referent_client.get(later.get_absolute_url()).text
    assert url("signal_create") + "?source=rendez_vous" in page


def test_the_coordination_home_counts_the_signals_to_triage(as_persona, territory):
    SignalFactory.create_batch(2, territory=territory)
    SignalFactory(territory=territory, status="a_examiner")
    page = as_persona("coordinator").get("/").text
    assert "2 nouveaux signaux à trier" in page and "1 signal à examiner" in page
    assert "nouveaux signaux à trier" not in as_persona("referent").get("/").text


def test_the_roadmap_page_counts_the_signals_to_examine(referent_client, territory, roadmap):
    SignalFactory.create_batch(2, territory=territory, status="a_examiner")
    page = referent_client.get(reverse("roadmaps:detail", args=[SLUG])).text
    assert url("signals") + "?statut=a_examiner" in page
    assert "Signaux à examiner" in page
