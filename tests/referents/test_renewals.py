"""The renewal campaign after the municipal elections: start, the mairies' addresses, the links
sent through a real SMTP server, letters, reminders, the mairie's answer (confirm, replace,
remove, add; one transaction), single-use / forged / closed links, throttling, queries."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from referents import renewals
from referents.models import CommuneRenewal, Referent, RenewalCampaign
from tests.factories import CommuneFactory, ReferentFactory
from tests.smtp import subject, text_body

pytestmark = pytest.mark.django_db

QUERIES = 5  # session, user, memberships, the open campaign, its communes
TITLE = "Suite aux élections municipales de mars 2026"


@pytest.fixture
def campaign(territory, coordinator):
    return renewals.start_campaign(
        territory=territory, title=TITLE, elections_date=date(2026, 3, 15), by=coordinator
    )


def row_of(campaign, commune):
    return CommuneRenewal.objects.get(campaign=campaign, commune=commune)


def answer_url(row):
    return reverse("referents:renewal_answer", args=[row.token])


def test_coordinator_starts_a_campaign_with_one_link_per_commune(coordinator_client, territory):
    url = reverse("referents:renewal", args=[territory.slug])
    assert "Lancer la campagne" in coordinator_client.get(url).text
    response = coordinator_client.post(url, {"title": TITLE, "elections_date": "2026-03-15"})
    assert response.status_code == 302
    campaign = RenewalCampaign.objects.get()
    assert campaign.communes.count() == territory.communes.count() == 3
    assert len({row.token_hash for row in campaign.communes.all()}) == 3
    page = coordinator_client.get(url).text
    assert TITLE in page and "Communes ayant répondu : 0 sur 3, soit 0 %" in page
    assert renewals.start_campaign(territory=territory, title="Deux fois") == campaign
    assert RenewalCampaign.objects.count() == 1


def test_addresses_send_links_and_reminders(
    coordinator_client, territory, communes, campaign, smtp_server
):
    angouleme, soyaux, _champniers = communes
    rows = {row.commune_id: row for row in campaign.communes.all()}
    data = {f"commune_{row.pk}": "" for row in rows.values()}
    data[f"commune_{rows[angouleme.pk].pk}"] = "pas-une-adresse"
    url = reverse("referents:renewal_addresses", args=[territory.slug])
    assert "Saisissez une adresse" in coordinator_client.post(url, data).text
    data[f"commune_{rows[angouleme.pk].pk}"] = "mairie@angouleme.example.org"
    data[f"commune_{rows[soyaux.pk].pk}"] = "accueil@soyaux.example.org"
    assert coordinator_client.post(url, data).status_code == 302

    response = coordinator_client.post(
        reverse("referents:renewal_send", args=[territory.slug]), follow=True
    )
    assert "2 liens envoyés" in response.text
    messages = smtp_server.wait(2)
    by_to = {message["To"]: message for message in messages}
    message = by_to["mairie@angouleme.example.org"]
    assert subject(message) == "Vos référents emploi à Angoulême (Grand Angoulême)"
    body = text_body(message)
    assert TITLE in body and "Grand Angoulême" in body
    assert answer_url(row_of(campaign, angouleme)) in body
    assert message.get_body(("html",)) is not None
    # sending again sends nothing new
    coordinator_client.post(reverse("referents:renewal_send", args=[territory.slug]))
    # Soyaux answers; Angoulême is reminded
    row_of(campaign, soyaux).__class__.objects.filter(commune=soyaux).update(
        answered_at=timezone.now()
    )
    response = coordinator_client.post(
        reverse("referents:renewal_remind", args=[territory.slug]), follow=True
    )
    assert "1 relance envoyée" in response.text
    messages = smtp_server.wait(3)
    assert len(messages) == 3
    assert subject(messages[-1]).startswith("Relance : vos référents emploi à Angoulême")
    row = row_of(campaign, angouleme)
    assert row.reminder_count == 1 and row.reminded_at
    page = coordinator_client.get(reverse("referents:renewal", args=[territory.slug])).text
    assert "relancée 1 fois" in page and "1 sur 3, soit 33 % de couverture" in page


def test_letters_print_the_link_of_each_commune_not_answered(
    coordinator_client, territory, communes, campaign
):
    response = coordinator_client.get(reverse("referents:renewal_letters", args=[territory.slug]))
    for row in campaign.communes.all():
        assert answer_url(row) in response.text
    one = coordinator_client.get(
        reverse("referents:renewal_letters", args=[territory.slug]) + "?commune=16374"
    ).text
    assert "mairie de Soyaux" in one and "mairie de Angoulême" not in one


def test_mairie_confirms_replaces_removes_and_adds(client, communes, campaign):
    angouleme = communes[0]
    kept = ReferentFactory(commune=angouleme, last_name="Garde")
    replaced = ReferentFactory(commune=angouleme, last_name="Remplacee")
    row = row_of(campaign, angouleme)
    page = client.get(answer_url(row))
    assert page.status_code == 200 and "Garde" in page.text and "Remplacee" in page.text
    data = {
        "decision_date": "2026-04-02",
        f"r{kept.pk}-action": "confirmer",
        f"r{kept.pk}-role": "elu",
        f"r{replaced.pk}-action": "remplacer",
        f"r{replaced.pk}-first_name": "Nadia",
        f"r{replaced.pk}-last_name": "Nouvelle",
        f"r{replaced.pk}-role": "technicien",
        f"r{replaced.pk}-function": "secrétaire de mairie",
        f"r{replaced.pk}-email": "nadia@example.org",
        "nouveau1-role": "elu",
        "nouveau2-role": "elu",
    }
    response = client.post(answer_url(row), data)
    assert response.status_code == 302
    replaced.refresh_from_db()
    kept.refresh_from_db()
    assert replaced.mandate_end == date(2026, 4, 2)
    assert kept.mandate_end is None
    new = Referent.objects.get(last_name="Nouvelle")
    assert (new.mandate_start, new.role, new.commune) == (date(2026, 4, 2), "technicien", angouleme)
    row.refresh_from_db()
    assert row.answered_at
    assert "la mairie via le lien de renouvellement" in row.answer_summary
    assert "remplacé·e par Nadia Nouvelle" in row.answer_summary
    # single-use: the link now says it was answered, and a replay changes nothing
    again = client.get(answer_url(row))
    assert again.status_code == 200 and "a déjà répondu" in again.text
    client.post(answer_url(row), data)
    assert Referent.objects.filter(last_name="Nouvelle").count() == 1


def test_mairie_removes_and_adds(client, communes, campaign):
    soyaux = communes[1]
    gone = ReferentFactory(commune=soyaux)
    row = row_of(campaign, soyaux)
    data = {
        "decision_date": "2026-04-02",
        f"r{gone.pk}-action": "retirer",
        f"r{gone.pk}-role": "elu",
        "nouveau1-first_name": "Paul",
        "nouveau1-last_name": "Ajout",
        "nouveau1-role": "elu",
        "nouveau2-role": "elu",
    }
    assert client.post(answer_url(row), data).status_code == 302
    gone.refresh_from_db()
    assert gone.mandate_end == date(2026, 4, 2)
    assert Referent.objects.get(last_name="Ajout").mandate_start == date(2026, 4, 2)


@pytest.mark.parametrize(
    ("date_value", "message"),
    [
        ("", "Ce champ est obligatoire"),
        ((timezone.localdate() + timedelta(days=1)).isoformat(), "ne peut pas être à venir"),
        ("2026-03-01", "ne peut pas précéder les élections du 15/03/2026"),
    ],
)
def test_bad_decision_date_changes_nothing(client, communes, campaign, date_value, message):
    referent = ReferentFactory(commune=communes[0])
    row = row_of(campaign, communes[0])
    data = {
        "decision_date": date_value,
        f"r{referent.pk}-action": "retirer",
        f"r{referent.pk}-role": "elu",
        "nouveau1-role": "elu",
        "nouveau2-role": "elu",
    }
    response = client.post(answer_url(row), data)
    assert response.status_code == 200 and message in response.text
    referent.refresh_from_db()
    row.refresh_from_db()
    assert referent.mandate_end is None and row.answered_at is None


def test_replacement_without_name_and_too_many_referents_change_nothing(client, communes, campaign):
    referent = ReferentFactory(commune=communes[0])
    row = row_of(campaign, communes[0])
    base = {
        "decision_date": "2026-04-02",
        f"r{referent.pk}-role": "elu",
        "nouveau2-role": "elu",
        "nouveau1-role": "elu",
    }
    response = client.post(answer_url(row), {**base, f"r{referent.pk}-action": "remplacer"})
    assert "Indiquez le prénom et le nom" in response.text
    three = {
        **base,
        f"r{referent.pk}-action": "confirmer",
        "nouveau1-first_name": "A",
        "nouveau1-last_name": "Un",
        "nouveau2-first_name": "B",
        "nouveau2-last_name": "Deux",
    }
    response = client.post(answer_url(row), three)
    assert "au plus 2 référents actifs" in response.text
    assert Referent.objects.count() == 1
    row.refresh_from_db()
    assert row.answered_at is None


def test_forged_and_closed_links_are_french_pages_and_change_nothing(
    client, coordinator_client, territory, communes, campaign
):
    referent = ReferentFactory(commune=communes[0])
    forged = client.get(reverse("referents:renewal_answer", args=["faux-jeton"]))
    assert forged.status_code == 404 and "n'est pas valable" in forged.text
    row = row_of(campaign, communes[0])
    coordinator_client.post(reverse("referents:renewal_close", args=[territory.slug]))
    closed = client.get(answer_url(row))
    assert closed.status_code == 410 and "est close" in closed.text
    data = {"decision_date": "2026-04-02", f"r{referent.pk}-action": "retirer"}
    assert client.post(answer_url(row), data).status_code == 410
    referent.refresh_from_db()
    assert referent.mandate_end is None
    # a new campaign can start once closed
    page = coordinator_client.get(reverse("referents:renewal", args=[territory.slug])).text
    assert "Lancer la campagne" in page and "Campagnes closes" in page


def test_answer_page_is_throttled_per_client(client, settings, communes, campaign):
    settings.RENEWAL_LIMIT_PER_CLIENT = 2
    url = answer_url(row_of(campaign, communes[0]))
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429


def test_referent_cannot_start_a_campaign(referent_client, territory):
    url = reverse("referents:renewal", args=[territory.slug])
    assert referent_client.post(url, {"title": TITLE}).status_code == 403
    assert not RenewalCampaign.objects.exists()


@pytest.mark.parametrize("size", [0, 30])
def test_follow_up_page_in_constant_queries(
    coordinator_client, territory, epci, size, django_assert_num_queries
):
    for number in range(size):
        CommuneFactory(insee_code=f"16{500 + number}", name=f"Commune {number}", epci=epci)
    started = renewals.start_campaign(territory=territory, title=TITLE)
    CommuneRenewal.objects.filter(campaign=started).update(
        mairie_email="m@example.org", sent_at=timezone.now(), reminder_count=1
    )
    url = reverse("referents:renewal", args=[territory.slug])
    with django_assert_num_queries(QUERIES):
        assert coordinator_client.get(url).status_code == 200


def test_purge_clears_the_addresses_six_months_after_the_campaign(territory, communes, campaign):
    CommuneRenewal.objects.update(mairie_email="mairie@example.org")
    call_command("purge_renewal_addresses", stdout=StringIO())
    assert CommuneRenewal.objects.filter(mairie_email="").count() == 0  # campaign open
    RenewalCampaign.objects.update(closed_at=timezone.now() - timedelta(days=190))
    out = StringIO()
    call_command("purge_renewal_addresses", stdout=out)
    assert "3 adresses de mairie effacées" in out.getvalue()
    assert CommuneRenewal.objects.exclude(mairie_email="").count() == 0
