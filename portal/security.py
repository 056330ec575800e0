"""Security plumbing: response headers, private caching, idle sessions, client address, what
django-axes records, and the NUL and control characters of requests.

See docs/security.md for the policy these pieces implement and how each one is tested.
"""

import ipaddress
import logging
import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import BadRequest
from django.dispatch import receiver
from django.http import QueryDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from portal.text import CONTROL_CHARACTERS_BUT_NUL, strip_control_characters

audit_logger = logging.getLogger("maillage.audit")

# Session key holding the time (seconds since the epoch) of the user's last known activity.
LAST_ACTIVITY_KEY = "_maillage_last_activity"
# The activity stamp is rewritten at most this often, so that an active user costs one session
# write per minute rather than one per request.
ACTIVITY_RESOLUTION = 60
# Length of django-axes' AccessAttempt.username column.
AXES_USERNAME_MAX_LENGTH = 255


class SecurityHeadersMiddleware:
    """Headers Django has no setting for: Permissions-Policy and Cross-Origin-Resource-Policy.

    Placed before WhiteNoiseMiddleware, so static files carry them too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response


class SessionSecurityMiddleware:
    """Idle timeout of signed-in sessions, and `Cache-Control: no-store` on their pages.

    The idle check runs when the view first needs `request.user` (it wraps the lazy user set by
    AuthenticationMiddleware), so it reads the session that authentication reads anyway: no
    extra query. The activity stamp is rewritten at most once a minute (one session UPDATE);
    sign-in sets it, so the first requests after signing in write nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            request.user = SimpleLazyObject(lambda: self.active_user(request))
        response = self.get_response(request)
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or settings.SESSION_COOKIE_NAME in response.cookies
        ):
            # A request carrying a session cookie may show personal data: no shared cache, no
            # copy kept by the browser (the back button after signing out shows nothing).
            add_never_cache_headers(response)
        return response

    def active_user(self, request):
        session = request.session
        if auth.SESSION_KEY not in session:
            return AnonymousUser()
        now = int(time.time())
        last_activity = session.get(LAST_ACTIVITY_KEY)
        if last_activity is not None and now - last_activity > settings.SESSION_IDLE_TIMEOUT:
            audit_logger.info(
                "event=session.expired user_id=%s idle_seconds=%s ip=%s",
                session[auth.SESSION_KEY],
                now - last_activity,
                client_ip(request) or "-",
            )
            session.flush()
            messages.info(
                request,
                _("Votre session a expiré après une période d'inactivité. Reconnectez-vous."),
                fail_silently=True,
            )
            return AnonymousUser()
        if last_activity is None or now - last_activity >= ACTIVITY_RESOLUTION:
            session[LAST_ACTIVITY_KEY] = now
        return auth.get_user(request)


@receiver(user_logged_in, dispatch_uid="maillage_stamp_activity_at_sign_in")
def stamp_activity_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' backend, first in AUTHENTICATION_BACKENDS: refuses a sign-in while the
    username and address pair is locked out. A call without a request (the test client's
    login(), a script) comes from no address, so there is nothing to throttle: it is let through
    to the next backend instead of raising as axes does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXIES reverse proxies the address
    the outermost of them appended to X-Forwarded-For (the ones before it can be forged).

    A value that is not an IP address (a forged or mangled header: `not-an-ip`) is ignored, as if
    the header were absent: django-axes stores the address in an `inet` column on PostgreSQL,
    where such a value would turn every sign-in into a 500."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            address = _ip_address(forwarded[-proxies])
            if address:
                return address
    return _ip_address(request.META.get("REMOTE_ADDR"))


def _ip_address(value):
    """`value` as a canonical IP address, or None when it is not one (or carries an IPv6
    zone, `fe80::1%eth0`, which PostgreSQL's inet type refuses)."""
    try:
        address = ipaddress.ip_address(value or "")
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None
    return str(address)


def sign_in_username(request, credentials=None):
    """The username django-axes records and checks (AXES_USERNAME_CALLABLE): axes' own choice
    (the credentials, else the posted form), cut to the 255 characters of its column, without
    NUL. A 256-character username was a 500 on PostgreSQL (value too long); now it is one more
    failed sign-in, answered with the form's error."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username.replace("\x00", "")[:AXES_USERNAME_MAX_LENGTH]


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when a sign-in is refused: the French page, status 429."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked.html", context, status=429)


def csrf_failure(request, reason=""):
    """Django's own CSRF failure page has an inline style the CSP blocks: render ours."""
    return render(request, "portal/csrf_failure.html", status=403)


class RejectNullBytesMiddleware:
    """Answer 400 to a query string holding a NUL byte: no legitimate link has one, and
    PostgreSQL refuses NUL in text, so a lookup made with it would end in a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise BadRequest("NUL byte in the query string")
        return self.get_response(request)


class StripControlCharactersMiddleware:
    """Remove C0 control characters (but tab, line feed, carriage return and NUL) from every
    posted form field, before any form sees them: one place for every form of the portal and of
    the admin. A vertical tab pasted from a word processor would otherwise be stored, then make
    every XLSX export holding it fail (XML cannot carry it). NUL is left to Django's fields,
    which refuse it with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and any(
            CONTROL_CHARACTERS_BUT_NUL.search(key) or CONTROL_CHARACTERS_BUT_NUL.search(value)
            for key, values in request.POST.lists()
            for value in values
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.POST.lists():
                cleaned.setlist(
                    strip_control_characters(key, keep_nul=True),
                    [strip_control_characters(value, keep_nul=True) for value in values],
                )
            cleaned._mutable = False
            request.POST = cleaned
        return self.get_response(request)
