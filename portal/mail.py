"""The portal's e-mail: one way to send a French message (plain text and HTML, from two
templates), with attachments, that never makes a page fail.

    send(
        to=["jeanne@example.org"],
        subject=_("Invitation au réseau de %(territory)s") % {"territory": territory.name},
        template="portal/emails/invitation",   # .txt and .html
        context={...},
        attachments=[("rendez-vous.ics", ics_bytes, "text/calendar; method=REQUEST")],
    )

`send` returns True when the server accepted the message and False when sending failed: the
failure is logged (never raised), so that the page or the command that sent it goes on; a
command that must retry keeps its own record of what was sent (docs/architecture.md). The
backend is Django's, configured by the environment (SMTP in production, the console in
development: portal/settings.py, EMAIL_*). Tests send through a real SMTP server they start
(tests/smtp.py)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def message(*, to, subject, template, context=None, attachments=(), reply_to=None):
    """The EmailMultiAlternatives of `template`.txt (body) and `template`.html (alternative)."""
    context = dict(context or {})
    email = EmailMultiAlternatives(
        subject=" ".join(str(subject).split()),  # a subject holds no line break
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to) if reply_to else None,
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for name, content, mimetype in attachments:
        email.attach(name, content, mimetype)
    return email


def send(*, to, subject, template, context=None, attachments=(), reply_to=None, what=""):
    """Send one message; True if the server took it, False (logged, never raised) otherwise.
    `what` names the message in the log (« invitation 12 »)."""
    if not to:
        return False
    email = message(
        to=to,
        subject=subject,
        template=template,
        context=context,
        attachments=attachments,
        reply_to=reply_to,
    )
    try:
        email.send()
    except Exception:  # the server is down or refuses: the caller goes on
        logger.exception("e-mail not sent: %s", what or subject)
        return False
    return True
