"""A real SMTP server for the e-mail tests (aiosmtpd), on a free local port, with Django's SMTP
backend pointed at it: what the tests read is what a mail server received."""

import contextlib
import email
import socket
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler keeping every message received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait(self, count=1, timeout=5):
        """The messages once at least `count` arrived (the server runs in its own thread)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Start an SMTP server and send Django's e-mail to it; yields its Inbox."""
    with running_smtp_server(settings) as inbox:
        yield inbox


@contextlib.contextmanager
def running_smtp_server(settings):
    """The same, for a test that starts it itself (pytest-django's `settings` fixture)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def attachment(message, content_type):
    """The bytes of the first attachment of `content_type`."""
    for part in message.iter_attachments():
        if part.get_content_type() == content_type:
            return part.get_payload(decode=True)
    raise AssertionError(f"no {content_type} attachment")


def text_body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def subject(message):
    """The subject as one line (a long encoded subject is folded in the message)."""
    return " ".join(str(message["Subject"]).split())
