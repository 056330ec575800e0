"""Benchmark: import a generated national-format Sirene stock of 2 million establishments,
filtered to one département, then import it again (nothing to change).

    .venv/bin/python bench/import_sirene.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/import_sirene.py --only sqlite   # or --only postgresql
    .venv/bin/python bench/import_sirene.py --rows 200000   # a smaller file

The files (StockEtablissement_utf8.csv: 2,000,000 rows in INSEE's 54 columns, one in a hundred
in the département's communes; StockUniteLegale_utf8.csv: 500,000 legal units) are generated
once in a temporary folder by bench/_sirene.py. Each import runs in its own process, on an
empty database (SQLite in a temporary file; PostgreSQL in `maillage_bench_sirene`, created and
dropped here on the server of BENCH_POSTGRES_URL) holding one territory of 380 communes.
The time is the wall-clock time of `import_sirene`; the memory is the process's peak resident
set size (Django and pyproj included). Exits with status 1 past 60 s or 300 MB (issue 13).
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench._workers import bench_postgresql, bench_sqlite  # noqa: E402

LIMIT_SECONDS = 60
LIMIT_MB = 300
DEPARTMENT = "16"
COMMUNES = [f"{DEPARTMENT}{n:03d}" for n in range(1, 381)]


def generate(directory, rows):
    from bench import _sirene

    establishments, legal_units = _sirene.national(rows, COMMUNES)
    etab = Path(directory) / "StockEtablissement_utf8.csv"
    units = Path(directory) / "StockUniteLegale_utf8.csv"
    _sirene.write(etab, _sirene.ESTABLISHMENT_HEADER, establishments)
    _sirene.write(units, _sirene.LEGAL_UNIT_HEADER, legal_units)
    return etab, units


def worker(directory):
    """Inside a process whose DATABASE_URL names an empty database: migrate, seed, time."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from companies.models import Establishment
    from companies.sirene import import_sirene
    from portal.models import EPCI, Commune, Department, Region, Territory

    call_command("migrate", verbosity=0)
    region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    department = Department.objects.create(code=DEPARTMENT, name="Charente", region=region)
    epci = EPCI.objects.create(siren="200071827", name="EPCI du banc d'essai", kind="ca")
    Commune.objects.bulk_create(
        Commune(
            insee_code=code,
            name=f"Commune {code}",
            search_name=code,
            department=department,
            epci=epci,
        )
        for code in COMMUNES
    )
    territory = Territory.objects.create(name="Banc d'essai", slug="banc-essai")
    territory.epcis.add(epci)
    etab = Path(directory) / "StockEtablissement_utf8.csv"
    units = Path(directory) / "StockUniteLegale_utf8.csv"
    result = {"vendor": connection.vendor}
    for run in ("first", "second"):
        started = time.perf_counter()
        report = import_sirene(establishments=etab, legal_units=units)
        result[run] = round(time.perf_counter() - started, 2)
        result[f"{run}_report"] = report.lines()
    result["lines"] = report.lines_read
    result["establishments"] = Establishment.objects.count()
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    connection.close()
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--database", default="maillage_bench_sirene")
    parser.add_argument("--directory", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.directory)

    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        etab, units = generate(directory, args.rows)
        size = etab.stat().st_size + units.stat().st_size
        print(
            f"Fichiers générés en {time.perf_counter() - started:.0f} s "
            f"({args.rows:_} établissements, {size / 1e6:.0f} Mo)".replace("_", " ")
        )
        results = []
        if args.only in (None, "sqlite"):
            results.append(bench_sqlite(__file__, ["--directory", str(directory)]))
        if args.only in (None, "postgresql"):
            results.append(
                bench_postgresql(__file__, ["--directory", str(directory)], args.database)
            )

    failed = False
    print(f"{'base':<12}{'lignes':>10}{'retenus':>9}{'1er import':>13}{'2e import':>12}{'pic':>9}")
    for result in results:
        print(
            f"{result['vendor']:<12}{result['lines']:>10}{result['establishments']:>9}"
            f"{result['first']:>12.2f}s{result['second']:>11.2f}s{result['peak_mb']:>6} Mo"
        )
        failed |= max(result["first"], result["second"]) >= LIMIT_SECONDS
        failed |= result["peak_mb"] >= LIMIT_MB
    for result in results:
        for run in ("first", "second"):
            print(f"{result['vendor']}, {run}: " + " ".join(result[f"{run}_report"]))
    if failed:
        sys.exit(f"An import took {LIMIT_SECONDS} s or more, or {LIMIT_MB} MB or more.")


if __name__ == "__main__":
    main()
