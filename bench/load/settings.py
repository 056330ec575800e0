"""Production settings with the bench's URL conf (adding the bare view) and static root.

Used only by the bench/load/ scripts (DJANGO_SETTINGS_MODULE=bench.load.settings); the portal's
own URL conf is left untouched.
"""

import os

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"

# Collected once for the bench, outside the working tree (collectstatic compresses every file:
# minutes on a busy machine); common.sh collects again only when static/ changed.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/maillage-bench-static")

# X-Page-Cache: hit, miss or none on every response (bench/load/middleware.py), outermost so
# that every answer carries it.
MIDDLEWARE = ["bench.load.middleware.page_cache_header", *MIDDLEWARE]  # noqa: F405
