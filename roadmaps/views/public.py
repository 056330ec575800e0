"""The public side of a published roadmap: its page, the dashboard and its PDF, an action's
page, and the list of published roadmaps (roadmaps/public.py builds what they show).

A roadmap page decorated with `public_variant(public_view)` answers with `public_view` for
anyone who is not a member of the territory when the roadmap is published
(`perms.roadmap_audience`), and with the members' view, unchanged, for the territory's members
and staff. Members see the public variant with `?apercu=public` (a preview, even before
publication). Public pages are cached apart from the members' (`vary`).
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from portal.cache import render_cached
from portal.pdf import cached_pdf_response
from portal.scopes import ROADMAPS, territory_scope
from roadmaps import perms, public

PREVIEW = "apercu"
VARY = ("public",)


def public_variant(public_view):
    def decorator(view):
        @login_not_required
        @wraps(view)
        def wrapped(request, slug, **kwargs):
            try:
                audience = perms.roadmap_audience(request, slug)
            except perms.SignInRequired:
                return redirect_to_login(request.get_full_path())
            if audience == perms.PUBLIC or request.GET.get(PREVIEW) == "public":
                return public_view(request, slug, audience=audience, **kwargs)
            return view(request, slug, **kwargs)

        return wrapped

    return decorator


def public_roadmap(request, slug, audience):
    """The roadmap as published: the public variant's model instance (published, or, for a
    member's preview, the current one) never leaves roadmaps/public.py's builders."""
    if audience == perms.MEMBERS:
        _territory, roadmap, _can_edit = perms.get_roadmap_for_user(request, slug)
        return roadmap
    return perms.get_published_roadmap(slug)


def preview_flag(audience):
    """A member looking at the public variant is told so (and how to go back)."""
    return {"preview": audience == perms.MEMBERS}


def cached_public_page(request, slug, audience, template, make_context):
    """Render a public page, or serve the copy kept for it (apart from the members' pages)."""
    return render_cached(
        request,
        template,
        lambda: make_context(public_roadmap(request, slug, audience)) | preview_flag(audience),
        params=(PREVIEW,),
        vary=VARY,
        scopes=(territory_scope(slug),),
    )


def roadmap_page(request, slug, audience):
    """Queries: session, user and roles when signed in, the publication, the content version;
    on a cache miss the roadmap, axes, actions, step counts, last point d'étape, diagnostic's
    figures, latest points d'étape."""
    return cached_public_page(
        request, slug, audience, "roadmaps/public/roadmap.html", public.roadmap_context
    )


def dashboard_page(request, slug, audience):
    return cached_public_page(
        request, slug, audience, "roadmaps/public/dashboard.html", public.dashboard_context
    )


def dashboard_pdf(request, slug, audience):
    def build():
        link_root = request.build_absolute_uri("/").rstrip("/")
        context = public.dashboard_context(
            public_roadmap(request, slug, audience), link_root=link_root
        )
        return context, f"feuille-de-route-{slug}.pdf"

    return cached_pdf_response(
        request,
        "roadmaps/public/dashboard_pdf.html",
        build,
        params=(PREVIEW,),
        vary=VARY,
        scopes=(territory_scope(slug),),
    )


def action_page(request, slug, audience, pk):
    def make_context(roadmap):
        context = public.action_context(roadmap, pk)
        if context is None:
            raise Http404
        return context

    return cached_public_page(request, slug, audience, "roadmaps/public/action.html", make_context)


def roadmap_list(request):
    """The published roadmaps of every territory (two queries when signed out: the content
    version, the roadmaps): their own columns and their territories' names (a territory's row
    is `all`), stale when a roadmap changes anywhere (`roadmaps`), not at every action's
    progress."""
    return render_cached(
        request,
        "roadmaps/public/roadmap_list.html",
        lambda: {"published": public.published_roadmaps()},
        vary=VARY,
        scopes=(ROADMAPS,),
    )
