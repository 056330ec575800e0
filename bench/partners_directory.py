"""Benchmark: the partner directory with 5,000 partners over the whole country (p95 < 100 ms).

Fills a dedicated database (communes of all France from the official files, one territory per
region, 5,000 partners with publics, themes, contacts and zones of intervention of every kind),
then times the directory page with Django's test client: server time, median and p95.

    # SQLite
    DATABASE_URL=sqlite:////tmp/maillage_bench_partners.sqlite3 \\
        .venv/bin/python bench/partners_directory.py
    # PostgreSQL (the database is created if missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_bench_partners \\
        .venv/bin/python bench/partners_directory.py

Re-running reuses the data already there (`--reset` deletes the bench partners first).

`--national` measures instead the national data set of bench/seed_national.py (100,000
partners, every EPCI a territory) already in the database, creating nothing:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_national \\
        .venv/bin/python bench/partners_directory.py --national

The page cache is off (PAGE_CACHE_SECONDS=0 unless set): the SQL is what is measured. The
site runs as in production, DEBUG off (DEBUG=1 measures the development settings instead), with
plain static file names (no collectstatic for a benchmark) and HTTPS requests.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "0")  # as in production: no debug toolbar, cached templates
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")  # measure the queries, not the page cache
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic
COMMUNES_DIR = os.environ.get("COMMUNES_DIR", "/work/shared/data/decoupage-administratif")


def ensure_postgres_database(url):
    """Create the PostgreSQL database named in `url` if it does not exist."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    ensure_postgres_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from partners.models import (  # noqa: E402
    Category,
    Contact,
    Partner,
    Public,
    Theme,
    refresh_directory_fields,
)
from portal.models import EPCI, Commune, Department, Membership, Region, Territory, User  # noqa: E402

PREFIX = "bench-"
WORDS = (
    "accompagnement emploi insertion formation jeunes mobilité numérique logement santé "
    "apprentissage alternance recrutement entreprises création handicap seniors femmes "
    "orientation métiers industrie agriculture services personne social permis atelier "
    "chantier réemploi remobilisation compétences qualification"
).split()
KINDS = [
    ("Mission locale", "mission-locale"),
    ("France Travail", "france-travail"),
    ("Cap emploi", "cap-emploi-reseau-cheops"),
    ("Chantier d'insertion", "aci"),
    ("Association intermédiaire", "ai"),
    ("CCAS", "ccas-cias"),
    ("France services", "france-service"),
    ("Organisme de formation", "organisme-de-formation"),
    ("Club d'entreprises", "club-entreprises"),
    ("PLIE", "plie"),
]


def setup_database(count, reset):
    call_command("migrate", verbosity=0)
    if Commune.objects.count() < 30000:
        print(f"Import des communes de France depuis {COMMUNES_DIR}…")
        started = time.perf_counter()
        call_command("import_communes", str(COMMUNES_DIR), verbosity=0)
        print(f"  {Commune.objects.count()} communes en {time.perf_counter() - started:.0f} s")
    if reset:
        Partner.objects.filter(slug__startswith=PREFIX).delete()
    territories = make_territories()
    existing = Partner.objects.filter(slug__startswith=PREFIX).count()
    if existing < count:
        started = time.perf_counter()
        fill(count - existing, existing, territories)
        print(f"  {count - existing} partenaires créés en {time.perf_counter() - started:.0f} s")
    return territories


def make_territories():
    """One bench territory per region, made of 3 EPCIs of that region."""
    territories = []
    for region in Region.objects.all():
        epcis = list(
            EPCI.objects.filter(communes__department__region=region)
            .distinct()
            .order_by("siren")[:3]
        )
        if not epcis:
            continue
        territory, _created = Territory.objects.get_or_create(
            slug=f"{PREFIX}{region.code}", defaults={"name": f"Mesure {region.name}"}
        )
        territory.epcis.set(epcis)
        territories.append(territory)
    return territories


def fill(count, start, territories):
    rng = random.Random(start + 42)
    communes = list(Commune.objects.values_list("pk", "department_id"))
    department_of = dict(communes)
    by_department = {}
    for pk, department_id in communes:
        by_department.setdefault(department_id, []).append(pk)
    departments = list(Department.objects.values_list("pk", "region_id"))
    regions = list(Region.objects.values_list("pk", flat=True))
    categories = {item.slug: item for item in Category.objects.all()}
    publics, themes = list(Public.objects.all()), list(Theme.objects.all())
    links = {
        name: []
        for name in ("publics", "themes", "communes", "territories", "departments", "regions")
    }
    with transaction.atomic():
        partners = []
        for index in range(start, start + count):
            label, slug = KINDS[index % len(KINDS)]
            commune_id, _department_id = rng.choice(communes)
            words = rng.sample(WORDS, 12)
            partner = Partner(
                territory=rng.choice(territories),
                name=f"{label} {' '.join(rng.sample(WORDS, 2))} {index}",
                slug=f"{PREFIX}{index}",
                also_known_as=rng.choice(["", "Pôle emploi", "ANPE", "ML", "AI"]),
                category=categories[slug],
                scale=rng.choice(list(Partner.Scale.values)),
                description=" ".join(words[:8]).capitalize() + ".",
                services=" ".join(words[8:]).capitalize() + ".",
                address=f"{index % 90 + 1} rue de la République",
                commune_id=commune_id,
                phone="05 00 00 00 00",
                email=f"contact{index}@example.org",
                opening_hours="Du lundi au vendredi, 9 h – 17 h",
                reception_remote=index % 3 == 0,
                is_national=index % 50 == 0,
            )
            partner.search_text = partner.build_search_text()  # bulk path: no save()
            partners.append(partner)
        Partner.objects.bulk_create(partners, batch_size=500)
        contacts = []
        for partner in Partner.objects.filter(slug__startswith=PREFIX, contacts__isnull=True):
            rng_choice = rng.random()
            links["publics"] += [(partner.pk, item.pk) for item in rng.sample(publics, 3)]
            links["themes"] += [(partner.pk, item.pk) for item in rng.sample(themes, 3)]
            if rng_choice < 0.5:
                pool = by_department[department_of[partner.commune_id]]
                links["communes"] += [
                    (partner.pk, pk) for pk in rng.sample(pool, min(5, len(pool)))
                ]
            elif rng_choice < 0.7:
                links["territories"].append((partner.pk, rng.choice(territories).pk))
            elif rng_choice < 0.9:
                links["departments"].append((partner.pk, rng.choice(departments)[0]))
            else:
                links["regions"].append((partner.pk, rng.choice(regions)))
            contacts += [
                Contact(
                    partner=partner,
                    first_name="Prénom",
                    last_name=f"Nom {partner.pk}-{number}",
                    email=f"c{partner.pk}-{number}@example.org",
                )
                for number in range(2)
            ]
        Contact.objects.bulk_create(contacts, batch_size=1000)
        fields = {
            "publics": ("public_id", Partner.publics.through),
            "themes": ("theme_id", Partner.themes.through),
            "communes": ("commune_id", Partner.zone_communes.through),
            "territories": ("territory_id", Partner.zone_territories.through),
            "departments": ("department_id", Partner.zone_departments.through),
            "regions": ("region_id", Partner.zone_regions.through),
        }
        for name, (field, through) in fields.items():
            through.objects.bulk_create(
                [through(partner_id=a, **{field: b}) for a, b in links[name]], batch_size=2000
            )
        refresh_directory_fields(pk for pk, _item in links["publics"] + links["themes"])


RESULT_COUNT = re.compile(r'id="resultats"[^>]*>\s*(Plus de )?([\d\s\u202f\xa0]+) partenaire')
SCENARIOS = [
    ("liste, page 1", {}),
    ("recherche « mission locale »", {"q": "mission locale"}),
    ("recherche « pole emploi » (autre nom)", {"q": "pole emploi"}),
    ("commune Bordeaux (33063)", {"commune": "33063"}),
    ("recherche + commune + public", {"q": "emploi", "commune": "33063", "public": "jeunes"}),
    ("page 10", {"page": "10"}),
    ("recherche, page 10", {"q": "insertion", "page": "10"}),
    ("tri par commune, page 10", {"tri": "commune", "page": "10"}),
]
# On the national data set (bench/seed_national.py): every partner of France, no commune first.
NATIONAL_SCENARIOS = [
    ("France entière, page 1", {}),
    ("échelle nationale", {"scale": "national"}),
    ("thématique (catégorie)", {"theme": "{category}"}),
    ("thématique (sous-thème)", {"theme": "{sub_theme}"}),
    ("recherche « mission locale »", {"q": "mission locale"}),
    ("recherche « insertion », page 10", {"q": "insertion", "page": "10"}),
    ("recherche + thématique", {"q": "emploi", "theme": "{category}"}),
    ("commune Bordeaux (33063)", {"commune": "33063"}),
    (
        "commune + thématique + public",
        {"commune": "33063", "theme": "{category}", "public": "jeunes"},
    ),
    ("France entière, page 50", {"page": "50"}),
    ("tri par commune, page 50", {"tri": "commune", "page": "50"}),
]


def national_scenarios():
    """NATIONAL_SCENARIOS with the theme slugs of the database (the most used category and
    sub-theme of the partners)."""
    from django.db.models import Count

    used = Theme.objects.annotate(n=Count("partner")).order_by("-n", "slug")
    slugs = {
        "category": used.filter(parent__isnull=True).values_list("slug", flat=True).first(),
        "sub_theme": used.filter(parent__isnull=False).values_list("slug", flat=True).first(),
    }
    return [
        (label, {key: value.format(**slugs) for key, value in params.items()})
        for label, params in NATIONAL_SCENARIOS
    ]


def measure(client, params, runs):
    for _warmup in range(3):
        response = client.get("/partenaires/", params, secure=True)
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
            client.get("/partenaires/", params, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        sql.append(spent[0] * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/partenaires/", params, secure=True)
    found = RESULT_COUNT.search(response.content.decode())
    count = re.sub(r"\D", "", found.group(2)) if found else "0"
    count = f">{count}" if found and found.group(1) else count  # the bounded count
    return percentiles(timings), percentiles(cpu), percentiles(sql), len(queries), count


def percentiles(values):
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, round(0.95 * len(values)) - 1)]


PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # no manifest needed: collectstatic is not run for a benchmark
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@override_settings(STORAGES=PLAIN_STATIC)
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument(
        "--national", action="store_true", help="measure the data set of bench/seed_national.py"
    )
    args = parser.parse_args()
    if args.national:
        territories = list(Territory.objects.order_by("pk")[:1])
        if Partner.objects.count() < 10000 or not territories:
            sys.exit("--national: run bench/seed_national.py on this database first.")
        scenarios = national_scenarios()
    else:
        territories = setup_database(args.partners, args.reset)
        scenarios = SCENARIOS
    vendor = connection.vendor
    if vendor == "postgresql":  # fresh statistics after the bulk inserts, as autovacuum would
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Partner.objects.count()
    print(f"\nBase : {vendor}, {total} partenaires, {Commune.objects.count()} communes")
    if args.national:  # the seed's coordinator of its first territory: nothing written
        user = User.objects.get(username="national-coord-1")
    else:
        user, _created = User.objects.get_or_create(username="bench.coordination")
        Membership.objects.get_or_create(
            user=user, territory=territories[0], defaults={"role": Membership.Role.COORDINATOR}
        )
    visitor, member = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    member.force_login(user)
    print(f"charge de la machine (loadavg 1 min) : {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPU")
    print(
        f"{'scénario':40} {'qui':8} {'résultats':>9} {'req.':>4} "
        f"{'médiane':>8} {'p95':>8} {'CPU méd.':>8} {'CPU p95':>8} {'SQL méd.':>8} {'SQL p95':>8}"
    )
    worst = worst_cpu = 0
    for label, params in scenarios:
        for who, client in (("visiteur", visitor), ("membre", member)):
            (median, p95), (cpu_median, cpu_p95), (sql_median, sql_p95), queries, count = measure(
                client, params, args.runs
            )
            worst, worst_cpu = max(worst, p95), max(worst_cpu, cpu_p95)
            print(
                f"{label:40} {who:8} {count:>9} {queries:>4} {median:>6.1f}ms {p95:>6.1f}ms "
                f"{cpu_median:>6.1f}ms {cpu_p95:>6.1f}ms {sql_median:>6.1f}ms {sql_p95:>6.1f}ms"
            )
    print(f"\npire p95 : {worst:.1f} ms, pire p95 CPU du processus : {worst_cpu:.1f} ms")
    print(f"charge de la machine à la fin : {os.getloadavg()[0]:.1f} (objectif p95 < 100 ms)")


if __name__ == "__main__":
    main()
