"""PDF rendering with WeasyPrint, from the same templates as the print layout.

The URL fetcher only serves the project's own static files: rendering never calls an outside host.
"""

import mimetypes

from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string

from portal.cache import get_or_make

STATIC_PREFIX = "static:"


def _local_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serve `static:<path>` and `.../static/<path>` from the static files; refuse the rest."""

        def fetch(self, url, headers=None):
            path = None
            if url.startswith(STATIC_PREFIX):
                path = url[len(STATIC_PREFIX) :].lstrip("/")
            elif "/static/" in url:
                path = url.split("/static/", 1)[1]
            found = finders.find(path) if path else None
            if not found:
                raise ValueError(f"Ressource externe refusée dans un PDF : {url}")
            with open(found, "rb") as handle:
                content = handle.read()
            mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, content, {"Content-Type": mime_type})

    return StaticOnlyFetcher()


def render_pdf(template_name, context, request=None):
    """PDF bytes of a template rendered with `context`."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url="static:/", url_fetcher=_local_fetcher()).write_pdf()


def cached_pdf_response(request, template_name, build, params=(), vary=(), scopes=()):
    """A PDF kept in the "documents" cache under the same key as a cached page (portal/cache.py:
    content versions of `all` and `scopes`, who is looking, path and the query parameters among
    `params`, day): a guide of a large territory takes seconds to lay out, and is downloaded
    again and again between two changes. `build()` returns (the template's context, the file
    name); it runs only when no copy is kept. A link with a parameter outside `params` is
    redirected to the PDF without it."""

    def make():
        context, filename = build()
        return filename, render_pdf(template_name, context, request)

    kept = get_or_make(
        caches["documents"], request, make, "pdf", *vary, params=params, scopes=scopes
    )
    if isinstance(kept, HttpResponse):
        return kept
    filename, content = kept
    return _attachment(content, filename)


def _attachment(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
