"""The portal's URLs plus `/__bare__/<name>/`: the bytes of a real page, from memory.

The bare view goes through the same server, middleware and session as the pages, and like every
view of the portal it requires a signed-in user (LoginRequiredMiddleware reads the session and
the user, as Django does for any signed-in request); it does no query of its own and renders no
template. Its throughput is the framework's limit on this machine for a signed-in page, against
which the pages are measured.
"""

import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path

from portal.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401

BODIES_DIR = Path(os.environ.get("BENCH_BODIES_DIR", "/tmp/maillage-load/bodies"))
_bodies = {}


def bare(request, name):
    body = _bodies.get(name)
    if body is None:
        try:
            body = _bodies[name] = (BODIES_DIR / f"{name}.html").read_bytes()
        except OSError:
            raise Http404 from None
    return HttpResponse(body, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bare__/<slug:name>/", bare), *urlpatterns]
