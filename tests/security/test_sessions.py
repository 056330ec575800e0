"""Sessions: a new key at sign-in, an idle timeout that costs no query, no-store when signed in."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.security import LAST_ACTIVITY_KEY
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def session_writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    writes = [
        q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]
    ]
    return response, writes


def set_last_activity(client, seconds_ago):
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_sign_in_changes_the_session_key(client, referent):
    session = client.session
    session["choix"] = "avant la connexion"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key

    response = client.post(reverse("login"), {"username": "referent", "password": PASSWORD})

    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.session["_auth_user_id"] == str(referent.pk)
    assert not type(session)().exists(before)  # the old key no longer works


def test_sign_in_stamps_the_activity(client, referent):
    client.post(reverse("login"), {"username": "referent", "password": PASSWORD})
    assert abs(client.session[LAST_ACTIVITY_KEY] - time.time()) < 5


def test_idle_session_is_signed_out(client, referent, caplog):
    client.force_login(referent)
    set_last_activity(client, settings.SESSION_IDLE_TIMEOUT + 1)

    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert f"event=session.expired user_id={referent.pk}" in caplog.text
    page = client.get(response["Location"])
    assert "Votre session a expiré" in page.text


def test_active_session_stays_signed_in(client, referent):
    client.force_login(referent)
    set_last_activity(client, settings.SESSION_IDLE_TIMEOUT - 60)
    response = client.get("/")
    assert response.context["user"] == referent


def test_activity_stamp_written_at_most_once_a_minute(client, referent):
    client.force_login(referent)
    # Just signed in: nothing to write.
    response, writes = session_writes(client, "/")
    assert response.status_code == 200
    assert writes == []
    # Last request 2 minutes ago: one session update, then none.
    set_last_activity(client, 120)
    response, writes = session_writes(client, "/")
    assert len([sql for sql in writes if sql.startswith("UPDATE")]) == 1
    assert abs(client.session[LAST_ACTIVITY_KEY] - time.time()) < 5
    response, writes = session_writes(client, "/")
    assert writes == []


def test_signed_in_responses_are_not_stored(client, referent):
    client.force_login(referent)
    response = client.get("/mentions-legales/")
    assert "no-store" in response["Cache-Control"]


def test_visitor_responses_may_be_cached(client):
    response = client.get("/mentions-legales/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_sign_out_response_is_not_stored(client, referent):
    client.force_login(referent)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    assert client.get("/").context["user"].is_anonymous
