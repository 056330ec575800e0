"""The follow-up's history (who, when, what): the people, partners and contacts of an échange and
the partners of a need, one record per save; a deleted contact leaves no trace in any history
table; the private note stays the coordination's; deleting an échange or a need is recorded."""

import importlib

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from companies.models import M2M_BASELINE_REASON, CompanyContact, Exchange, Need
from portal.history import m2m_history_model
from tests.companies.test_followup import exchange_data
from tests.factories import (
    CompanyContactFactory,
    ExchangeFactory,
    NeedFactory,
    NeedNoteFactory,
    PartnerFactory,
)

SECRET = "Trésorerie tendue : ne pas ébruiter"


@pytest.fixture
def partners(territory):
    return {
        "ft": PartnerFactory(territory=territory, name="France Travail"),
        "ml": PartnerFactory(territory=territory, name="Mission locale"),
    }


def history_page(client, establishment):
    response = client.get(reverse("companies:history", args=[establishment.siret]))
    assert response.status_code == 200
    return response.text


def create_exchange(client, coordinator, establishment, **extra):
    url = reverse("companies:exchange_create", args=[establishment.siret])
    response = client.post(url, exchange_data(coordinator, **extra))
    assert response.status_code == 302, response.text
    return Exchange.objects.latest("pk")


def update_exchange(client, coordinator, exchange, **extra):
    url = reverse("companies:exchange_update", args=[exchange.establishment.siret, exchange.pk])
    data = exchange_data(coordinator, version=exchange.version, **extra)
    response = client.post(url, data)
    assert response.status_code == 302, response.text
    exchange.refresh_from_db()


def test_creating_an_exchange_with_relations_makes_one_record(
    coordinator_client, coordinator, establishment, partners
):
    exchange = create_exchange(
        coordinator_client, coordinator, establishment, partners=[partners["ml"].pk]
    )
    record = exchange.history.get()
    assert record.history_type == "+"
    assert list(record.partners.values_list("partner_id", flat=True)) == [partners["ml"].pk]
    assert list(record.people.values_list("user_id", flat=True)) == [coordinator.pk]


def test_relation_changes_of_an_exchange_show_in_the_history(
    coordinator_client, coordinator, establishment, territory, partners
):
    contact = CompanyContactFactory(
        establishment=establishment, territory=territory, first_name="Lina", last_name="Roux"
    )
    exchange = create_exchange(
        coordinator_client, coordinator, establishment, partners=[partners["ml"].pk]
    )
    update_exchange(
        coordinator_client,
        coordinator,
        exchange,
        partners=[partners["ft"].pk],
        contacts=[contact.pk],
    )
    # one record for the save and its relations, not one per add or remove
    assert exchange.history.count() == 2
    page = history_page(coordinator_client, establishment)
    assert "modification de l&#x27;échange du 02/03/2026" in page
    assert "Partenaires</th>" in page
    assert "+ France Travail, \N{MINUS SIGN} Mission locale" in page
    assert "+ Lina Roux" in page
    assert "Personnes du réseau" not in page  # unchanged: not listed


def test_an_edit_of_relations_only_is_recorded(
    coordinator_client, coordinator, establishment, partners
):
    exchange = create_exchange(coordinator_client, coordinator, establishment)
    update_exchange(coordinator_client, coordinator, exchange, partners=[partners["ft"].pk])
    assert exchange.version == 2
    latest = exchange.history.first()
    assert latest.history_user == coordinator
    assert "+ France Travail" in history_page(coordinator_client, establishment)


def test_need_partners_show_in_the_history(
    coordinator_client, coordinator, establishment, territory, partners
):
    need = NeedFactory(establishment=establishment, territory=territory, title="Deux usineurs")
    need.partners.add(partners["ml"])
    url = reverse("companies:need_update", args=[need.pk])
    data = {
        "kind": need.kind,
        "status": need.status,
        "title": need.title,
        "job": need.job,
        "positions": need.positions,
        "partners": [partners["ft"].pk],
        "version": need.version,
    }
    records = need.history.count()
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.text
    assert need.history.count() == records + 1
    page = history_page(coordinator_client, establishment)
    assert "modification du besoin « Deux usineurs »" in page
    assert "Partenaires mobilisés</th>" in page
    assert "+ France Travail, \N{MINUS SIGN} Mission locale" in page


def test_a_stale_edit_shows_the_relations_changed_since(
    coordinator_client, coordinator, establishment, partners
):
    exchange = create_exchange(coordinator_client, coordinator, establishment)
    version = exchange.version
    update_exchange(coordinator_client, coordinator, exchange, partners=[partners["ft"].pk])
    url = reverse("companies:exchange_update", args=[establishment.siret, exchange.pk])
    response = coordinator_client.post(
        url, exchange_data(coordinator, summary="Ma version", version=version)
    )
    assert response.status_code == 409
    assert "— → France Travail" in response.text
    assert exchange.history.count() == 2  # the refused save recorded nothing


def test_records_before_the_baseline_compare_no_relations(
    coordinator_client, establishment, territory, partners
):
    """Migration 0003 gives every échange with relations a record of them; older records hold
    none (unknown, not empty): no « + » is shown for relations that were always there."""
    exchange = ExchangeFactory(establishment=establishment, territory=territory)
    with exchange.one_history_record():
        exchange.partners.add(partners["ml"])
    for name in ("people", "partners", "contacts"):
        m2m_history_model(Exchange, name).objects.all().delete()  # as before the migration
    migration = importlib.import_module("companies.migrations.0003_followup_history_m2m")
    migration.record_current_relations(apps, None)
    baseline = exchange.history.first()
    assert baseline.history_change_reason == M2M_BASELINE_REASON
    assert list(baseline.partners.values_list("partner_id", flat=True)) == [partners["ml"].pk]
    assert "Mission locale" not in history_page(coordinator_client, establishment)


# --- A deleted contact leaves no trace ----------------------------------------------------


def historical_models():
    return [model for model in apps.get_models() if model.__name__.startswith("Historical")]


def test_deleting_a_contact_leaves_no_trace_in_any_history_table(
    coordinator_client, coordinator, establishment, territory
):
    contact = CompanyContactFactory(
        establishment=establishment,
        territory=territory,
        first_name="Noémie",
        last_name="Valadier",
        email="noemie.valadier@entreprise.example",
        phone="05 45 00 11 22",
    )
    exchange = create_exchange(
        coordinator_client, coordinator, establishment, contacts=[contact.pk]
    )
    update_exchange(
        coordinator_client,
        coordinator,
        exchange,
        summary="Revue du projet.",
        contacts=[contact.pk],
    )
    assert CompanyContact.history.filter(last_name="Valadier").exists()
    rows = m2m_history_model(Exchange, "contacts").objects.filter(companycontact_id=contact.pk)
    assert rows.count() == 2
    url = reverse("companies:contact_delete", args=[establishment.siret, contact.pk])
    assert coordinator_client.post(url).status_code == 302
    assert not CompanyContact.objects.exists()
    assert exchange.history.count() == 2  # the deletion is not an échange's change
    assert not rows.exists()
    traces = ["Valadier", "noemie.valadier@entreprise.example", "05 45 00 11 22"]
    for model in historical_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, (models.CharField, models.TextField)):
                for trace in traces:
                    found = model.objects.filter(**{f"{model_field.name}__icontains": trace})
                    assert not found.exists(), (model.__name__, model_field.name, trace)
            if isinstance(model_field, models.ForeignKey) and model_field.related_model in (
                CompanyContact,
            ):
                assert not model.objects.filter(**{model_field.attname: contact.pk}).exists()
    assert "Valadier" not in history_page(coordinator_client, establishment)


# --- The private note is the coordination's -----------------------------------------------


def test_the_private_note_shows_in_the_history_for_the_coordination_only(
    client, coordinator, referent, establishment
):
    client.force_login(coordinator)
    exchange = create_exchange(client, coordinator, establishment)
    update_exchange(client, coordinator, exchange, private_note=SECRET)
    assert SECRET in history_page(client, establishment).replace("&#x27;", "'")
    client.force_login(referent)
    response = client.get(reverse("companies:history", args=[establishment.siret]))
    assert response.status_code == 403
    assert "ébruiter" not in response.text
    page = client.get(establishment.get_absolute_url()).text
    assert "ébruiter" not in page
    assert reverse("companies:history", args=[establishment.siret]) not in page


# --- Deleting an échange or a need --------------------------------------------------------


def test_coordination_deletes_an_exchange_and_the_history_says_who_and_when(
    coordinator_client, coordinator, establishment, territory
):
    exchange = ExchangeFactory(establishment=establishment, territory=territory)
    need = NeedFactory(establishment=establishment, territory=territory, exchange=exchange)
    url = reverse("companies:exchange_delete", args=[establishment.siret, exchange.pk])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert "Supprimer l&#x27;échange du 02/03/2026 ?" in page.text
    response = coordinator_client.post(url)
    assert response.status_code == 302
    assert not Exchange.objects.exists()
    need.refresh_from_db()
    assert need.exchange is None  # the need detected at it stays
    record = Exchange.history.latest("history_date")
    assert (record.history_type, record.history_user) == ("-", coordinator)
    history = history_page(coordinator_client, establishment)
    assert "suppression de l&#x27;échange du 02/03/2026" in history
    assert str(coordinator) in history


def test_coordination_deletes_a_need_and_its_notes(
    coordinator_client, coordinator, establishment, territory
):
    need = NeedFactory(establishment=establishment, territory=territory, title="Deux usineurs")
    NeedNoteFactory(need=need)
    url = reverse("companies:need_delete", args=[need.pk])
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url)
    assert response.status_code == 302
    assert response.url == establishment.get_absolute_url()
    assert not Need.objects.exists()
    record = Need.history.latest("history_date")
    assert (record.history_type, record.history_user) == ("-", coordinator)
    assert "suppression du besoin « Deux usineurs »" in history_page(
        coordinator_client, establishment
    )


@pytest.mark.parametrize("name", ["exchange_delete", "need_delete"])
def test_a_referent_may_not_delete(referent_client, establishment, territory, name):
    exchange = ExchangeFactory(establishment=establishment, territory=territory)
    need = NeedFactory(establishment=establishment, territory=territory)  # open recruitment
    args = [establishment.siret, exchange.pk] if name == "exchange_delete" else [need.pk]
    response = referent_client.post(reverse(f"companies:{name}", args=args))
    assert response.status_code == 403
    assert Exchange.objects.exists() and Need.objects.exists()


@pytest.mark.parametrize("name", ["exchange_delete", "need_delete"])
def test_another_territory_gets_404(other_coordinator_client, establishment, territory, name):
    exchange = ExchangeFactory(establishment=establishment, territory=territory)
    need = NeedFactory(establishment=establishment, territory=territory)
    args = [establishment.siret, exchange.pk] if name == "exchange_delete" else [need.pk]
    response = other_coordinator_client.post(reverse(f"companies:{name}", args=args))
    assert response.status_code == 404
    assert Exchange.objects.exists() and Need.objects.exists()


def test_an_exchange_of_another_establishment_gets_404(
    coordinator_client, establishment, territory
):
    exchange = ExchangeFactory(territory=territory)
    url = reverse("companies:exchange_delete", args=[establishment.siret, exchange.pk])
    assert coordinator_client.post(url).status_code == 404
    assert Exchange.objects.exists()
