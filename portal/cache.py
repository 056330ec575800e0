"""Pages kept in the cache, and the content version that makes them stale.

The pages people open every week (the directory, a partner's record, a roadmap, its dashboard, the
guide) cost tens of milliseconds of ORM and template work, for content that changes a few times
a day. They are rendered once and kept in the cache under a key made of:

- the **content versions** of the page's scopes: random tokens stored in the database
  (`ContentVersion`, one row per scope: `all` and, say, `territory:<slug>`), replaced in the
  same transaction as any change to what the scope's pages show (signals below, the scopes of a
  row derived from the models by portal/scopes.py, plus `content_changed(*scopes)` after bulk
  writes). Reading them is one query, so every process on every server agrees on whether its
  copy is current, whatever the cache backend, and an edit in one territory leaves the pages
  of the others in the cache;
- **who is looking**, reduced to what decides what a page shows: signed in or not, staff, the
  roles per territory and the territory being worked in. Two coordinators of the same territory
  share their pages; a coordinator and a référent, or two territories, never do;
- the path and query string, the language and the day (late actions, freshness of records).

The parts of a page that belong to one person are never cached: the header (name, territory
switcher, sign-out form), the messages, the CSRF token, the tokens of creation forms
(portal/submissions.py, a new one at each form) and what a view renders for this person alone
(`{% own_part %}`: the home page's « Mes rappels »). The page is kept as a list of fragments cut
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
from django.db.models.signals import m2m_changed, post_migrate, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from portal import access
from portal import scopes as scoping
from portal.models import ContentVersion
from portal.scopes import is_watched
from portal.templatetags import portal_forms

logger = logging.getLogger(__name__)

TABLE = ContentVersion._meta.db_table


def _names(scopes):
    """The content versions a page depends on: `all` and its own scopes, sorted."""
    return sorted({scoping.ALL, *scopes})


def content_token(*scopes):
    """The current content versions of `all` and `scopes`, joined in sorted order (a missing
    row: an empty token): one query, on every request for a cached page, written in SQL because
    the ORM took five times longer to build it than the database to answer it. Read before the
    page's data: a copy filed under these tokens is never older than the last committed change."""
    return _tokens(_names(scopes))


def _tokens(names):
    """The content versions of `names` (sorted), joined: one query (none for no name)."""
    if not names:
        return ""
    placeholders = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, token FROM {TABLE} WHERE name IN ({placeholders})", names)
        tokens = dict(cursor.fetchall())
    return "\x1e".join(f"{name}={tokens.get(name, '')}" for name in names)


def content_changed(*scopes):
    """Make the pages of `scopes` stale (no scope: every page, `all`). Runs in the caller's
    transaction: if it rolls back, the old tokens come back, and the pages cached meanwhile
    under the new ones are never read. One statement for every scope, names sorted, so that
    two writers lock the rows in the same order (no deadlock), and an upsert, so that two
    first writers of a scope never collide."""
    names = scoping.finish(scopes or [scoping.ALL])
    ContentVersion.objects.bulk_create(
        [ContentVersion(name=name, token=secrets.token_hex(16)) for name in names],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["token", "changed_at"],
    )


# Saves that show on no page: a sign-in, a new password.
UNSEEN_FIELDS = {"last_login", "password"}


def _unseen(update_fields):
    return update_fields is not None and set(update_fields) <= UNSEEN_FIELDS


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """The scopes of the row as the database holds it before the save (where it was)."""
    if raw or _unseen(update_fields) or instance._state.adding or instance.pk is None:
        return
    instance._scopes_before = scoping.scopes_before_save(sender, instance.pk)
    instance._listed_before = scoping.list_values(sender, instance.pk)


def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if _unseen(update_fields):
        return
    before, hops = instance.__dict__.pop("_scopes_before", (set(), None))
    listed_before = instance.__dict__.pop("_listed_before", None)
    if raw:  # fixtures: the rows a path goes through may not be loaded yet
        content_changed()
        return
    columns = scoping.first_hops(sender)
    if hops is not None and tuple(getattr(instance, name) for name in columns) == tuple(hops):
        content_changed(*before)  # where it was is where it is: no need to read it again
        return
    scopes = {*before, *scoping.scopes_in_db(sender, instance.pk)}
    if scoping.keeps_its_place(sender, instance.pk, listed_before):
        scopes.discard(sender.cache_list_scope)  # its lists check the rows they show
    content_changed(*scopes)


def _deleting(sender, instance, **kwargs):
    """Before the delete (and its cascades) removes the rows the scopes are found through."""
    content_changed(*scoping.scopes_in_db(sender, instance.pk))


def _m2m_changed(sender, instance, action, **kwargs):
    """Links added (after) or removed (before): the scopes of the row whose links change, which
    include, for a root shown where referenced, the rows linked to it at that moment."""
    if (
        action in {"post_add", "pre_remove", "pre_clear"}
        and sender._meta.apps is apps  # not a migration's historical model
        and is_watched(sender)
    ):
        content_changed(*scoping.scopes_in_db(type(instance), instance.pk))


def connect_signals():
    """Listen to the portal's own models only (PortalConfig.ready): a model with a delete
    receiver loses Django's fast delete, which the sessions and the sign-in attempts keep."""
    for model in apps.get_models():
        if is_watched(model):
            uid = f"maillage_cache_{model._meta.label_lower}"
            pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
            post_save.connect(_saved, sender=model, dispatch_uid=uid)
            pre_delete.connect(_deleting, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_m2m_changed, dispatch_uid="maillage_cache_m2m")


@receiver(post_migrate, dispatch_uid="maillage_cache_migrated")
def _migrated(sender, app_config, using, **kwargs):
    """Data migrations write through historical models, which send no signal we watch."""
    if app_config.name != "portal":
        return
    if TABLE in connections[using].introspection.table_names():
        content_changed()


# Part of every key: a change of what is kept under a key (see `get_or_make`) changes it, so
# that a shared cache never serves an entry of the former shape after a deployment.
FORMAT = "2"


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


def page_key(request, *vary, params=(), scopes=()):
    parts = [
        FORMAT,
        content_token(*scopes),
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


def _header(request):
    """The page's header, rendered once for each set of values it shows, per process: for a
    visitor, the app (its active link) and the language; for a member also their name,
    territories, current territory, staff flag and the page's address (the territory switch
    returns to it). Its CSRF tokens are places filled for each request (`Slots`), as in a
    page. Rendering it was a third of a cached page's CPU."""
    if settings.DEBUG:
        return render_to_string(HEADER, request=request)
    key = _header_key(request)
    parts = _HEADERS.get(key)
    if parts is None:
        parts = render_parts(request, HEADER, {})
        if isinstance(parts, str):
            return parts
        if len(_HEADERS) >= HEADERS_KEPT:
            _HEADERS.clear()  # bounded memory; rendered again as they are asked for
        _HEADERS[key] = parts
    return fill(request, parts)


def _header_key(request):
    """Everything templates/includes/_header.html reads."""
    match = request.resolver_match
    key = (translation.get_language(), match.app_name if match else "")
    user = request.user
    if not user.is_authenticated:
        return key
    territory = getattr(request, "territory", None)
    territories = tuple((t.pk, t.slug, t.name) for t in access.territory_list(user))
    return (
        *key,
        request.get_full_path(),
        user.pk,
        user.username,
        user.get_full_name(),
        user.is_staff,
        territory.pk if territory else None,
        territories,
    )


HEADER = "includes/_header.html"
# Headers kept per process (a few kilobytes each).
HEADERS_KEPT = 2000
_HEADERS = {}


# What goes in each per-request place of a cached page (`Slots`), for this request: once per
# request, or, for a name in FRESH, anew at each place (a value that must differ between two
# forms of one page).
FILLERS = {
    "header": _header,
    "messages": _messages,
    "csrf": get_token,
    # `{% submission_token %}`: a new token for each form of each display (portal/submissions.py)
    "submission": lambda request: portal_forms.hidden_input(),
    # `{% own_part %}` (portal/templatetags/page_parts.py): what the page shows this person
    # alone, rendered anew for each request by the function the view set as `request.own_part`
    # (the territory's home page: its panels, « Mes rappels »)
    "own": lambda request: request.own_part(),
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


def show_rows(request, scopes):
    """Called by a cached page's build once it knows which rows it shows (their scopes: the
    `partner:<slug>` of each partner of a page of the directory), before it reads what it shows
    of them. The page is kept with these scopes' content versions, read now, and served again
    only while none of them has changed (one query on each hit, `get_or_make`).

    So a page can leave a scope out of its key that would make it stale much more often than it
    changes: the directory depends on `listing` (which partners, in which order), which a new
    phone number leaves alone, and on the twenty partners it shows. The versions are read
    before the rows' data, as the key's are before the page's: never older than the last
    committed change. Outside a cached page's build (no cache, a PDF's), nothing is read."""
    if getattr(request, "rows_wanted", False):
        names = tuple(sorted(set(scopes)))
        request.rows_shown = (names, _tokens(names))


def _current(entry):
    """The kept copy of `entry` (kept copy, scopes of the rows it shows, their versions then),
    or None when a row it shows changed since."""
    kept, names, tokens = entry
    if names and _tokens(names) != tokens:
        return None
    return kept


def get_or_make(store, request, make, *vary, params=(), scopes=()):
    """What `make()` returns, or the copy `store` keeps for the same content, page and kind of
    viewer (`page_key`) and whose rows shown are unchanged (`show_rows`). A response returned
    by `make()` (a redirect, another template) is passed on and not kept.

    `params` names the query parameters the page reads: a request with any other one is
    redirected to the page without them (`strip_unknown_params`). `scopes` are the content
    versions the page depends on besides `all` (portal/scopes.py): `territory:<slug>`…"""
    redirect = strip_unknown_params(request, params)
    if redirect:
        return redirect
    seconds = settings.PAGE_CACHE_SECONDS
    key = page_key(request, *vary, params=params, scopes=scopes) if seconds else None
    entry = store.get(key) if key else None
    kept = _current(entry) if entry is not None else None
    request.page_cache = "miss" if kept is None else "hit"  # bench/load/middleware.py reads it
    if kept is None:
        request.rows_wanted = key is not None
        try:
            kept = make()
        finally:
            request.rows_wanted = False
        shown = request.__dict__.pop("rows_shown", ((), ""))
        if key and not isinstance(kept, HttpResponse):
            store.set(key, (kept, *shown), seconds)
    return kept


def render_parts(request, template_name, context):
    """`template_name` rendered with `context`, cut at its per-request places (`Slots.cut`):
    the fragments to keep, or, when the places found differ from those written (cannot happen
    with the portal's templates), the page rendered for this request alone, never kept."""
    slots = Slots()
    parts = slots.cut(render_to_string(template_name, context | slots.context(), request))
    if parts is None:
        logger.warning("Page not cached, its per-request places differ: %s", request.path)
        return render_to_string(template_name, context, request)
    return parts


def render_cached(request, template_name, build, params=(), vary=(), scopes=()):
    """Render `template_name` with the context `build()` returns, or serve the copy kept for
    the same content, page, query parameters (among `params`, the ones the page reads) and kind
    of viewer (and `vary`, more words of the key: the public variant of a page), stale when
    `all` or one of `scopes` changes (portal/scopes.py).

    `build` runs only when no copy is kept; it may return a response (a redirect, another
    template) instead of a context, which is returned as it is and not kept.
    """

    def render():
        context = build()
        if isinstance(context, HttpResponse):
            return context
        parts = render_parts(request, template_name, context)
        return HttpResponse(parts) if isinstance(parts, str) else parts

    parts = get_or_make(cache, request, render, *vary, params=params, scopes=scopes)
    if isinstance(parts, HttpResponse):
        return parts
    return HttpResponse(fill(request, parts))
