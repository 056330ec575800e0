"""Benchmark: import the whole country's communes into a fresh database, then import again.

    .venv/bin/python bench/import_communes.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/import_communes.py --only sqlite   # or --only postgresql

SQLite runs in a temporary file; PostgreSQL in a dedicated database (`maillage_bench` by default,
created and dropped here) on the server of BENCH_POSTGRES_URL
(default postgres://postgres@127.0.0.1:5432/postgres). Each run happens in its own process, with
the production settings' database options (WAL and IMMEDIATE transactions for SQLite, the psycopg
pool for PostgreSQL). Exits with status 1 if an import takes 60 seconds or more (issue 2).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench._workers import bench_postgresql, bench_sqlite  # noqa: E402

DEFAULT_SOURCE = Path(
    os.environ.get("COMMUNES_DATA", BASE_DIR.parent / "shared" / "data" / "decoupage-administratif")
)
LIMIT_SECONDS = 60


def worker(source):
    """Run inside a process whose DATABASE_URL names an empty database: migrate, then time."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from portal.imports import load_directory
    from portal.models import EPCI, Commune

    call_command("migrate", verbosity=0)
    timings = {}
    with tempfile.TemporaryDirectory() as updated:
        # A new yearly population release: every commune changes.
        communes = json.loads((Path(source) / "communes.json").read_text(encoding="utf-8"))
        for record in communes:
            record["population"] = record.get("population", 0) + 1
        (Path(updated) / "communes.json").write_text(json.dumps(communes), encoding="utf-8")
        (Path(updated) / "epci.json").write_bytes((Path(source) / "epci.json").read_bytes())
        for run, directory in (("first", source), ("second", source), ("update", updated)):
            started = time.perf_counter()
            report = load_directory(directory)
            timings[run] = round(time.perf_counter() - started, 2)
            timings[f"{run}_report"] = report.lines()
    timings["communes"] = Commune.objects.count()
    timings["epcis"] = EPCI.objects.count()
    timings["vendor"] = connection.vendor
    connection.close()
    print(json.dumps(timings))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default=DEFAULT_SOURCE, type=Path)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--database", default="maillage_bench", help="PostgreSQL database name")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.source)

    results = []
    if args.only in (None, "sqlite"):
        results.append(bench_sqlite(__file__, ["--source", str(args.source)]))
    if args.only in (None, "postgresql"):
        results.append(bench_postgresql(__file__, ["--source", str(args.source)], args.database))

    too_slow = False
    print(
        f"{'base':<12}{'communes':>10}{'EPCI':>7}{'1er import':>13}{'2e import':>12}"
        f"{'mise à jour':>14}"
    )
    for result in results:
        print(
            f"{result['vendor']:<12}{result['communes']:>10}{result['epcis']:>7}"
            f"{result['first']:>12.2f}s{result['second']:>11.2f}s{result['update']:>13.2f}s"
        )
        too_slow |= max(result["first"], result["second"], result["update"]) >= LIMIT_SECONDS
    for result in results:
        for run in ("second", "update"):
            print(f"{result['vendor']}, {run}: " + " ; ".join(result[f"{run}_report"]))
    if too_slow:
        sys.exit(f"An import took {LIMIT_SECONDS} s or more.")


if __name__ == "__main__":
    main()
