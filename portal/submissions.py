"""Creation forms that create once per display, whatever the number of clicks.

Every creation form carries a random token, written when the form is displayed
(`{% submission_token %}`, portal/templatetags/portal_forms.py). The view creates through
`create_once()`: the first POST of a display claims its token (a row of `FormSubmission`, unique
per user, form address and token) in the same transaction as what it creates, and remembers
where it sent the user; a second POST with the same token (a double click, a reload, the back
button) creates nothing and is sent to the first one's result, with a message. Two POSTs that
arrive together are serialised by the unique constraint: the second waits for the first to
commit, then finds its row.

A POST without a token (a client that is not one of our pages) creates as before: the token
protects people from their own double clicks, it is not a permission.
"""

import datetime
import re
import secrets

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import FormSubmission

FIELD = "submission"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEPT = datetime.timedelta(days=1)


def new_token():
    return secrets.token_urlsafe(24)


def posted_token(request):
    """The token of the submitted form, or None (missing or malformed)."""
    token = request.POST.get(FIELD, "")
    return token if TOKEN_RE.match(token) else None


def create_once(request, create):
    """Run `create()` (which returns the response: a redirect on success) at most once per
    displayed form.

    A repeated POST of the same display returns a redirect to the first result and says so.
    A response that is not a redirect (the form refused after all) releases the token, so the
    corrected form can be sent again.
    """
    token = posted_token(request)
    if token is None or not request.user.is_authenticated:
        return create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(
                    user=request.user, path=request.path[:300], token=token
                )
        except IntegrityError:
            first = FormSubmission.objects.filter(
                user=request.user, path=request.path[:300], token=token
            ).first()
            messages.info(
                request,
                _(
                    "Ce formulaire avait déjà été envoyé : il n'est enregistré qu'une fois. "
                    "Voici le résultat du premier envoi."
                ),
            )
            return redirect(first.result_url if first and first.result_url else request.path)
        response = create()
        if response.status_code in (301, 302, 303) and response.get("Location"):
            submission.result_url = response["Location"][:500]
            submission.save(update_fields=["result_url"])
        else:
            submission.delete()
        FormSubmission.objects.filter(created_at__lt=timezone.now() - KEPT).delete()
    return response
