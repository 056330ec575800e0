"""The renewal campaign after the municipal elections: start, the mairies' addresses, the links
sent through a real SMTP server, letters, reminders, the mairie's answer (confirm, replace,
remove, add; one transaction), single-use / forged / closed links, throttling, queries."""

import re
from datetime import date, timedelta
from io import StringIO

import pytest
import segno
from django.core.exceptions import ValidationError
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


def test_letters_of_one_commune_say_when_it_answered_or_is_unknown(
    coordinator_client, territory, campaign
):
    url = reverse("referents:renewal_letters", args=[territory.slug])
    row = campaign.communes.get(commune__insee_code="16374")
    row.answered_at = timezone.now()
    row.save(update_fields=["answered_at"])
    answered = coordinator_client.get(url + "?commune=16374")
    assert answered.status_code == 200
    assert "Soyaux a déjà répondu : aucun courrier à imprimer." in answered.text
    assert "Toutes les communes ont répondu" not in answered.text
    assert coordinator_client.get(url + "?commune=99999").status_code == 404  # not in it


def drawn_matrix(svg):
    """The modules an SVG made by segno paints dark, read back from its path: `M x y` / `m dx dy`
    move, `hN` paints N modules of the row (y is the middle of the row: .5)."""
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    dark = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(value) for value in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            for column in range(int(x), int(x + values[0])):
                dark[int(y)][column] = 1
            x += values[0]
    return dark


def test_letters_carry_a_qr_code_of_the_link_per_commune(
    coordinator_client, territory, communes, campaign
):
    url = reverse("referents:renewal_letters", args=[territory.slug])
    page = coordinator_client.get(url).text
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) == 3 == campaign.communes.count()
    assert "<?xml" not in page and "href" not in "".join(svgs)
    links = ["http://testserver" + answer_url(row) for row in campaign.communes.all()]
    for svg, link in zip(svgs, links, strict=True):
        assert 'aria-label="Code QR du lien de réponse"' in svg and 'role="img"' in svg
        assert "<title>Code QR du lien de réponse</title>" in svg
        qr = segno.make(link, error="m")
        border = (len(drawn_matrix(svg)) - len(qr.matrix)) // 2
        assert border == 4
        drawn = [row[border:-border] for row in drawn_matrix(svg)[border:-border]]
        assert drawn == [list(row) for row in qr.matrix]
    assert svgs[0] != svgs[1]


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


@pytest.mark.parametrize("size", [0, 30])
def test_letters_and_reopen_pages_in_constant_queries(
    coordinator_client, territory, epci, communes, size, django_assert_num_queries
):
    for number in range(size):
        CommuneFactory(insee_code=f"16{500 + number}", name=f"Commune {number}", epci=epci)
    started = renewals.start_campaign(territory=territory, title=TITLE)
    CommuneRenewal.objects.filter(campaign=started, commune=communes[0]).update(
        answered_at=timezone.now()
    )
    letters = reverse("referents:renewal_letters", args=[territory.slug])
    # session, user, memberships, the open campaign, its communes
    with django_assert_num_queries(QUERIES):
        assert coordinator_client.get(letters).text.count("<svg ") == 2 + size
    reopen = reverse("referents:renewal_reopen", args=[territory.slug, communes[0].insee_code])
    # session, user, memberships, the open campaign, the commune's row
    with django_assert_num_queries(5):
        assert coordinator_client.get(reopen).status_code == 200


def test_purge_clears_the_addresses_six_months_after_the_campaign(territory, communes, campaign):
    CommuneRenewal.objects.update(mairie_email="mairie@example.org")
    call_command("purge_renewal_addresses", stdout=StringIO())
    assert CommuneRenewal.objects.filter(mairie_email="").count() == 0  # campaign open
    RenewalCampaign.objects.update(closed_at=timezone.now() - timedelta(days=190))
    out = StringIO()
    call_command("purge_renewal_addresses", stdout=out)
    assert "3 adresses de mairie effacées" in out.getvalue()
    assert CommuneRenewal.objects.exclude(mairie_email="").count() == 0


def answered_by_the_mairie(client, row, referent):
    data = {
        "decision_date": "2026-04-02",
        f"r{referent.pk}-action": "retirer",
        f"r{referent.pk}-role": "elu",
        "nouveau1-first_name": "Paul",
        "nouveau1-last_name": "Premier",
        "nouveau1-role": "elu",
        "nouveau2-role": "elu",
    }
    assert client.post(answer_url(row), data).status_code == 302


def test_coordinator_reopens_an_answer_with_a_new_link(
    client, coordinator_client, territory, communes, campaign
):
    angouleme = communes[0]
    gone = ReferentFactory(commune=angouleme, last_name="Sortant")
    row = row_of(campaign, angouleme)
    old_url = answer_url(row)
    answered_by_the_mairie(client, row, gone)
    follow_up = reverse("referents:renewal", args=[territory.slug])
    reopen_url = reverse("referents:renewal_reopen", args=[territory.slug, angouleme.insee_code])
    assert reopen_url in coordinator_client.get(follow_up).text
    asks = coordinator_client.get(reopen_url)
    assert asks.status_code == 200 and "nouveau lien" in asks.text
    row.refresh_from_db()
    assert row.answered_at  # GET asks, changes nothing

    response = coordinator_client.post(reopen_url, follow=True)
    assert "Réponse de Angoulême rouverte" in response.text
    assert "Communes ayant répondu : 0 sur 3" in response.text
    row.refresh_from_db()
    assert row.answered_at is None and row.sent_at is None
    assert "Délibération du 02/04/2026" in row.answer_summary
    assert "Réponse rouverte le" in row.answer_summary
    # the old link is dead, with a French page that says why; nothing changes through it
    old = client.get(old_url)
    assert old.status_code == 410 and "Ce lien a été remplacé" in old.text
    assert client.post(old_url, {"decision_date": "2026-04-03"}).status_code == 410
    # history kept: the mandate the first answer ended stays ended, its new référent stays
    gone.refresh_from_db()
    first = Referent.objects.get(last_name="Premier")
    assert gone.mandate_end == date(2026, 4, 2) and first.mandate_end is None
    # the new link works: the mairie corrects (the new référent replaced, dated)
    new_url = answer_url(row)
    assert new_url != old_url
    page = client.get(new_url)
    assert page.status_code == 200 and "Premier" in page.text and "Sortant" not in page.text
    data = {
        "decision_date": "2026-04-09",
        f"r{first.pk}-action": "remplacer",
        f"r{first.pk}-first_name": "Lina",
        f"r{first.pk}-last_name": "Corrigee",
        f"r{first.pk}-role": "elu",
        "nouveau1-role": "elu",
        "nouveau2-role": "elu",
    }
    assert client.post(new_url, data).status_code == 302
    first.refresh_from_db()
    assert first.mandate_end == date(2026, 4, 9)
    row.refresh_from_db()
    assert row.answered_at and row.answer_summary.count("Délibération du") == 2
    # the letters print the new link (the commune is again to write to)
    letters = coordinator_client.get(reverse("referents:renewal_letters", args=[territory.slug]))
    assert old_url not in letters.text


def test_reopen_needs_an_open_campaign_and_an_answer(
    coordinator_client, territory, communes, campaign
):
    url = reverse("referents:renewal_reopen", args=[territory.slug, communes[0].insee_code])
    assert coordinator_client.get(url).status_code == 404  # not answered yet
    assert coordinator_client.post(url).status_code == 404
    with pytest.raises(ValidationError):
        renewals.reopen(row_of(campaign, communes[1]), by=None)
    CommuneRenewal.objects.filter(campaign=campaign).update(answered_at=timezone.now())
    renewals.close_campaign(campaign)
    assert coordinator_client.post(url).status_code == 302  # to the page that starts one
    assert not row_of(campaign, communes[0]).previous_token_hash


def test_referent_cannot_reopen_an_answer(referent_client, territory, communes, campaign):
    row = row_of(campaign, communes[0])
    CommuneRenewal.objects.filter(pk=row.pk).update(answered_at=timezone.now())
    url = reverse("referents:renewal_reopen", args=[territory.slug, communes[0].insee_code])
    assert referent_client.post(url).status_code == 403
    assert row_of(campaign, communes[0]).token_hash == row.token_hash
