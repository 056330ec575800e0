"""PDF rendering with WeasyPrint, from the same templates as the print layout.

The URL fetcher only serves the project's own static files: rendering never calls an outside host.
"""

import mimetypes

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

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


def pdf_response(template_name, context, filename, request=None):
    response = HttpResponse(
        render_pdf(template_name, context, request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
