"""Benchmark: `import_data_inclusion` of 100,000 services (< 2 min, bounded memory).

Writes v1 files like the national open-data dump (JSON arrays: `structures.json`,
`services.json`; `--csv` for CSV), half of the structures in the bench territory's communes and
half elsewhere (filtered out), then imports them into a fresh database and prints the time and
the peak resident memory of the process before and during the import. A second run of the same
files (everything unchanged) is timed too.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/maillage_bench_di.sqlite3 \\
        .venv/bin/python bench/data_inclusion_import.py [--services 100000] [--csv]
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_bench_di \\
        .venv/bin/python bench/data_inclusion_import.py
"""

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from data_inclusion.schema import v1  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from partners.di_import import import_data_inclusion  # noqa: E402
from portal.models import EPCI, Commune, Department, Region, Territory  # noqa: E402

THEMES = [item.value for item in v1.Thematique]
PUBLICS = [item.value for item in v1.Public if item.value != "tous-publics"]
INSIDE = [f"99{number:03d}" for number in range(50)]  # the bench territory's communes


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def structures(count):
    for number in range(count):
        yield {
            "source": "bench",
            "id": f"bench--s{number}",
            "nom": f"Structure de test {number}",
            "date_maj": "2025-03-01",
            "description": "Structure d'insertion créée pour le banc d'essai.",
            "code_insee": INSIDE[number % len(INSIDE)] if number % 2 == 0 else "75056",
            "code_postal": "99000",
            "adresse": f"{number} rue du Banc",
            "telephone": f"+3354500{number % 10000:04d}",
            "courriel": f"s{number}@example.org",
            "horaires_accueil": "Mo-Fr 09:00-12:00",
            "reseaux_porteurs": ["mission-locale"],
        }


def services(count, structure_count):
    for number in range(count):
        # Four of five services belong to structures of the territory (even numbers).
        structure = (
            (number * 2) % structure_count if number % 5 else (number * 2 + 1) % structure_count
        )
        yield {
            "source": "bench",
            "structure_id": f"bench--s{structure}",
            "id": f"bench--v{number}",
            "nom": f"Service de test {number}",
            "description": "Un accompagnement vers l'emploi pour le banc d'essai de l'import.",
            "date_maj": "2025-04-01",
            "type": "accompagnement",
            "thematiques": [THEMES[number % len(THEMES)], THEMES[(number * 7) % len(THEMES)]],
            "publics": [PUBLICS[number % len(PUBLICS)]],
            "frais": "gratuit",
            "modes_accueil": ["en-presentiel"],
            "modes_mobilisation": ["telephoner"],
            "zone_eligibilite": ["99"],
            "horaires_accueil": "Mo-Fr 09:00-12:00",
        }


def write_json(path, records):
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        for index, record in enumerate(records):
            out.write(("," if index else "") + json.dumps(record, ensure_ascii=False))
        out.write("]")


def write_csv(path, records, fields):
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for record in records:
            writer.writerow(
                {
                    name: ",".join(value) if isinstance(value, list) else value
                    for name, value in record.items()
                }
            )


def setup_territory():
    call_command("migrate", verbosity=0)
    region, _ = Region.objects.get_or_create(code="99", defaults={"name": "Région de test"})
    department, _ = Department.objects.get_or_create(
        code="99", defaults={"name": "Département de test", "region": region}
    )
    epci, _ = EPCI.objects.get_or_create(
        siren="999999999", defaults={"name": "CA de test", "kind": EPCI.Kind.CA}
    )
    for code in INSIDE:
        Commune.objects.get_or_create(
            insee_code=code,
            defaults={
                "name": f"Commune {code}",
                "postal_codes": "99000",
                "population": 1000,
                "department": department,
                "epci": epci,
            },
        )
    territory, _ = Territory.objects.get_or_create(
        slug="banc-d-essai", defaults={"name": "Banc d'essai", "kind": Territory.Kind.CA}
    )
    territory.epcis.set([epci])
    # The previous run's records, in SQL: Django's delete() would load 100,000 services into
    # memory (signals), and the process's peak memory is what this bench measures.
    with connection.cursor() as cursor:
        for table in ("partners_service_themes", "partners_service_publics"):
            cursor.execute(
                f"DELETE FROM {table} WHERE service_id IN "  # noqa: S608
                "(SELECT id FROM partners_service WHERE di_source = 'bench')"
            )
        cursor.execute("DELETE FROM partners_service WHERE di_source = 'bench'")
        cursor.execute("DELETE FROM partners_partner WHERE di_source = 'bench'")
    return territory


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--structures", type=int, default=4_000)
    parser.add_argument("--csv", action="store_true")
    options = parser.parse_args()
    territory = setup_territory()
    # As in production: with DEBUG, Django would keep the last 9,000 queries' SQL in memory.
    settings.DEBUG = False
    with tempfile.TemporaryDirectory() as folder:
        extension = "csv" if options.csv else "json"
        paths = {kind: str(Path(folder) / f"{kind}.{extension}") for kind in ("s", "v")}
        if options.csv:
            write_csv(paths["s"], structures(options.structures), list(v1.Structure.model_fields))
            write_csv(
                paths["v"],
                services(options.services, options.structures),
                list(v1.Service.model_fields),
            )
        else:
            write_json(paths["s"], structures(options.structures))
            write_json(paths["v"], services(options.services, options.structures))
        size = sum(os.path.getsize(path) for path in paths.values()) / 1e6
        print(f"files: {size:.1f} MB ({extension}), {options.services} services")
        before = peak_rss_mb()
        for label in ("first import", "same files again"):
            start = time.perf_counter()
            report = import_data_inclusion(
                structures=paths["s"], services=paths["v"], territory=territory
            )
            elapsed = time.perf_counter() - start
            print(
                f"{label}: {elapsed:.1f} s; created {dict(report.created)}, "
                f"updated {dict(report.updated)}, unchanged {dict(report.unchanged)}, "
                f"skipped {sum(report.skipped.values())}"
            )
        print(f"peak RSS: {before:.0f} MB before the import, {peak_rss_mb():.0f} MB after")


if __name__ == "__main__":
    main()
