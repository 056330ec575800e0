"""The follow-up of an establishment: échanges (with a need in one step), needs and notes,
rappels, contacts; who sees what (référents: no private note, open recruitment needs only),
optimistic locking, all-or-nothing writes, history."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import CompanyContact, Exchange, Need, NeedNote, Reminder
from tests.factories import (
    CompanyContactFactory,
    ExchangeFactory,
    NeedFactory,
    ReminderFactory,
)

SECRET = "Trésorerie tendue : ne pas ébruiter"


@pytest.fixture
def exchange(establishment, territory, coordinator):
    exchange = ExchangeFactory(
        establishment=establishment, territory=territory, private_note=SECRET
    )
    exchange.people.add(coordinator)
    return exchange


@pytest.fixture
def needs(establishment, territory):
    return {
        "recruitment": NeedFactory(
            establishment=establishment, territory=territory, title="Deux usineurs"
        ),
        "difficulty": NeedFactory(
            establishment=establishment,
            territory=territory,
            kind=Need.Kind.DIFFICULTY,
            title="Difficulté de trésorerie",
        ),
        "closed": NeedFactory(
            establishment=establishment,
            territory=territory,
            title="Recrutement pourvu",
            status=Need.Status.ACHIEVED,
        ),
    }


def exchange_data(coordinator, **extra):
    return {
        "date": "2026-03-02",
        "kind": "visite",
        "people": [coordinator.pk],
        "summary": "Visite de l'atelier.",
        "private_note": "",
        **extra,
    }


# --- Who sees what ----------------------------------------------------------------------------


def test_coordinator_sees_private_notes_and_every_need(
    coordinator_client, establishment, exchange, needs
):
    page = coordinator_client.get(establishment.get_absolute_url()).text
    assert SECRET in page
    assert "Difficulté de trésorerie" in page
    assert "Recrutement pourvu" in page
    assert 'id="rappels"' in page


def test_referent_never_sees_private_notes_nor_other_needs(
    referent_client, establishment, exchange, needs
):
    page = referent_client.get(establishment.get_absolute_url()).text
    assert "Visite de l&#x27;atelier" in page  # the échange itself
    assert SECRET not in page
    assert "Deux usineurs" in page
    assert "Difficulté de trésorerie" not in page
    assert "Recrutement pourvu" not in page
    assert 'id="rappels"' not in page
    assert reverse("companies:exchange_create", args=[establishment.siret]) not in page


def test_referent_reads_open_recruitment_needs_only(referent_client, needs):
    assert referent_client.get(needs["recruitment"].get_absolute_url()).status_code == 200
    assert referent_client.get(needs["difficulty"].get_absolute_url()).status_code == 404
    assert referent_client.get(needs["closed"].get_absolute_url()).status_code == 404


def test_referent_needs_page_and_exports_hold_open_recruitment_only(
    referent_client, territory, exchange, needs
):
    page = referent_client.get(reverse("companies:need_list", args=[territory.slug])).text
    assert "Deux usineurs" in page
    assert "Difficulté de trésorerie" not in page
    assert 'id="a-relancer"' not in page
    export = referent_client.get(reverse("companies:need_export_csv", args=[territory.slug]))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Établissement"
    assert [row[5] for row in rows[1:]] == ["Deux usineurs"]
    assert SECRET not in export.content.decode("utf-8-sig")


def test_page_cache_never_gives_a_coordinator_page_to_a_referent(
    client, coordinator, referent, establishment, exchange, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    client.force_login(coordinator)
    assert SECRET in client.get(establishment.get_absolute_url()).text
    client.force_login(referent)
    assert SECRET not in client.get(establishment.get_absolute_url()).text


def test_other_territory_gets_404(other_coordinator_client, exchange, needs):
    assert other_coordinator_client.get(needs["recruitment"].get_absolute_url()).status_code == 404
    url = reverse("companies:exchange_update", args=[exchange.establishment.siret, exchange.pk])
    assert other_coordinator_client.get(url).status_code == 404


# --- Échanges, and a need in the same step ----------------------------------------------------


def test_exchange_with_a_need_detected_in_one_step(coordinator_client, coordinator, establishment):
    url = reverse("companies:exchange_create", args=[establishment.siret])
    response = coordinator_client.post(
        url,
        exchange_data(
            coordinator,
            private_note=SECRET,
            **{
                "besoin-detected": "on",
                "besoin-kind": "recrutement",
                "besoin-title": "Trois soudeurs",
                "besoin-job": "Soudeur",
                "besoin-positions": "3",
                "besoin-contract": "cdi",
            },
        ),
    )
    assert response.status_code == 302
    exchange = Exchange.objects.get()
    need = Need.objects.get()
    assert (need.exchange, need.job, need.positions, need.status) == (
        exchange,
        "Soudeur",
        3,
        "detecte",
    )
    assert exchange.private_note == SECRET
    assert list(exchange.people.all()) == [coordinator]
    assert exchange.history.get().history_user == coordinator


def test_bad_need_part_writes_neither(coordinator_client, coordinator, establishment):
    url = reverse("companies:exchange_create", args=[establishment.siret])
    response = coordinator_client.post(
        url,
        exchange_data(
            coordinator,
            **{"besoin-detected": "on", "besoin-kind": "difficulte", "besoin-job": "Soudeur"},
        ),
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire pour enregistrer le besoin." in response.text
    assert "Seulement pour un besoin de recrutement." in response.text
    assert not Exchange.objects.exists() and not Need.objects.exists()


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("1899-01-01", "Date trop ancienne"),
        ("2999-01-01", "Cette date est à venir"),
        ("31/02/2026", "Saisissez une date valide."),
    ],
)
def test_exchange_date_out_of_range_gets_a_message(
    coordinator_client, coordinator, establishment, date, message
):
    url = reverse("companies:exchange_create", args=[establishment.siret])
    response = coordinator_client.post(url, exchange_data(coordinator, date=date))
    assert response.status_code == 400
    assert message in response.text
    assert not Exchange.objects.exists()


def test_exchange_needs_someone_from_the_network(coordinator_client, coordinator, establishment):
    url = reverse("companies:exchange_create", args=[establishment.siret])
    response = coordinator_client.post(url, exchange_data(coordinator, people=[]))
    assert response.status_code == 400
    assert "une personne ou un partenaire au moins" in response.text


def test_double_submit_creates_one_exchange(
    coordinator_client, coordinator, establishment, submit_twice
):
    url = reverse("companies:exchange_create", args=[establishment.siret])
    first, second = submit_twice(coordinator_client, url, url, exchange_data(coordinator))
    assert first.status_code == second.status_code == 302
    assert Exchange.objects.count() == 1


def test_stale_exchange_edit_writes_nothing_and_says_what_changed(
    coordinator_client, coordinator, exchange
):
    url = reverse("companies:exchange_update", args=[exchange.establishment.siret, exchange.pk])
    version = exchange.version
    Exchange.objects.filter(pk=exchange.pk).update(version=version + 1)  # claimed elsewhere
    record = exchange.history.first()  # the latest
    record.pk = None
    record.history_id = None
    record.version = version + 1
    record.summary = "Changé par quelqu'un d'autre."
    record.history_type = "~"
    record.history_date = timezone.now()
    record.save()
    response = coordinator_client.post(
        url, exchange_data(coordinator, summary="Ma version", version=version)
    )
    assert response.status_code == 409
    assert "Changé par quelqu&#x27;un d&#x27;autre." in response.text
    assert "Quelqu&#x27;un a modifié cette fiche" in response.text
    exchange.refresh_from_db()
    assert exchange.summary == "Visite de l'atelier, projet d'extension."


def test_exchange_edit_without_version_is_refused(coordinator_client, coordinator, exchange):
    url = reverse("companies:exchange_update", args=[exchange.establishment.siret, exchange.pk])
    response = coordinator_client.post(url, exchange_data(coordinator, summary="Sans version"))
    assert response.status_code == 409
    exchange.refresh_from_db()
    assert exchange.summary != "Sans version"


def test_exchange_edit_records_history(coordinator_client, coordinator, exchange, establishment):
    url = reverse("companies:exchange_update", args=[exchange.establishment.siret, exchange.pk])
    response = coordinator_client.post(
        url,
        exchange_data(coordinator, summary="Nouveau compte rendu", version=exchange.version),
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert (exchange.summary, exchange.version) == ("Nouveau compte rendu", 2)
    page = coordinator_client.get(reverse("companies:history", args=[establishment.siret])).text
    assert "modification de l&#x27;échange du 02/03/2026" in page
    assert "Nouveau compte rendu" in page


# --- Needs, notes, « à relancer » ---------------------------------------------------------


def test_recruitment_details_refused_for_another_kind(coordinator_client, establishment):
    url = reverse("companies:need_create", args=[establishment.siret])
    response = coordinator_client.post(
        url, {"kind": "formation", "title": "Former", "status": "detecte", "positions": "2"}
    )
    assert response.status_code == 400
    assert "ne concernent qu&#x27;un besoin de recrutement" in response.text
    assert not Need.objects.exists()


def test_need_status_workflow_and_note(coordinator_client, coordinator, needs):
    need = needs["recruitment"]
    url = reverse("companies:need_update", args=[need.pk])
    data = {
        "kind": "recrutement",
        "title": need.title,
        "status": "oriente",
        "job": "Usineur",
        "positions": "2",
        "version": need.version,
    }
    assert coordinator_client.post(url, data).status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.REFERRED
    note_url = reverse("companies:need_note_create", args=[need.pk])
    response = coordinator_client.post(
        note_url, {"date": "2026-03-05", "text": "Orienté vers France Travail"}
    )
    assert response.status_code == 302
    note = NeedNote.objects.get()
    assert (note.need, note.author) == (need, coordinator)
    assert "Orienté vers France Travail" in coordinator_client.get(need.get_absolute_url()).text


def test_needs_without_activity_are_to_follow_up(coordinator_client, territory, needs):
    old = timezone.now() - datetime.timedelta(days=45)
    Need.objects.filter(pk=needs["difficulty"].pk).update(last_activity_at=old)
    Need.objects.filter(pk=needs["closed"].pk).update(last_activity_at=old)  # closed: not listed
    page = coordinator_client.get(
        reverse("companies:need_list", args=[territory.slug]), {"relancer": "on"}
    ).text
    section = page.split('id="a-relancer"')[1].split("</section>")[0]
    assert "Difficulté de trésorerie" in section
    assert "Deux usineurs" not in section
    assert "Recrutement pourvu" not in section


def test_need_linked_to_a_roadmap_action(as_persona, territory, needs):
    from tests.factories import ActionFactory, AxisFactory, RoadmapFactory

    roadmap = RoadmapFactory(territory=territory)
    action = ActionFactory(axis=AxisFactory(roadmap=roadmap), title="BTS usinage")
    need = needs["recruitment"]
    url = reverse("roadmaps:need_action", args=[territory.slug, need.pk])
    assert as_persona("coordinator").post(url, {"action": action.pk}).status_code == 302
    assert "BTS usinage" in as_persona("referent").get(need.get_absolute_url()).text
    coordinator = as_persona("coordinator")
    assert coordinator.post(url, {"action": "999999"}).status_code == 400
    assert coordinator.post(url, {"action": ""}).status_code == 302
    assert "Aucune action liée." in coordinator.get(need.get_absolute_url()).text


# --- Rappels ----------------------------------------------------------------------------------


def test_my_reminders_on_the_coordinator_home_overdue_stand_out(
    coordinator_client, coordinator, territory, establishment
):
    today = timezone.localdate()
    ReminderFactory(
        establishment=establishment,
        territory=territory,
        person=coordinator,
        date=today - datetime.timedelta(days=3),
        text="Rappeler le directeur",
    )
    ReminderFactory(
        establishment=establishment,
        territory=territory,
        person=coordinator,
        date=today + datetime.timedelta(days=3),
        text="Envoyer le devis",
    )
    ReminderFactory(establishment=establishment, territory=territory, text="Pas le mien")
    page = coordinator_client.get(reverse("home")).text
    assert "Mes rappels" in page
    assert "1 rappel en retard" in page
    assert "Rappeler le directeur" in page and "Envoyer le devis" in page
    assert "Pas le mien" not in page
    assert page.count("reminder-overdue") == 1


def test_referent_home_has_no_reminders(referent_client):
    assert "Mes rappels" not in referent_client.get(reverse("home")).text


def test_mark_reminder_done_is_idempotent(
    coordinator_client, coordinator, territory, establishment
):
    reminder = ReminderFactory(establishment=establishment, territory=territory, person=coordinator)
    url = reverse("companies:reminder_mark", args=[establishment.siret, reminder.pk])
    for _ in range(2):
        assert coordinator_client.post(url, {"done": "1"}).status_code == 302
    reminder.refresh_from_db()
    assert reminder.done
    assert reminder.history.count() == 2  # created, done: the second click wrote nothing


def test_reminder_date_out_of_range(coordinator_client, coordinator, establishment):
    url = reverse("companies:reminder_create", args=[establishment.siret])
    response = coordinator_client.post(
        url, {"date": "2999-01-01", "person": coordinator.pk, "text": "Plus tard"}
    )
    assert response.status_code == 400
    assert "Date trop lointaine" in response.text
    assert not Reminder.objects.exists()


# --- Contacts ---------------------------------------------------------------------------------


def test_deleting_a_contact_deletes_it_everywhere(
    coordinator_client, establishment, territory, exchange
):
    contact = CompanyContactFactory(
        establishment=establishment, territory=territory, last_name="Martineau"
    )
    exchange.contacts.add(contact)
    url = reverse("companies:contact_delete", args=[establishment.siret, contact.pk])
    assert coordinator_client.get(url).status_code == 200
    assert coordinator_client.post(url).status_code == 302
    assert not CompanyContact.objects.exists()
    assert not CompanyContact.history.exists()
    assert not exchange.contacts.exists()
    page = coordinator_client.get(reverse("companies:history", args=[establishment.siret])).text
    assert "Martineau" not in page


def test_contacts_hidden_from_other_territories(other_coordinator_client, establishment, territory):
    contact = CompanyContactFactory(establishment=establishment, territory=territory)
    assert (
        other_coordinator_client.get(
            reverse("companies:contact_update", args=[establishment.siret, contact.pk])
        ).status_code
        == 404
    )


def test_contact_bad_phone_and_email(coordinator_client, establishment):
    url = reverse("companies:contact_create", args=[establishment.siret])
    response = coordinator_client.post(
        url, {"last_name": "Durand", "phone": "appelez-moi", "email": "pas une adresse"}
    )
    assert response.status_code == 400
    assert "Numéro de téléphone invalide." in response.text
    assert not CompanyContact.objects.exists()


# --- Summary ----------------------------------------------------------------------------------


def test_summary_counts_by_sector(referent_client, territory, establishment, exchange, needs):
    Exchange.objects.filter(pk=exchange.pk).update(date=timezone.localdate())
    response = referent_client.get(reverse("companies:summary", args=[territory.slug]))
    summary = response.context["summary"]
    assert (summary.establishments_met, summary.exchanges, summary.needs) == (1, 1, 3)
    (line,) = summary.sectors
    assert (line.achieved, line.open) == (1, 2)
    assert line.sector.startswith("J")
    assert SECRET not in response.text


def test_summary_years_are_written_without_a_thousands_separator(referent_client, territory):
    """USE_THOUSAND_SEPARATOR would write 2026 as « 2 026 », and a year chosen in the list
    would come back as « 2 026 », not a year."""
    url = reverse("companies:summary", args=[territory.slug])
    year = timezone.localdate().year
    response = referent_client.get(url, {"annee": year - 1})
    assert f"Suivi des entreprises en {year - 1}</h1>" in response.text
    assert f'<option value="{year - 1}" selected>{year - 1}</option>' in " ".join(
        response.text.split()
    )


# --- The register's follow-up filters ---------------------------------------------------------


def listed(client, territory, **params):
    response = client.get(reverse("companies:list", args=[territory.slug]), params)
    assert response.status_code == 200
    return {establishment.siret for establishment in response.context["page"].object_list}


def test_list_filters_on_the_follow_up(as_persona, territory, establishment, angouleme):
    from tests.factories import EstablishmentFactory

    met_long_ago = EstablishmentFactory(commune=angouleme, name="Rencontré il y a longtemps")
    never = EstablishmentFactory(commune=angouleme, name="Jamais rencontré")
    ExchangeFactory(establishment=establishment, territory=territory, date=timezone.localdate())
    ExchangeFactory(establishment=met_long_ago, territory=territory, date=datetime.date(2020, 1, 6))
    NeedFactory(establishment=met_long_ago, territory=territory, kind=Need.Kind.DIFFICULTY)
    NeedFactory(establishment=establishment, territory=territory)
    coordinator = as_persona("coordinator")
    assert listed(coordinator, territory, suivi="oui") == {establishment.siret, met_long_ago.siret}
    assert listed(coordinator, territory, suivi="non") == {never.siret}
    assert listed(coordinator, territory, sans_echange="on") == {met_long_ago.siret, never.siret}
    assert listed(coordinator, territory, besoin="difficulte") == {met_long_ago.siret}
    assert listed(coordinator, territory, besoin="tous") == {
        establishment.siret,
        met_long_ago.siret,
    }
    referent = as_persona("referent")
    # a référent never learns which establishments have a difficulty
    assert listed(referent, territory, besoin="difficulte") == set()
    assert listed(referent, territory, besoin="tous") == {establishment.siret}


def test_purge_deletes_contacts_without_echange_for_three_years(
    territory, establishment, angouleme
):
    from django.core.management import call_command

    from tests.factories import EstablishmentFactory

    old = timezone.now() - datetime.timedelta(days=4 * 365)
    kept_by_exchange = CompanyContactFactory(establishment=establishment, territory=territory)
    ExchangeFactory(establishment=establishment, territory=territory, date=timezone.localdate())
    other = EstablishmentFactory(commune=angouleme)
    purged = CompanyContactFactory(establishment=other, territory=territory)
    recent = CompanyContactFactory(establishment=other, territory=territory)
    ExchangeFactory(establishment=other, territory=territory, date=datetime.date(2020, 1, 6))
    CompanyContact.objects.filter(pk__in=[kept_by_exchange.pk, purged.pk]).update(created_at=old)
    out = io.StringIO()
    call_command("purge_company_contacts", "--dry-run", stdout=out)
    assert "1 contact serait supprimé" in out.getvalue()
    assert CompanyContact.objects.count() == 3
    call_command("purge_company_contacts", stdout=io.StringIO())
    assert set(CompanyContact.objects.all()) == {kept_by_exchange, recent}
    assert not CompanyContact.history.filter(id=purged.pk).exists()
    call_command("purge_company_contacts", stdout=out)
    assert "0 contact supprimé" in out.getvalue()


def test_action_page_lists_the_linked_needs_a_user_may_read(as_persona, territory, needs):
    from roadmaps.models import NeedLink
    from tests.factories import ActionFactory, AxisFactory, RoadmapFactory

    action = ActionFactory(axis=AxisFactory(roadmap=RoadmapFactory(territory=territory)))
    NeedLink.objects.create(need=needs["recruitment"], action=action)
    NeedLink.objects.create(need=needs["difficulty"], action=action)
    coordinator_page = as_persona("coordinator").get(action.get_absolute_url()).text
    assert "Deux usineurs" in coordinator_page and "Difficulté de trésorerie" in coordinator_page
    referent_page = as_persona("referent").get(action.get_absolute_url()).text
    assert "Deux usineurs" in referent_page
    assert "Difficulté de trésorerie" not in referent_page


def test_no_follow_up_for_an_establishment_no_territory_holds(staff_client):
    from tests.factories import EstablishmentFactory

    lone = EstablishmentFactory()  # its commune is in no territory: only staff see it
    assert staff_client.get(lone.get_absolute_url()).status_code == 200
    url = reverse("companies:exchange_create", args=[lone.siret])
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {"summary": "x"}).status_code == 404
    assert not Exchange.objects.exists()
