"""Secrets kept out of the logs: the token of a calendar feed's address and the user id and
token of a password reset link are credentials, written in the URL because the calendar client
or the e-mail cannot carry them otherwise. Every line naming such a URL (gunicorn's access and
error logs, Django's `django.request` and `django.server`) shows `[redacted]` in their place.

The patterns follow the URL conf (`tests/portal/test_logs.py` checks them against `reverse()`),
and are read here without Django so that gunicorn's master process can use them.
"""

import logging
import re

from gunicorn import glogging

REDACTED = "[redacted]"
SECRET_URLS = [
    # referents:calendar — /referents/rendez-vous/agenda/<territory>/<token>.ics
    re.compile(r"(/rendez-vous/agenda/[^/?#\s\"]+/)[^/?#\s\"]+(\.ics)"),
    # password_reset_confirm — /comptes/mot-de-passe/nouveau/<uidb64>/<token>/ (Django then
    # redirects to …/<uidb64>/set-password/, where the user id is still to hide)
    re.compile(r"(/mot-de-passe/nouveau/)(?!termine/)[^/?#\s\"]+/[^/?#\s\"]+()"),
]


def redact(text):
    """`text` with the secret segments of the URLs it names replaced by [redacted]."""
    if "/rendez-vous/agenda/" not in text and "/mot-de-passe/nouveau/" not in text:
        return text  # most lines: one test for each, no regular expression
    for pattern in SECRET_URLS:
        text = pattern.sub(rf"\g<1>{REDACTED}\g<2>", text)
    return text


def _redacted(value):
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """A logging filter that redacts the message and its arguments (LOGGING in settings, for
    `django.request` and `django.server`; gunicorn's error log)."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redacted(value) for value in record.args)
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's logger (`logger_class` in gunicorn.conf.py) whose access lines name the URL,
    the referrer and every other field with the secrets redacted, and whose error log is
    filtered the same way."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(item, RedactSecrets) for item in self.error_log.filters):
            self.error_log.addFilter(RedactSecrets())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: _redacted(value) for key, value in atoms.items()}
