"""Benchmark: the companies register (/entreprises/<territoire>/) of a territory of 50,000
establishments (p95 < 100 ms), with its follow-up filters, then an establishment's page, the
register's map (at most 2,000 points), the needs page and the follow-up summary.

Fills a dedicated database (one territory of 40 communes, 50,000 establishments of 40,000 legal
units with NAF codes, workforce bands and names from a vocabulary), then times the pages with
Django's test client as a member of the territory: server time, median and p95.

    # SQLite
    DEBUG=1 DATABASE_URL=sqlite:////tmp/maillage_bench_companies.sqlite3 \\
        .venv/bin/python bench/companies_register.py
    # PostgreSQL (the database is created if missing)
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_bench_companies \\
        .venv/bin/python bench/companies_register.py

Re-running reuses the data already there. `--only "tri par" --only carte` times only the
scenarios whose label holds one of these texts (to re-run the slow ones when the machine is
quieter); `--runs` the number of timed requests per scenario (60).
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")  # measure the queries, not the page cache

from bench.partners_directory import ensure_postgres_database  # noqa: E402

if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    ensure_postgres_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum import luhn  # noqa: E402

from companies.models import (  # noqa: E402
    Establishment,
    Exchange,
    LegalUnit,
    NafCode,
    Need,
    WorkforceBand,
    band_ranks,
)
from portal.maps import outline_from_geometry  # noqa: E402
from portal.models import (  # noqa: E402
    EPCI,
    Commune,
    CommuneOutline,
    Department,
    Membership,
    Region,
    Territory,
    User,
)
from portal.text import normalize  # noqa: E402

SLUG = "banc-entreprises"
WORDS = (
    "atelier mécanique charente précision usinage studio image animation conseil services "
    "transports bâtiment menuiserie boulangerie garage informatique assurances courtage "
    "plasturgie chimie tonnellerie vignobles logistique énergie électricité commerce"
).split()


def setup_database(count):
    call_command("migrate", verbosity=0)
    region, _ = Region.objects.get_or_create(code="75", defaults={"name": "Nouvelle-Aquitaine"})
    department, _ = Department.objects.get_or_create(
        code="16", defaults={"name": "Charente", "region": region}
    )
    epci, _ = EPCI.objects.get_or_create(
        siren="200071827", defaults={"name": "EPCI du banc d'essai", "kind": "ca"}
    )
    for number in range(1, 41):
        Commune.objects.get_or_create(
            insee_code=f"16{number:03d}",
            defaults={"name": f"Commune {number}", "department": department, "epci": epci},
        )
    territory, _ = Territory.objects.get_or_create(slug=SLUG, defaults={"name": "Banc entreprises"})
    territory.epcis.set([epci])
    existing = Establishment.objects.in_territory(territory).count()
    if existing < count:
        started = time.perf_counter()
        fill(territory, count - existing, existing)
        print(f"  {count - existing} établissements créés en {time.perf_counter() - started:.0f} s")
    if not Exchange.objects.filter(territory=territory).exists():
        fill_followup(territory)
    if not Establishment.objects.in_territory(territory).filter(latitude__isnull=False).exists():
        fill_map(territory)
    return territory


def fill_map(territory):
    """The map's data: square outlines for the 40 communes (8 × 5 around Angoulême) and
    coordinates for the establishments inside their commune's square (one in twenty without,
    as Sirene's partially diffused ones)."""
    rng = random.Random(11)
    centres = {}
    for index, commune in enumerate(territory.communes.order_by("insee_code")):
        lon, lat = (index % 8) * 0.04, 45.5 + (index // 8) * 0.03
        centres[commune.pk] = (lon, lat)
        ring = [
            [lon - 0.02, lat - 0.015],
            [lon + 0.02, lat - 0.015],
            [lon + 0.02, lat + 0.015],
            [lon - 0.02, lat + 0.015],
            [lon - 0.02, lat - 0.015],
        ]
        path, box = outline_from_geometry(
            {"type": "Polygon", "coordinates": [ring]}, commune.insee_code
        )
        x_min, y_min, x_max, y_max = box
        CommuneOutline.objects.update_or_create(
            commune=commune,
            defaults={"path": path, "x_min": x_min, "y_min": y_min, "x_max": x_max, "y_max": y_max},
        )
    rows = [
        (lon + rng.uniform(-0.018, 0.018), lat + rng.uniform(-0.013, 0.013), pk)
        for pk, commune_id in Establishment.objects.in_territory(territory).values_list(
            "pk", "commune_id"
        )
        if pk % 20 != 7  # one in twenty, open or closed alike
        for lon, lat in [centres[commune_id]]
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE companies_establishment SET longitude = %s, latitude = %s WHERE id = %s", rows
        )
    print(f"  carte : 40 contours, {len(rows)} établissements placés")


def fill_followup(territory, followed=5_000):
    """The follow-up of one establishment in ten: two échanges each over three years, and a
    need (every type and status) for half of them."""
    import datetime

    rng = random.Random(7)
    ids = list(Establishment.objects.in_territory(territory).values_list("pk", flat=True))
    chosen = rng.sample(ids, min(followed, len(ids)))
    today = timezone.localdate()
    kinds, statuses = list(Need.Kind), list(Need.Status)
    with transaction.atomic():
        Exchange.objects.bulk_create(
            [
                Exchange(
                    establishment_id=pk,
                    territory=territory,
                    date=today - datetime.timedelta(days=rng.randrange(3 * 365)),
                    kind=rng.choice(list(Exchange.Kind)),
                    summary="Échange du banc d'essai.",
                )
                for pk in chosen
                for _ in range(2)
            ],
            batch_size=2000,
        )
        Need.objects.bulk_create(
            [
                Need(
                    establishment_id=pk,
                    territory=territory,
                    kind=(kind := kinds[n % len(kinds)]),
                    status=statuses[n % len(statuses)],
                    title=f"Besoin {n}",
                    job=f"Métier {n % 40}" if kind == Need.Kind.RECRUITMENT else "",
                    positions=1 + n % 5 if kind == Need.Kind.RECRUITMENT else None,
                )
                for n, pk in enumerate(chosen[: len(chosen) // 2])
            ],
            batch_size=2000,
        )
    print(f"  suivi : {2 * len(chosen)} échanges, {len(chosen) // 2} besoins")


def fill(territory, count, start):
    rng = random.Random(start + 13)
    commune_names = dict(territory.communes.values_list("pk", "search_name"))
    communes = list(commune_names)
    naf = dict(NafCode.objects.filter(level="sous-classe").values_list("code", "label"))
    naf_codes = list(naf)
    ranks = band_ranks()
    bands = list(WorkforceBand.objects.values_list("code", flat=True))
    with transaction.atomic():
        units = []
        for index in range(start, start + count):
            if index % 5 == 4:
                continue  # one legal unit in five has two establishments
            prefix = f"9{index:07d}"
            units.append(
                LegalUnit(
                    siren=prefix + luhn.calc_check_digit(prefix),
                    name=" ".join(rng.sample(WORDS, 3)).title() + f" {index}",
                    legal_category=rng.choice(["5710", "5499", "1000", "9220"]),
                    is_ess=index % 20 == 0,
                    is_employer=index % 3 != 0,
                )
            )
        LegalUnit.objects.bulk_create(units, batch_size=2000)
        unit_ids = dict(LegalUnit.objects.filter(siren__startswith="9").values_list("siren", "pk"))
        names = {pk: name for pk, name in LegalUnit.objects.values_list("pk", "name")}
        ess = dict(LegalUnit.objects.values_list("pk", "is_ess"))
        establishments = []
        sirens = sorted(unit_ids)
        for index in range(start, start + count):
            siren = sirens[(index - start) * len(sirens) // count]
            nic = f"{index % 1000:04d}"
            siret = siren + nic + luhn.calc_check_digit(siren + nic)
            code = rng.choice(naf_codes)
            name = "" if index % 3 else f"Enseigne {rng.choice(WORDS)} {index}"
            legal_name = names[unit_ids[siren]]
            band, commune = rng.choice(bands), rng.choice(communes)  # draws in the former order
            establishments.append(
                Establishment(
                    siret=siret,
                    legal_unit_id=unit_ids[siren],
                    name=name,
                    naf_id=code,
                    activity_code=code,
                    activity_nomenclature="NAFRev2",
                    workforce_band_id=band,
                    workforce_rank=ranks[band],
                    is_employer=index % 3 != 0,
                    is_ess=ess[unit_ids[siren]],
                    is_active=index % 4 != 3,
                    is_head_office=index % 5 == 0,
                    address=f"{index % 90 + 1} rue de la République",
                    postal_code="16000",
                    commune_id=commune,
                    commune_search_name=commune_names[commune],
                    search_text=normalize(f"{name} {legal_name} {naf[code]}"),
                )
            )
        Establishment.objects.bulk_create(establishments, batch_size=2000, ignore_conflicts=True)


RESULT_COUNT = re.compile(r'id="resultats"[^>]*>\s*([\d\s\u202f\xa0]+) établissement')
SCENARIOS = [
    ("liste, page 1", {}),
    ("recherche « mecanique »", {"q": "mécanique"}),
    ("recherche d'un SIREN", {"q": "90001"}),
    ("commune", {"commune": "__commune__"}),
    ("section C + employeur", {"section": "C", "employeur": "oui"}),
    ("division 62, tous états", {"division": "62", "etat": "tous"}),
    ("tri par effectif, page 10", {"tri": "effectif", "page": "10"}),
    ("tri par commune, page 200", {"tri": "commune", "page": "200"}),
    ("recherche + ESS + tranche", {"q": "atelier", "ess": "oui", "effectif": "11"}),
    ("suivis", {"suivi": "oui"}),
    ("jamais rencontrés, page 50", {"suivi": "non", "page": "50"}),
    ("sans échange depuis 12 mois", {"sans_echange": "on"}),
    ("besoin ouvert de recrutement", {"besoin": "recrutement"}),
]


def measure(client, url, params, runs):
    for _warmup in range(3):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
    timings, cpu, sql = [], [], []
    for _run in range(runs):
        spent = [0.0]

        def timed(execute, sql_text, params, many, context, spent=spent):
            started = time.perf_counter()
            try:
                return execute(sql_text, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started

        started, cpu_started = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timed):
            client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        sql.append(spent[0] * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    found = RESULT_COUNT.search(response.content.decode())
    count = int(re.sub(r"\D", "", found.group(1))) if found else 1  # 1: an establishment
    return percentiles(timings), percentiles(cpu), percentiles(sql), len(queries), count


def percentiles(values):
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, round(0.95 * len(values)) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--establishments", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="time only the scenarios whose label holds this text (repeatable), e.g. to re-run "
        "the slow ones when the machine is quieter",
    )
    args = parser.parse_args()
    territory = setup_database(args.establishments)
    vendor = connection.vendor
    # Fresh statistics after the bulk inserts, as import_sirene leaves them; on PostgreSQL the
    # visibility map too (index-only scans), as autovacuum does after so many inserts.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    total = Establishment.objects.in_territory(territory).count()
    print(f"\nBase : {vendor}, {total} établissements dans le territoire")
    user, _created = User.objects.get_or_create(username="bench.entreprises")
    Membership.objects.get_or_create(
        user=user, territory=territory, defaults={"role": Membership.Role.REFERENT}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    commune = str(territory.communes.order_by("insee_code").values_list("pk", flat=True)[3])
    print(f"charge de la machine (loadavg 1 min) : {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPU")
    print(
        f"{'scénario':36} {'résultats':>9} {'req.':>4} {'médiane':>8} {'p95':>8} "
        f"{'CPU méd.':>8} {'CPU p95':>8} {'SQL p95':>8}"
    )
    worst = worst_cpu = 0
    detail = Establishment.objects.in_territory(territory).order_by("siret")[1234]
    pages = [(f"/entreprises/{SLUG}/", label, params) for label, params in SCENARIOS]
    pages.append((detail.get_absolute_url(), "page d'un établissement", {}))
    pages.append((f"/entreprises/{SLUG}/carte/", "carte, sans filtre", {}))
    pages.append((f"/entreprises/{SLUG}/carte/", "carte, section C + employeur", SCENARIOS[4][1]))
    pages.append((f"/entreprises/{SLUG}/besoins/", "besoins et projets", {}))
    pages.append((f"/entreprises/{SLUG}/synthese/", "synthèse du suivi", {}))
    if args.only:
        pages = [page for page in pages if any(text in page[1] for text in args.only)]
    for url, label, params in pages:
        params = {
            key: commune if value == "__commune__" else value for key, value in params.items()
        }
        (median, p95), (cpu_median, cpu_p95), (_sql_median, sql_p95), queries, count = measure(
            client, url, params, args.runs
        )
        worst, worst_cpu = max(worst, p95), max(worst_cpu, cpu_p95)
        print(
            f"{label:36} {count:>9} {queries:>4} {median:>6.1f}ms {p95:>6.1f}ms "
            f"{cpu_median:>6.1f}ms {cpu_p95:>6.1f}ms {sql_p95:>6.1f}ms"
        )
    print(f"\npire p95 : {worst:.1f} ms, pire p95 CPU du processus : {worst_cpu:.1f} ms")
    print("(objectif p95 < 100 ms)")
    print(f"charge de la machine à la fin : {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
