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
(portal/submissions.py). The page is rendered with markers in their place, and the markers are
filled for each request (`render_cached`).
"""

import hashlib
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal import access
from portal.models import ContentVersion
from portal.templatetags import portal_forms

CONTENT = "content"
# Markers written in place of the per-request parts; none of them can come from user input
# (any "<" typed by a user is escaped) and the CSRF marker is unchanged by HTML escaping.
CSRF_MARK = "maillage-csrf-0b4e7f19"
HEADER_MARK = "<!--maillage:header-->"
MESSAGES_MARK = "<!--maillage:messages-->"
WATCHED_APPS = {"portal", "partners", "roadmaps", "referents"}
# Rows that no cached page shows: writing them must not make every page stale. The orientation
# helper records one count per interview (shown on the observatory only, which is not cached);
# a calendar feed's secret token shows on the rendez-vous page only (not cached either).
IGNORED_MODELS = {
    "portal.contentversion",
    "portal.formsubmission",  # tokens of creation forms already sent (portal/submissions.py)
    "referents.calendarfeed",
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


def page_key(request, *vary):
    parts = [
        content_token(),
        timezone.localdate().isoformat(),
        translation.get_language() or "",
        request.path,
        request.META.get("QUERY_STRING", ""),
        viewer(request),
        *map(str, vary),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{digest}"


def fill(request, html):
    """The cached page with this request's header, messages and CSRF token."""
    if HEADER_MARK in html:
        html = html.replace(HEADER_MARK, render_to_string("includes/_header.html", request=request))
    if MESSAGES_MARK in html:
        # Most pages have no message: no template to render then.
        shown = (
            render_to_string("includes/_messages.html", request=request)
            if len(messages.get_messages(request))
            else ""
        )
        html = html.replace(MESSAGES_MARK, shown)
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    if portal_forms.MARK in html:
        # a new token for each form of each display (portal/submissions.py)
        parts = html.split(portal_forms.MARK)
        html = parts[0] + "".join(portal_forms.hidden_input() + part for part in parts[1:])
    return html


def get_or_make(store, request, make, *vary):
    """What `make()` returns, or the copy `store` keeps for the same content, page and kind of
    viewer (`page_key`). A response returned by `make()` (a redirect, another template) is
    passed on and not kept."""
    seconds = settings.PAGE_CACHE_SECONDS
    key = page_key(request, *vary) if seconds else None
    kept = store.get(key) if key else None
    if kept is None:
        kept = make()
        if key and not isinstance(kept, HttpResponse):
            store.set(key, kept, seconds)
    return kept


def render_cached(request, template_name, build):
    """Render `template_name` with the context `build()` returns, or serve the copy kept for
    the same content, page and kind of viewer.

    `build` runs only when no copy is kept; it may return a response (a redirect, another
    template) instead of a context, which is returned as it is and not kept.
    """

    def render():
        context = build()
        if isinstance(context, HttpResponse):
            return context
        marks = {"csrf_token": CSRF_MARK, "layout_marks": True}
        return render_to_string(template_name, context | marks, request)

    html = get_or_make(cache, request, render)
    if isinstance(html, HttpResponse):
        return html
    return HttpResponse(fill(request, html))
