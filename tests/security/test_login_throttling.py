"""Sign-in throttling (django-axes): 5 failures for a username from one address lock that pair
out for 15 minutes, with a French page; other accounts and other addresses are not affected."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def attempt(client, username, password="mauvais-mot-de-passe", address="192.0.2.10", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, **kwargs):
    return [attempt(client, username, **kwargs).status_code for _ in range(times)]


def test_four_failures_only_show_the_form_error(client, referent):
    assert fail(client, "referent", 4) == [200] * 4
    response = attempt(client, "referent", PASSWORD)
    assert response.status_code == 302  # signed in


def test_fifth_failure_locks_the_account_from_that_address(client, referent):
    assert fail(client, "referent", 5) == [200, 200, 200, 200, 429]
    response = attempt(client, "referent", PASSWORD)  # even the right password
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.text
    assert "<h1>Connexion temporairement bloquée</h1>" in text
    assert "Après 5 tentatives de connexion échouées" in text
    assert "Réessayez dans 15 minutes." in text
    assert reverse("password_reset") in text
    assert 'id="contenu"' in text  # in the site's layout


def test_lockout_is_per_username_and_address(client, referent, coordinator):
    fail(client, "referent", 5)
    assert attempt(client, "referent", PASSWORD, address="198.51.100.7").status_code == 302
    client.logout()
    assert attempt(client, "coordination", PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client, referent):
    fail(client, "referent", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "referent", PASSWORD).status_code == 302


def test_success_resets_the_failure_count(client, referent):
    fail(client, "referent", 4)
    assert attempt(client, "referent", PASSWORD).status_code == 302
    client.logout()
    assert fail(client, "referent", 4) == [200] * 4


def test_admin_sign_in_is_throttled_too(client, staff):
    url = reverse("admin:login")
    assert fail(client, "admin", 5, url=url)[-1] == 429
    assert attempt(client, "admin", PASSWORD, url=url).status_code == 429


def test_unknown_usernames_are_throttled_the_same(client, db):
    assert fail(client, "personne", 5)[-1] == 429


def test_behind_the_proxy_the_forwarded_address_counts(client, referent, settings):
    settings.TRUSTED_PROXIES = 1
    for number in range(5):
        # The client forges the first address; nginx appends the real one.
        client.post(
            LOGIN,
            {"username": "referent", "password": "faux"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{number}, 203.0.113.5",
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    response = client.post(
        LOGIN,
        {"username": "referent", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert response.status_code == 302  # another address


def test_force_login_is_not_throttled(client, referent):
    """The personas' fixtures sign in with force_login, which bypasses authenticate()."""
    fail(client, "referent", 5)
    client.force_login(referent)
    assert client.get("/").status_code == 200


def test_client_login_without_a_request_still_works(client, referent):
    """authenticate() without a request (the test client's login()) is not throttled."""
    assert not client.login(username="referent", password="faux")
    assert client.login(username="referent", password=PASSWORD)
    assert client.get("/").context["user"] == referent


@pytest.mark.parametrize("url", [LOGIN, reverse("admin:login")])
def test_a_username_longer_than_axes_column_is_a_failed_sign_in(client, db, url):
    """django-axes stores the username in 255 characters: a longer one was a 500 on PostgreSQL.
    It is cut for axes' record, and throttled like any other."""
    username = "a" * 256
    response = attempt(client, username, url=url)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()  # "Saisissez un nom d'utilisateur…"
    assert AccessAttempt.objects.get().username == "a" * 255
    assert fail(client, username, 4, url=url)[-1] == 429


@pytest.mark.parametrize("forwarded", ["not-an-ip", "1.2.3.4.5", "fe80::1%eth0", "<script>"])
def test_a_forwarded_for_that_is_not_an_address_is_ignored(client, referent, settings, forwarded):
    """Behind the proxy, a forwarded value that is not an IP address was stored by axes as the
    address (a 500 on every sign-in on PostgreSQL): it is ignored, REMOTE_ADDR counts."""
    settings.TRUSTED_PROXIES = 1
    response = client.post(
        LOGIN,
        {"username": "referent", "password": "faux"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"
    response = client.post(
        LOGIN,
        {"username": "referent", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 302
