"""CPU cost per request, in process: each page against the bare view returning its bytes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_load \\
        .venv/bin/python bench/load/cpu.py [--requests 30]

wrk's throughput depends on everything else the machine runs; the CPU time a request costs the
worker (time.process_time, the whole middleware stack, the SQL round trips counted apart) does
not much. Its inverse is the throughput of one fully busy core, so the ratio of a page's CPU
time to the bare view's is the ratio of throughputs a quiet server would show.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")
os.environ.setdefault("SECRET_KEY", "bench-cpu-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.load import urls as bench_urls  # noqa: E402
from partners.models import Partner  # noqa: E402
from portal.models import User  # noqa: E402


def measure(client, path, count):
    """(median CPU ms, median wall ms, queries) over `count` requests after two warm-ups."""
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    cpu, wall = [], []
    for _ in range(count):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        client.get(path)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(path).content
    return statistics.median(cpu), statistics.median(wall), len(queries), body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--territory", default="charge-1")
    parser.add_argument("--user", help="a coordinator of the territory (default: its slug)")
    args = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"}, secure=True)
    client.force_login(User.objects.get(username=args.user or args.territory))
    partner = Partner.objects.filter(territory__slug=args.territory).order_by("pk").first()
    targets = {
        "directory": "/partenaires/",
        "search": "/partenaires/?q=emploi",
        "partner": partner.get_absolute_url(),
        "roadmap": f"/feuilles-de-route/{args.territory}/",
        "dashboard": f"/feuilles-de-route/{args.territory}/tableau-de-bord/",
    }
    print("| target | bytes | queries | CPU ms/request | bare view CPU ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, path in targets.items():
        cpu, _wall, queries, body = measure(client, path, args.requests)
        bench_urls._bodies[name] = body
        bare_cpu, _bare_wall, bare_queries, _ = measure(client, f"/__bare__/{name}/", args.requests)
        print(
            f"| {name} `{path}` | {len(body)} | {queries} | {cpu:.1f} | {bare_cpu:.1f} "
            f"({bare_queries} queries) | {bare_cpu / cpu:.0%} |"
        )


if __name__ == "__main__":
    main()
