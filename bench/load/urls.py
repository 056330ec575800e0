"""The portal's URLs plus `/__bare__/<name>/`: the bytes of a real page, from memory.

The bare view goes through the same server, middleware and session as the pages; it does no
query of its own and renders no template. Its throughput is the framework's limit on this
machine, against which the pages are measured.
"""

import os
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.urls import path

from portal.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401

BODIES_DIR = Path(os.environ.get("BENCH_BODIES_DIR", "/tmp/maillage-load/bodies"))
_bodies = {}


@login_not_required
def bare(request, name):
    body = _bodies.get(name)
    if body is None:
        try:
            body = _bodies[name] = (BODIES_DIR / f"{name}.html").read_bytes()
        except OSError:
            raise Http404 from None
    return HttpResponse(body, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bare__/<slug:name>/", bare), *urlpatterns]
