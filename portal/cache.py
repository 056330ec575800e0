"""Pages kept in the cache, and the content version that makes them stale.

The pages people open every week (the directory, a partner's record, a roadmap, its dashboard, the
guide) cost tens of milliseconds of ORM and template work, for content that changes a few times
a day. They are rendered once and kept in the cache under a key made of:

- the **content version**: a random token stored in the database (`ContentVersion`), replaced in
  the same transaction as any change to the portal's content (signals below, plus
  `content_changed()` after bulk writes). Reading it is one primary-key query, so every process
  on every server agrees on whether its copy is current, whatever the cache backend;
- **who is looking**, reduced to what decides what a page shows: signed in or not, staff, the
  roles per territory and the territory being worked in. Two coordinators of the same territory
  share their pages; a coordinator and a référent, or two territories, never do;
- the path and query string, the language and the day (late actions, freshness of records).

The parts of a page that belong to one person are never cached: the header (name, territory
switcher, sign-out form), the messages, the CSRF token and the tokens of creation forms
(portal/submissions.py, a new one at each form). The page is kept as a list of fragments cut
where these go, and each request's own parts are put between the fragments (`Slots`, `fill`):
nothing in the content is ever searched or replaced, so no text typed into a field can become a
place where a request's CSRF token is written.

Who may see a page is decided before the cache is read, by the same functions as every other
view (`portal.access`, the app's `perms.py`: `access.check_slug_visible` asks `can_view`); the
key's viewer part (`viewer`) only says which copy to serve, from `access.roles_of`.

Only the query parameters a page reads enter the key (`params`); a link with others is
redirected to the same page without them, so that `?x=1`, `?x=2`… cannot each cost a rendering.
"""

import hashlib
import logging
import re
import secrets
from collections import Counter

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from portal import access
from portal.models import ContentVersion
from portal.templatetags import portal_forms

logger = logging.getLogger(__name__)

CONTENT = "content"
WATCHED_APPS = {"portal", "partners", "companies", "roadmaps", "referents"}
# Rows that no cached page shows: writing them must not make every page stale. The orientation
# helper records one count per interview (shown on the observatory only, which is not cached);
# a calendar feed's secret token shows on the rendez-vous page only (not cached either).
IGNORED_MODELS = {
    "portal.contentversion",
    "portal.formsubmission",  # tokens of creation forms already sent (portal/submissions.py)
    "referents.calendarfeed",
    "referents.registration",  # shown on no cached page (events and rendez-vous are not cached)
    "referents.orientationcount",
    "referents.orientationcount_needs",
    "referents.orientationcount_unmet_needs",
}


TOKEN_SQL = f"SELECT token FROM {ContentVersion._meta.db_table} WHERE name = %s"


def content_token():
    """The current content version: one query, on every request for a cached page, written in
    SQL because the ORM took five times longer to build it than the database to answer it."""
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, [CONTENT])
        row = cursor.fetchone()
    return row[0] if row else ""


def content_changed():
    """Make every cached page stale. Runs in the caller's transaction: if it rolls back, the
    old token comes back, and the pages cached meanwhile under the new one are never read."""
    token = secrets.token_hex(16)
    if not ContentVersion.objects.filter(pk=CONTENT).update(token=token):
        ContentVersion.objects.update_or_create(pk=CONTENT, defaults={"token": token})


def is_watched(model):
    meta = model._meta
    return meta.app_label in WATCHED_APPS and meta.label_lower not in IGNORED_MODELS


def _saved(sender, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # a sign-in or a new password shows on no page
    content_changed()


def _deleted(sender, **kwargs):
    content_changed()


def _m2m_changed(sender, action, **kwargs):
    if (
        action in {"post_add", "post_remove", "post_clear"}
        and sender._meta.apps is apps  # not a migration's historical model
        and is_watched(sender)
    ):
        content_changed()


def connect_signals():
    """Listen to the portal's own models only (PortalConfig.ready): a model with a delete
    receiver loses Django's fast delete, which the sessions and the sign-in attempts keep."""
    for model in apps.get_models():
        if is_watched(model):
            uid = f"maillage_cache_{model._meta.label_lower}"
            post_save.connect(_saved, sender=model, dispatch_uid=uid)
            post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_m2m_changed, dispatch_uid="maillage_cache_m2m")


@receiver(post_migrate, dispatch_uid="maillage_cache_migrated")
def _migrated(sender, app_config, using, **kwargs):
    """Data migrations write through historical models, which send no signal we watch."""
    if app_config.name != "portal":
        return
    if ContentVersion._meta.db_table in connections[using].introspection.table_names():
        content_changed()


def viewer(request):
    """What decides what a page shows to this person (never their name or id)."""
    user = request.user
    if not user.is_authenticated:
        return "visitor"
    roles = sorted(access.roles_of(user).items())
    territory = request.territory
    return f"member:{int(user.is_staff)}:{roles}:{territory.pk if territory else '-'}"


def query_key(request, params):
    """The parameters among `params` this request gives, as the page reads them: the last value
    of each (`QueryDict.get`, as forms do), in a fixed order."""
    return urlencode([(name, request.GET[name]) for name in sorted(params) if name in request.GET])


def strip_unknown_params(request, params):
    """A redirect to the same page without the query parameters it does not read, or None when
    there are none. Each cached view names the parameters it reads: any other one would make a
    new key for the same content (and a new rendering, seconds for a PDF)."""
    if all(name in params for name in request.GET):
        return None
    kept = [(name, values) for name, values in request.GET.lists() if name in params]
    query = urlencode(kept, doseq=True)
    return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)


def page_key(request, *vary, params=()):
    parts = [
        content_token(),
        timezone.localdate().isoformat(),
        translation.get_language() or "",
        request.path,
        query_key(request, params),
        viewer(request),
        *map(str, vary),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{digest}"


def _messages(request):
    if not len(messages.get_messages(request)):
        return ""  # most pages have no message: no template to render then
    return render_to_string("includes/_messages.html", request=request)


# What goes in each per-request place of a cached page (`Slots`), for this request: once per
# request, or, for a name in FRESH, anew at each place (a value that must differ between two
# forms of one page).
FILLERS = {
    "header": lambda request: render_to_string("includes/_header.html", request=request),
    "messages": _messages,
    "csrf": get_token,
    # `{% submission_token %}`: a new token for each form of each display (portal/submissions.py)
    "submission": lambda request: portal_forms.hidden_input(),
}
FRESH = {"submission"}


class Slots:
    """The places of one rendering where per-request content goes: `{{ page_slots.header }}`,
    `{{ page_slots.messages }}` in base.html, every CSRF token (`csrf_token` in the context) and
    any other `page_slots.place(name)` (a name of FILLERS) a template tag writes.

    Each place is written as a separator made for this rendering only (a random nonce, made
    after the content was read and never sent to anyone, behind a "<" that autoescaping turns
    into "&lt;" in any value) and counted as the template engine writes it. `cut()` splits the
    page at the separators and checks it found exactly those the template wrote: content can
    never add a place, and a page where the count differs is not kept."""

    def __init__(self):
        nonce = secrets.token_hex(16)
        self.separator = f"<maillage-slot-{nonce}:"
        names = "|".join(map(re.escape, FILLERS))
        self.pattern = re.compile(f"{re.escape(self.separator)}({names})>")
        self.written = Counter()

    def place(self, name):
        """The separator of one place for `name` (a key of FILLERS), counted."""
        self.written[name] += 1
        return SafeString(f"{self.separator}{name}>")

    def header(self):
        return self.place("header")

    def messages(self):
        return self.place("messages")

    def context(self):
        return {"page_slots": self, "csrf_token": _CsrfSlot(self)}

    def cut(self, html):
        """[fragment, slot name, fragment, …, fragment], or None if the places found are not
        exactly the ones written."""
        parts = self.pattern.split(html)
        if Counter(parts[1::2]) != self.written:
            return None
        return parts


class _CsrfSlot(SafeString):
    """The CSRF token's place: Django's `{% csrf_token %}` and `{{ csrf_token }}` output it
    through `__html__`, which counts each time it is written."""

    def __new__(cls, slots):
        value = super().__new__(cls, f"{slots.separator}csrf>")
        value.slots = slots
        return value

    def __html__(self):
        self.slots.written["csrf"] += 1
        return self


def fill(request, parts):
    """The cached page with this request's header, messages, CSRF token… put between its
    fragments."""
    filled = {}
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(part)
        elif part in FRESH:
            out.append(FILLERS[part](request))
        else:
            if part not in filled:
                filled[part] = FILLERS[part](request)
            out.append(filled[part])
    return "".join(out)


def get_or_make(store, request, make, *vary, params=()):
    """What `make()` returns, or the copy `store` keeps for the same content, page and kind of
    viewer (`page_key`). A response returned by `make()` (a redirect, another template) is
    passed on and not kept.

    `params` names the query parameters the page reads: a request with any other one is
    redirected to the page without them (`strip_unknown_params`)."""
    redirect = strip_unknown_params(request, params)
    if redirect:
        return redirect
    seconds = settings.PAGE_CACHE_SECONDS
    key = page_key(request, *vary, params=params) if seconds else None
    kept = store.get(key) if key else None
    request.page_cache = "miss" if kept is None else "hit"  # bench/load/middleware.py reads it
    if kept is None:
        kept = make()
        if key and not isinstance(kept, HttpResponse):
            store.set(key, kept, seconds)
    return kept


def render_cached(request, template_name, build, params=(), vary=()):
    """Render `template_name` with the context `build()` returns, or serve the copy kept for
    the same content, page, query parameters (among `params`, the ones the page reads) and kind
    of viewer (and `vary`, more words of the key: the public variant of a page).

    `build` runs only when no copy is kept; it may return a response (a redirect, another
    template) instead of a context, which is returned as it is and not kept.
    """

    def render():
        context = build()
        if isinstance(context, HttpResponse):
            return context
        slots = Slots()
        parts = slots.cut(render_to_string(template_name, context | slots.context(), request))
        if parts is None:
            # Cannot happen with the portal's templates; never serve a doubtful copy.
            logger.warning("Page not cached, its per-request places differ: %s", request.path)
            return HttpResponse(render_to_string(template_name, context, request))
        return parts

    parts = get_or_make(cache, request, render, *vary, params=params)
    if isinstance(parts, HttpResponse):
        return parts
    return HttpResponse(fill(request, parts))
