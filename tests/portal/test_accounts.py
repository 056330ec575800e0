"""Sign in and out, password change and reset, and the way back to the page asked for."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test"  # UserFactory's
NEW_PASSWORD = "Nouvelle-phrase-de-passe-2026"
LOGIN_URL = reverse("login")


@pytest.fixture
def user(db):
    return UserFactory(username="julien", email="julien@example.org")


def test_login_page_is_french_and_labelled(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert LOGIN_URL == "/comptes/connexion/"
    assert "<h1>Connexion</h1>" in response.text
    assert re.search(r'<label\s+for="id_username"', response.text)
    assert re.search(r'<label\s+for="id_password"', response.text)
    assert "Mot de passe oublié ?" in response.text


def test_sign_in_then_sign_out(client, user):
    response = client.post(LOGIN_URL, {"username": "julien", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/").context["user"] == user

    assert client.get(reverse("logout")).status_code == 405  # sign out is a POST
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_wrong_password_gets_a_french_message(client, user):
    response = client.post(LOGIN_URL, {"username": "julien", "password": "faux"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.text
    assert not response.context["user"].is_authenticated


def test_page_needing_an_account_sends_to_sign_in_and_back(client, user):
    target = reverse("password_change")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={target}"

    page = client.get(response["Location"])
    assert "Connectez-vous pour accéder à cette page." in page.text
    assert f'name="next" value="{target}"' in page.text

    response = client.post(LOGIN_URL, {"username": "julien", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == target


def test_sign_in_never_redirects_to_another_site(client, user):
    response = client.post(
        LOGIN_URL,
        {"username": "julien", "password": PASSWORD, "next": "https://ailleurs.example/"},
    )
    assert response["Location"] == reverse("home")


def test_signed_in_user_visiting_login_goes_home(client, user):
    client.force_login(user)
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_password_change(client, user):
    client.force_login(user)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert "<h1>Changer de mot de passe</h1>" in response.text

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Votre mot de passe a bien été changé." in response.text
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_refuses_a_short_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "court", "new_password2": "court"},
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_by_email(client, user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("password_reset"), {"email": "julien@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert "Si un compte existe avec cette adresse" in client.get(response["Location"]).text

    [message] = mail.outbox
    assert message.to == ["julien@example.org"]
    assert message.subject == "Maillage : choisir un nouveau mot de passe"
    assert "Votre identifiant : julien" in message.body
    link = re.search(r"https?://testserver(/comptes/mot-de-passe/nouveau/\S+)", message.body)[1]

    # The link leads to the form (Django swaps the token for a session marker on the way).
    response = client.get(link, follow=True)
    assert "<h1>Nouveau mot de passe</h1>" in response.text
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Votre nouveau mot de passe est enregistré." in response.text
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # A link serves once.
    assert "Ce lien n'est plus valable" in client.get(link, follow=True).text


def test_password_reset_for_an_unknown_address_sends_nothing_but_says_the_same(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("password_reset"), {"email": "inconnu@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_sends_at_most_three_mails_per_address(client, user, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for _ in range(10):
        response = client.post(reverse("password_reset"), {"email": "Julien@example.org"})
        # Over the limit, the same answer: nothing tells whether the address has an account.
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 3
    assert "event=password_reset.throttled" in caplog.text
    assert "limit=address" in caplog.text
    assert "julien@example.org" not in caplog.text.lower()


def test_password_reset_limits_each_client_whatever_the_address(client, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 4
    for number in range(6):
        UserFactory(username=f"u{number}", email=f"u{number}@example.org")
        client.post(reverse("password_reset"), {"email": f"u{number}@example.org"})
    assert len(mail.outbox) == 4
    assert "limit=client" in caplog.text
    # Another client is not held back by the first one.
    client.post(reverse("password_reset"), {"email": "u5@example.org"}, REMOTE_ADDR="192.0.2.7")
    assert len(mail.outbox) == 5


def test_password_reset_counts_again_after_the_period(client, user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    settings.PASSWORD_RESET_LIMIT_PERIOD = 1
    client.post(reverse("password_reset"), {"email": "julien@example.org"})
    client.post(reverse("password_reset"), {"email": "julien@example.org"})
    assert len(mail.outbox) == 1
    time.sleep(1.1)
    client.post(reverse("password_reset"), {"email": "julien@example.org"})
    assert len(mail.outbox) == 2


def test_password_reset_pages_are_public(client):
    for name in ["password_reset", "password_reset_done", "password_reset_complete"]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.text.count("<h1") == 1
