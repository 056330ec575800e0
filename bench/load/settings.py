"""Production settings with the bench's URL conf (adding the bare view) and static root.

Used only by bench/load/run.sh (DJANGO_SETTINGS_MODULE=bench.load.settings); the portal's own
URL conf is left untouched.
"""

import os

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"

# Collected once for the bench, outside the working tree (collectstatic compresses every file:
# minutes on a busy machine); common.sh collects again only when static/ changed.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/maillage-bench-static")
