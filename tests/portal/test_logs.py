"""Secret tokens of URLs (calendar feeds, password reset links) never reach a log line."""

import datetime
import logging
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.config import Config

from portal.logs import REDACTED, GunicornLogger, redact

CALENDAR_TOKEN = "Zx9-secret_CalendarToken-0123456789abcdefghijklmno"
RESET_UID, RESET_TOKEN = "MTIz", "cdq8ab-0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def secret_urls():
    return [
        (reverse("referents:calendar", args=["grand-angouleme", CALENDAR_TOKEN]), CALENDAR_TOKEN),
        (
            reverse("password_reset_confirm", kwargs={"uidb64": RESET_UID, "token": RESET_TOKEN}),
            RESET_TOKEN,
        ),
        (
            reverse(
                "password_reset_confirm", kwargs={"uidb64": RESET_UID, "token": "set-password"}
            ),
            RESET_UID,
        ),
    ]


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.mark.parametrize("index", range(3))
def test_the_secret_segments_of_the_url_conf_are_redacted(index):
    url, secret = secret_urls()[index]
    assert secret not in redact(f'"GET {url}?x=1 HTTP/1.1" 200')
    assert REDACTED in redact(url)


def test_other_urls_are_left_as_they_are(territory):
    for url in [
        reverse("referents:calendar_renew", args=[territory.slug]),
        reverse("password_reset_complete"),
        reverse("password_reset"),
        "/partenaires/?q=agenda",
    ]:
        assert redact(url) == url


def test_gunicorn_access_lines_carry_no_token():
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = GunicornLogger(cfg)
    collect = Collect()
    logger.access_log.addHandler(collect)
    try:
        for url, secret in secret_urls():
            environ = {
                "REQUEST_METHOD": "GET",
                "RAW_URI": f"{url}?jeton={secret}",
                "PATH_INFO": url,
                "QUERY_STRING": "",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "192.0.2.1",
                "HTTP_REFERER": f"https://maillage.example{url}",
            }
            request = SimpleNamespace(headers=[("REFERER", f"https://maillage.example{url}")])
            response = SimpleNamespace(status="200 OK", response_length=12, headers=[], sent=12)
            logger.access(response, request, environ, datetime.timedelta(milliseconds=3))
            line = collect.lines[-1]
            assert "GET " in line and REDACTED in line
            assert secret not in line.split("?jeton=")[0]
    finally:
        logger.access_log.removeHandler(collect)


def test_gunicorn_error_lines_carry_no_token():
    logger = GunicornLogger(Config())
    collect = Collect()
    logger.error_log.addHandler(collect)
    try:
        url, secret = secret_urls()[0]
        logger.error("Error handling request %s", url)
        assert secret not in collect.lines[-1]
    finally:
        logger.error_log.removeHandler(collect)


@pytest.mark.django_db
def test_django_request_log_carries_no_token(client, caplog, territory):
    url = reverse("referents:calendar", args=[territory.slug, CALENDAR_TOKEN])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(url).status_code == 404
    assert "Not Found" in caplog.text
    assert CALENDAR_TOKEN not in caplog.text


def test_runserver_lines_carry_no_token():
    server = logging.getLogger("django.server")
    collect = Collect()
    server.addHandler(collect)
    try:
        for url, secret in secret_urls():
            server.info('"%s" %s %s', f"GET {url} HTTP/1.1", "200", "12")
            assert secret not in collect.lines[-1]
    finally:
        server.removeHandler(collect)
