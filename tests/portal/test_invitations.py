"""Invitations to a territory and removal of members (portal/invitations.py)."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.models import Invitation, Membership, User, invitation_digest
from tests.factories import MembershipFactory, UserFactory
from tests.smtp import running_smtp_server, subject, text_body

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def inbox(settings):
    with running_smtp_server(settings) as box:
        yield box


@pytest.fixture(autouse=True)
def fresh_throttle():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def members_url(territory):
    return reverse("members", kwargs={"territory_slug": territory.slug})


def invite(client, territory, inbox, email="jeanne@example.org", role="referent", **extra):
    response = client.post(members_url(territory), {"email": email, "role": role, **extra})
    assert response.status_code == 302, response.text
    message = inbox.wait(1)[-1]
    body = text_body(message)
    path = "/comptes/invitation/" + body.split("/comptes/invitation/")[1].split()[0]
    return message, path


def test_a_new_person_accepts_and_lands_in_the_territory(
    coordinator_client, territory, communes, inbox
):
    message, path = invite(
        coordinator_client, territory, inbox, email="Jeanne@Example.org", commune=communes[0].pk
    )
    assert message["To"] == "jeanne@example.org"
    assert subject(message) == "Invitation au réseau de Grand Angoulême"
    assert "Grand Angoulême" in text_body(message) and "expire dans 7 jours" in text_body(message)
    assert message.get_body(preferencelist=("html",)) is not None
    invitation = Invitation.objects.get()
    assert invitation.sent_count == 1 and invitation.commune == communes[0]
    secret = path.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == invitation_digest(secret) != secret  # only the hash is kept
    page = coordinator_client.get(members_url(territory))
    assert "jeanne@example.org" in page.text

    coordinator_client.logout()
    assert "Créer mon compte" in coordinator_client.get(path).text
    weak = coordinator_client.post(
        path,
        {"first_name": "Jeanne", "last_name": "Martin", "password1": "123", "password2": "123"},
    )
    assert weak.status_code == 200 and not User.objects.filter(email="jeanne@example.org").exists()
    data = {
        "first_name": "Jeanne",
        "last_name": "Martin",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    response = coordinator_client.post(path, data)
    assert response["Location"] == reverse("territory_home", args=[territory.slug])
    user = User.objects.get(email="jeanne@example.org")
    assert user.check_password(PASSWORD)
    assert Membership.objects.get(user=user).role == Membership.Role.REFERENT
    assert coordinator_client.get(response["Location"]).status_code == 200  # signed in
    # single use: the link now answers a clear page, nothing changes
    coordinator_client.logout()
    replay = coordinator_client.post(path, data)
    assert replay.status_code == 410 and "déjà servi" in replay.text
    assert User.objects.filter(email="jeanne@example.org").count() == 1


def test_an_existing_account_signs_in_and_gets_the_membership(
    coordinator_client, client, territory, other_territory, inbox
):
    person = UserFactory(username="paul", email="paul@example.org")
    MembershipFactory(user=person, territory=other_territory)
    _, path = invite(
        coordinator_client, territory, inbox, email="paul@example.org", role="coordinateur"
    )
    coordinator_client.logout()
    page = client.get(path)
    assert (
        "connectez-vous" in page.text
        and not Membership.objects.filter(user=person, territory=territory).exists()
    )
    client.force_login(person)
    assert "Accepter l'invitation" in client.get(path).text
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.get(user=person, territory=territory).role == "coordinateur"
    assert User.objects.filter(email="paul@example.org").count() == 1


def test_another_account_cannot_accept(coordinator_client, client, territory, inbox):
    UserFactory(username="paul", email="paul@example.org")
    _, path = invite(coordinator_client, territory, inbox, email="paul@example.org")
    client.force_login(UserFactory(username="intrus", email="intrus@example.org"))
    assert client.post(path).status_code == 403
    assert not Invitation.objects.get().accepted_at


def test_forged_expired_and_cancelled_links(coordinator_client, client, territory, inbox):
    _, path = invite(coordinator_client, territory, inbox)
    forged = client.get(reverse("invitation_accept", args=["pas-un-vrai-lien"]))
    assert forged.status_code == 404 and "n'existe pas" in forged.text
    invitation = Invitation.objects.get()
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    expired = client.post(path, {"first_name": "J", "last_name": "M", "password1": PASSWORD})
    assert expired.status_code == 410 and "expiré" in expired.text
    invitation.expires_at = timezone.now() + timedelta(days=1)
    invitation.save()
    response = coordinator_client.post(
        reverse("invitation_cancel", args=[territory.slug, invitation.pk])
    )
    assert response.status_code == 302
    cancelled = client.get(path)
    assert cancelled.status_code == 410 and "annulé" in cancelled.text
    assert not User.objects.filter(email="jeanne@example.org").exists()


def test_resend_gives_a_new_link(coordinator_client, client, territory, inbox):
    _, first = invite(coordinator_client, territory, inbox)
    invitation = Invitation.objects.get()
    coordinator_client.post(reverse("invitation_resend", args=[territory.slug, invitation.pk]))
    second_message = inbox.wait(2)[-1]
    second = (
        "/comptes/invitation/"
        + text_body(second_message).split("/comptes/invitation/")[1].split()[0]
    )
    assert second != first
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_form_errors_in_french(coordinator_client, coordinator, territory, other_territory):
    url = members_url(territory)
    bad = coordinator_client.post(url, {"email": "pas une adresse", "role": "referent"})
    assert bad.status_code == 200 and "adresse de courriel valide" in bad.text
    coordinator.email = "coord@example.org"
    coordinator.save()
    already = coordinator_client.post(url, {"email": "coord@example.org", "role": "coordinateur"})
    assert "déjà membre du territoire avec ce rôle" in already.text
    from portal.models import Commune

    foreign = Commune.objects.get(insee_code="24037")
    outside = coordinator_client.post(
        url, {"email": "a@example.org", "role": "referent", "commune": foreign.pk}
    )
    assert outside.status_code == 200 and "commune" in outside.text
    assert not Invitation.objects.exists()


def test_invite_form_is_throttled(coordinator_client, territory, settings, inbox):
    settings.INVITATION_LIMIT_PER_USER = 1
    invite(coordinator_client, territory, inbox)
    response = coordinator_client.post(
        members_url(territory), {"email": "b@example.org", "role": "referent"}, follow=True
    )
    assert "Trop d&#x27;invitations" in response.text or "Trop d'invitations" in response.text
    assert Invitation.objects.count() == 1


def test_acceptance_is_throttled_per_address(client, settings):
    settings.INVITATION_ACCEPT_LIMIT_PER_CLIENT = 2
    url = reverse("invitation_accept", args=["essai"])
    assert [client.get(url).status_code for _ in range(3)] == [404, 404, 429]


def test_removing_a_member_ends_their_sessions(
    coordinator_client, client, territory, other_territory
):
    from django.test import Client

    person = UserFactory(username="sortant")
    membership = MembershipFactory(user=person, territory=territory)
    MembershipFactory(user=person, territory=other_territory)
    theirs = Client()
    theirs.force_login(person)
    home = reverse("territory_home", args=[territory.slug])
    assert theirs.get(home).status_code == 200
    url = reverse("member_remove", args=[territory.slug, membership.pk])
    assert "Retirer du territoire" in coordinator_client.get(url).text
    assert coordinator_client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # their open session is over at once
    response = theirs.get(home)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    # signing in again: the other territory is still theirs, this one is not
    person.refresh_from_db()  # as a real sign-in loads the account
    theirs.force_login(person)
    assert theirs.get(home).status_code == 404
    assert theirs.get(reverse("territory_home", args=[other_territory.slug])).status_code == 200


def test_purge_invitations(territory):
    now = timezone.now()
    old = now - timedelta(days=31)
    common = {"territory": territory, "role": "referent"}
    Invitation.objects.create(email="a@x.org", token_hash="a", expires_at=old, **common)
    Invitation.objects.create(
        email="b@x.org", token_hash="b", expires_at=now, accepted_at=old, **common
    )
    Invitation.objects.create(
        email="c@x.org", token_hash="c", expires_at=now + timedelta(days=3), **common
    )
    Invitation.objects.create(
        email="d@x.org", token_hash="d", expires_at=now, cancelled_at=now, **common
    )
    call_command("purge_invitations", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["c@x.org", "d@x.org"]
    call_command("purge_invitations", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Invitation.objects.count() == 2


@pytest.mark.parametrize("size", [2, 12])
def test_members_page_queries_are_constant(
    coordinator_client, territory, size, django_assert_num_queries
):
    for number in range(size):
        MembershipFactory(territory=territory)
        Invitation.objects.create(
            territory=territory,
            email=f"p{number}@example.org",
            role="referent",
            token_hash=str(number),
            expires_at=timezone.now() + timedelta(days=3),
        )
    coordinator_client.get(members_url(territory))  # warm caches
    with django_assert_num_queries(QUERIES):
        response = coordinator_client.get(members_url(territory))
    assert response.text.count("@example.org") >= size


QUERIES = 7  # session, user, memberships, territory, members, invitations, communes


def test_a_failed_send_keeps_the_invitation_and_says_so(coordinator_client, territory, settings):
    from tests.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    response = coordinator_client.post(
        members_url(territory), {"email": "a@example.org", "role": "referent"}, follow=True
    )
    assert response.status_code == 200 and "pas parti" in response.text
    invitation = Invitation.objects.get()
    assert invitation.sent_count == 0 and invitation.last_sent_at is None
