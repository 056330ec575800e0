"""portal.mail: a French message in text and HTML with its attachments, through a real SMTP
server; a failed send is logged and reported, never raised."""

import logging

from portal import mail
from tests.smtp import attachment, free_port, smtp_server  # noqa: F401 (the fixture)

CONTEXT = {
    "registration": {"name": "Camille"},
    "meeting": {"title": "Micro-forum"},
    "lead": "Votre inscription à « Micro-forum » est confirmée.",
    "event_url": "https://maillage.example.org/evenements/1-micro-forum/",
    "cancel_url": "https://maillage.example.org/evenements/annulation/x/",
}


def test_a_message_in_text_and_html_with_its_attachment(smtp_server, db):  # noqa: F811
    sent = mail.send(
        to=["camille@example.org"],
        subject="Inscription confirmée :\nMicro-forum",
        template="referents/emails/registration",
        context=CONTEXT,
        attachments=[("evenement.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
    )
    assert sent is True
    (message,) = smtp_server.wait(1)
    assert message["Subject"] == "Inscription confirmée : Micro-forum"  # no line break
    assert message["To"] == "camille@example.org"
    kinds = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= kinds
    assert attachment(message, "text/calendar").startswith(b"BEGIN:VCALENDAR")


def test_a_failed_send_is_logged_and_reported_not_raised(settings, caplog, db):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    with caplog.at_level(logging.ERROR, logger="portal.mail"):
        sent = mail.send(
            to=["camille@example.org"],
            subject="Essai",
            template="referents/emails/registration",
            context=CONTEXT,
            what="essai 1",
        )
    assert sent is False
    assert "e-mail not sent: essai 1" in caplog.text


def test_no_recipient_sends_nothing(smtp_server, db):  # noqa: F811
    assert mail.send(to=[], subject="x", template="referents/emails/registration") is False
    assert smtp_server.messages == []
