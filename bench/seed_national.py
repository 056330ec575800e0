"""Seed a national instance in PostgreSQL: every EPCI of France as a territory (issue 18).

    createdb -h 127.0.0.1 -U postgres maillage_national
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_national \\
        .venv/bin/python bench/seed_national.py [--scale 1] [--personas PATH]

`--scale 0.01` builds a hundredth of everything (territories included) for a quick run.

What it writes, at scale 1 (fictional people and companies, real places and nomenclatures):
- the country's 34,969 communes, départements, régions and 1,255 EPCIs, through the project's
  own command (`manage.py import_communes`, from COMMUNES_DIR, default
  /work/shared/data/decoupage-administratif); NAF codes and workforce bands, publics, themes and
  categories come from the migrations;
- one territory per EPCI (its kind from the EPCI's), slug from the EPCI's name;
- 20,000 accounts, all with the password BENCH_PASSWORD (hashed once): one coordinator per
  territory (`national-coord-<n>`, n = the territory's number) and référents spread over the
  territories in proportion to their population (`national-ref-<n>`), plus `national-admin`
  (superuser);
- 100,000 partners, owned by a territory drawn in proportion to population, 1 % national; zones:
  60 % their territory, 20 % three of its communes, 10 % a neighbouring territory (same
  département; half of those accepted into its network), 7 % their département, 2 % their
  région; three themes, two publics, two services (data·inclusion sub-themes and publics, as the
  services the app imports), two contacts each; `search_text` filled by the models' own
  build_search_text();
- 250,000 legal units and 1,000,000 establishments in communes drawn in proportion to
  population, with real NAF rév. 2 sub-classes and Sirene workforce bands; `search_text`,
  `commune_search_name` and `workforce_rank` filled as the Sirene import fills them;
- per territory: a validated, published roadmap of 5 axes × 10 actions (two steps each, a
  partner, a pilot partner), an élu and a technicien référent per commune, 6 rendez-vous of the
  network (half in the past) and 4 signals.

Skipped (the app tolerates their absence): the django-simple-history rows of roadmaps, axes,
actions and steps (pages show the history from the first change on), coordinates of
establishments (the map leaves them out), invitations, échanges and needs.

Every table is written with PostgreSQL's COPY (psycopg's `cursor.copy`), with explicit primary
keys and the sequences reset at the end, in one transaction; the foreign keys are checked once
per key at the end (check_foreign_keys), then VACUUM ANALYZE. The script refuses a database that
already has territories, partners or accounts (drop it and run again); communes already
imported are kept.

The personas file (default /tmp/maillage-national/personas.json, `--personas PATH`), read by
the national load test (bench/load/), is one JSON object:

    {
      "password": "…",                      # every account's password
      "scale": 1.0,
      "users": [                            # every bench account
        {"username": "national-coord-1", "territory": "<slug>", "role": "coordinateur"},
        {"username": "national-ref-1", "territory": "<slug>", "role": "referent"}, …
      ],
      "territories": ["<slug>", …],         # every territory, by population (largest first)
      "communes": ["33063", …],             # ≤ 500 INSEE codes drawn by population
      "partners": ["<slug>", …],            # 1,000 partner slugs
      "establishments": ["<siret>", …],     # ≈ 750 SIRET of active establishments, anywhere
                                            # (a member sees those of their territory only)
      "themes": ["<slug>", …], "publics": ["<slug>", …],
      "paths": {
        "public": ["/partenaires/", "/partenaires/?commune=33063", …],   # for visitors
        "member": {"<slug>": ["/feuilles-de-route/<slug>/", …]}        # a member's territory
      }   # member paths: the territory's home, roadmap, dashboard, guide, network, register,
    }     # and one of its establishments
"""

import argparse
import bisect
import contextlib
import datetime
import itertools
import json
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")  # the seed runs as a management task, not as the site

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import DatabaseError, connection, models, transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from bench._sirene import fictional_siren, siret_of  # noqa: E402
from companies.models import Establishment, LegalUnit, NafCode, WorkforceBand  # noqa: E402
from companies.models.register import band_ranks  # noqa: E402
from companies.sirene import _search_text  # noqa: E402
from partners.models import (  # noqa: E402
    Category,
    Contact,
    NetworkMembership,
    Partner,
    Public,
    Service,
    Theme,
    refresh_directory_fields,
)
from portal.models import (  # noqa: E402
    EPCI,
    RESERVED_TERRITORY_SLUGS,
    Commune,
    Membership,
    Territory,
    User,
)
from referents.models import Meeting, Referent  # noqa: E402
from roadmaps.models import Action, Axis, Roadmap, Signal, Step  # noqa: E402

BENCH_PASSWORD = "national-maillage-2026"
COMMUNES_DIR = os.environ.get("COMMUNES_DIR", "/work/shared/data/decoupage-administratif")
DEFAULT_PERSONAS = "/tmp/maillage-national/personas.json"
FULL = {"partners": 100_000, "establishments": 1_000_000, "accounts": 20_000}
AXES, ACTIONS_PER_AXIS, STEPS = 5, 10, 2
MEETINGS, SIGNALS = 6, 4
ESTABLISHMENTS_PER_UNIT = 4
TODAY = datetime.date(2026, 6, 1)
ZONES = ("communes", "territories", "departments", "regions")
TERRITORY_KINDS = {"ca": "ca", "cc": "cc", "cu": "cu", "metro": "metropole", "met69": "metropole"}
PARTNER_KINDS = [
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
WORDS = (
    "accompagnement emploi insertion formation jeunes mobilité numérique logement santé "
    "apprentissage alternance recrutement entreprises création handicap seniors femmes "
    "orientation métiers industrie agriculture services personne social permis atelier "
    "chantier réemploi remobilisation compétences qualification"
).split()
SERVICE_KINDS = [
    ("Ateliers CV et entretien", "atelier"),
    ("Premier accueil et orientation", "information"),
    ("Accompagnement renforcé vers l'emploi", "accompagnement"),
    ("Formation qualifiante", "formation"),
    ("Aide à la mobilité", "aide-financiere"),
    ("Prêt de matériel informatique", "aide-materielle"),
]
FIRST_NAMES = "Camille Lucas Léa Hugo Manon Nathan Chloé Louis Inès Jules Sarah Adam".split()
LAST_NAMES = "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau".split()
# Every table the seed writes (check_foreign_keys() checks their keys).
SEEDED = [
    Territory,
    Territory.epcis.through,
    User,
    Membership,
    Partner,
    *(getattr(Partner, name).through for name in ("publics", "themes")),
    *(getattr(Partner, f"zone_{name}").through for name in ZONES),
    NetworkMembership,
    Contact,
    Service,
    Service.themes.through,
    Service.publics.through,
    LegalUnit,
    Establishment,
    Roadmap,
    Axis,
    Action,
    Action.partners.through,
    Step,
    Referent,
    Meeting,
    Signal,
]
COMPANY_WORDS = "ATELIERS SOCIETE TRANSPORTS BOULANGERIE GARAGE CABINET INDUSTRIES".split()


def say(message):
    print(f"[national] {message}", flush=True)


@contextlib.contextmanager
def step(label):
    started = time.monotonic()
    result = {}
    yield result
    rows = ", ".join(f"{count:_} {name}".replace("_", " ") for name, count in result.items())
    say(f"{label}: {time.monotonic() - started:.1f} s" + (f" ({rows})" if rows else ""))


def constants(model, columns):
    """{column: database value} of the model's fields not in `columns`: their defaults (now for
    the auto_now(_add) dates), prepared by the fields as save() would."""
    now = timezone.now()
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in columns:
            continue
        auto = isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
        value = now if auto else field.get_default()
        values[field.column] = field.get_db_prep_save(value, connection)
    return values


def copy(model, columns, rows):
    """COPY `rows` (tuples of `columns`' values, attnames) into the model's table, the other
    columns at their defaults. Returns the number of rows."""
    fixed = constants(model, set(columns))
    names = [model._meta.get_field(name).column if name != "id" else "id" for name in columns]
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(name) for name in [*names, *fixed])}) FROM STDIN"
    )
    tail = tuple(fixed.values())
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as stream:
        for row in rows:
            stream.write_row((*row, *tail))
            count += 1
    return count


class Weighted:
    """Draw items in proportion to a weight, with a seeded generator."""

    def __init__(self, items, weights, rng):
        self.items, self.rng = items, rng
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, count=None):
        if count is None:
            return self.items[bisect.bisect(self.cumulative, self.rng.random() * self.total)]
        return self.rng.choices(self.items, cum_weights=self.cumulative, k=count)

    @property
    def total(self):
        return self.cumulative[-1]


def import_communes():
    if Commune.objects.count() > 30000:
        return {"communes déjà là": Commune.objects.count()}
    call_command("import_communes", COMMUNES_DIR, verbosity=0)
    return {"communes": Commune.objects.count(), "EPCI": EPCI.objects.count()}


def load_communes():
    """Communes as namespaces (pk, code, name, search name, postal code, population, EPCI,
    département, région)."""
    rows = Commune.objects.values_list(
        "pk",
        "insee_code",
        "name",
        "search_name",
        "postal_codes",
        "population",
        "epci_id",
        "department_id",
        "department__region_id",
    ).order_by("pk")
    return [
        SimpleNamespace(
            pk=pk,
            code=code,
            name=name,
            search_name=search_name,
            postal_code=Commune(postal_codes=codes).main_postal_code,
            population=population or 1,
            epci_id=epci_id,
            department_id=department_id,
            region_id=region_id,
        )
        for pk, code, name, search_name, codes, population, epci_id, department_id, region_id in (
            rows
        )
    ]


def make_territories(communes, scale, result):
    """One territory per EPCI (the most populated first when `scale` < 1)."""
    epcis = list(
        EPCI.objects.annotate(population=Sum("communes__population"))
        .filter(population__isnull=False)
        .order_by("-population", "siren")
    )
    epcis = epcis[: max(5, round(len(epcis) * scale))]
    max_length = Territory._meta.get_field("slug").max_length
    slugs, names, territories = set(), set(), []
    for number, epci in enumerate(epcis, start=1):
        name = epci.name if epci.name not in names else f"{epci.name} ({epci.siren})"
        slug = slugify(epci.name)[: max_length - 10].strip("-") or "territoire"
        if slug in slugs or slug in RESERVED_TERRITORY_SLUGS or slug.isdigit():
            slug = f"{slug}-{epci.siren}"
        names.add(name)
        slugs.add(slug)
        territories.append(
            SimpleNamespace(
                pk=number,
                number=number,
                name=name,
                slug=slug,
                kind=TERRITORY_KINDS.get(epci.kind, "autre"),
                epci_id=epci.pk,
                population=epci.population,
                communes=[],
            )
        )
    by_epci = {territory.epci_id: territory for territory in territories}
    for commune in communes:
        territory = by_epci.get(commune.epci_id)
        commune.territory = territory
        if territory:
            territory.communes.append(commune)
    result["territoires"] = copy(
        Territory,
        ["id", "name", "slug", "kind", "presentation", "jobs", "main_sectors"],
        (
            (
                t.pk,
                t.name,
                t.slug,
                t.kind,
                f"Territoire de {t.name} : {len(t.communes)} communes.",
                t.population // 3,
                "industrie, services, commerce",
            )
            for t in territories
        ),
    )
    copy(
        Territory.epcis.through,
        ["territory_id", "epci_id"],
        ((t.pk, t.epci_id) for t in territories),
    )
    return territories


def make_accounts(territories, total, rng, result):
    """A coordinator per territory, référents in proportion to population, one superuser."""
    password = make_password(BENCH_PASSWORD)  # hashed once, shared by every account
    by_population = Weighted(territories, [t.population for t in territories], rng)
    users = []
    for territory in territories:
        users.append((f"national-coord-{territory.number}", territory, "coordinateur"))
    for number, territory in enumerate(
        by_population.draw(max(0, total - len(territories))), start=1
    ):
        users.append((f"national-ref-{number}", territory, "referent"))
    now = timezone.now()
    result["comptes"] = copy(
        User,
        ["id", "username", "password", "email", "first_name", "last_name", "date_joined"],
        (
            (
                pk,
                username,
                password,
                f"{username}@example.org",
                FIRST_NAMES[pk % len(FIRST_NAMES)],
                LAST_NAMES[pk % len(LAST_NAMES)],
                now,
            )
            for pk, (username, _territory, _role) in enumerate(users, start=1)
        ),
    )
    result["rôles"] = copy(
        Membership,
        ["user_id", "territory_id", "role"],
        ((pk, t.pk, role) for pk, (_name, t, role) in enumerate(users, start=1)),
    )
    admin = len(users) + 1
    copy(
        User,
        ["id", "username", "password", "email", "is_staff", "is_superuser", "date_joined"],
        [(admin, "national-admin", password, "national-admin@example.org", True, True, now)],
    )
    for territory in territories:
        territory.coordinator_id = territory.number
    return [
        {"username": username, "territory": territory.slug, "role": role}
        for username, territory, role in users
    ]


def make_partners(territories, communes, total, rng, result):
    categories = {item.slug: item.pk for item in Category.objects.all()}
    kinds = [(label, categories[slug]) for label, slug in PARTNER_KINDS if slug in categories]
    themes = list(Theme.objects.values_list("pk", flat=True))
    sub_themes = list(Theme.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    publics = list(Public.objects.values_list("pk", flat=True))
    scales = list(Partner.Scale.values)
    by_population = Weighted(territories, [t.population for t in territories], rng)
    by_department = {}
    for territory in territories:
        for department in {commune.department_id for commune in territory.communes}:
            by_department.setdefault(department, []).append(territory)
    partners, links = [], {name: [] for name in ("publics", "themes", "communes", "territories")}
    links.update(departments=[], regions=[], network=[])
    for pk in range(1, total + 1):
        territory = by_population.draw()
        commune = rng.choice(territory.communes)
        label, category = kinds[pk % len(kinds)]
        words = rng.sample(WORDS, 12)
        partner = Partner(
            name=f"{label} {' '.join(words[:2])} {commune.name} {pk}",
            also_known_as=rng.choice(["", "", "", "Pôle emploi", "ANPE", "ML"]),
            description=" ".join(words[2:9]).capitalize() + ".",
            services=" ".join(words[9:]).capitalize() + ".",
        )
        national = pk % 100 == 0
        partners.append(
            (
                pk,
                territory.pk,
                partner.name,
                f"{slugify(partner.name)[:200]}-{pk}",
                partner.also_known_as,
                category,
                rng.choice(scales),
                partner.description,
                partner.services,
                f"{pk % 150 + 1} rue de la République",
                commune.postal_code,
                commune.pk,
                "05 00 00 00 00",
                f"contact{pk}@example.org",
                "Du lundi au vendredi, 9 h – 17 h",
                pk % 3 == 0,
                national,
                timezone.now() - datetime.timedelta(days=pk % 900),
                partner.build_search_text(),
            )
        )
        links["publics"] += [(pk, item) for item in rng.sample(publics, 2)]
        links["themes"] += [(pk, item) for item in rng.sample(themes, 3)]
        if national:
            continue
        draw = rng.random()
        if draw < 0.6:
            links["territories"].append((pk, territory.pk))
        elif draw < 0.8:
            chosen = rng.sample(territory.communes, min(3, len(territory.communes)))
            links["communes"] += [(pk, item.pk) for item in chosen]
        elif draw < 0.9:
            neighbours = by_department[commune.department_id]
            other = rng.choice(neighbours)
            links["territories"] += [(pk, territory.pk)] + (
                [(pk, other.pk)] if other is not territory else []
            )
            if other is not territory and rng.random() < 0.5:
                links["network"].append((other.pk, pk, other.coordinator_id))
        elif draw < 0.97:
            links["departments"].append((pk, commune.department_id))
        else:
            links["regions"].append((pk, commune.region_id))
        territory_partners = territory.__dict__.setdefault("partners", [])
        territory_partners.append(pk)
    result["partenaires"] = copy(
        Partner,
        [
            "id",
            "territory_id",
            "name",
            "slug",
            "also_known_as",
            "category_id",
            "scale",
            "description",
            "services",
            "address",
            "postal_code",
            "commune_id",
            "phone",
            "email",
            "opening_hours",
            "reception_remote",
            "is_national",
            "verified_at",
            "search_text",
        ],
        partners,
    )
    through = {
        "publics": (Partner.publics.through, "public_id"),
        "themes": (Partner.themes.through, "theme_id"),
        "communes": (Partner.zone_communes.through, "commune_id"),
        "territories": (Partner.zone_territories.through, "territory_id"),
        "departments": (Partner.zone_departments.through, "department_id"),
        "regions": (Partner.zone_regions.through, "region_id"),
    }
    for name, (model, column) in through.items():
        result[f"liens {name}"] = copy(model, ["partner_id", column], links[name])
    result["réseaux"] = copy(
        NetworkMembership, ["territory_id", "partner_id", "decided_by_id"], links["network"]
    )
    result["contacts"] = copy(
        Contact,
        ["partner_id", "first_name", "last_name", "role", "phone", "email", "position"],
        (
            (
                pk,
                FIRST_NAMES[(pk + position) % len(FIRST_NAMES)],
                LAST_NAMES[(pk * 7 + position) % len(LAST_NAMES)],
                "Conseillère emploi" if position == 0 else "Chargé d'accueil",
                "05 00 00 00 01",
                f"contact{position}.{pk}@example.org",
                position,
            )
            for pk in range(1, total + 1)
            for position in range(2)
        ),
    )
    make_services(total, sub_themes, publics, rng, result)
    return [row[3] for row in partners]


def make_services(partners, sub_themes, publics, rng, result):
    """Two data·inclusion services per partner, with sub-themes and publics."""
    services, themes, service_publics = [], [], []
    for partner in range(1, partners + 1):
        for position, (name, kind) in enumerate(rng.sample(SERVICE_KINDS, 2)):
            pk = len(services) + 1
            service = Service(
                name=name,
                description=" ".join(rng.sample(WORDS, 10)).capitalize() + ".",
            )
            services.append(
                (
                    pk,
                    partner,
                    service.name,
                    service.description,
                    kind,
                    "gratuit",
                    position,
                    "Mo-Fr 09:00-12:00; PH off",
                    service.build_search_text(),
                )
            )
            themes += [(pk, item) for item in rng.sample(sub_themes, 2)]
            service_publics += [(pk, item) for item in rng.sample(publics, 2)]
    result["services"] = copy(
        Service,
        [
            "id",
            "partner_id",
            "name",
            "description",
            "service_type",
            "fee",
            "position",
            "opening_hours_osm",
            "search_text",
        ],
        services,
    )
    copy(Service.themes.through, ["service_id", "theme_id"], themes)
    copy(Service.publics.through, ["service_id", "public_id"], service_publics)


def company_name(index, sole):
    if sole:
        return f"{LAST_NAMES[index % len(LAST_NAMES)]} {FIRST_NAMES[index % 12]}".upper()
    words = COMPANY_WORDS[index % len(COMPANY_WORDS)], WORDS[index % len(WORDS)].upper()
    return f"{words[0]} {words[1]} {index}"


def make_companies(communes, total, rng, result):
    """Legal units and establishments as the Sirene import writes them (search text, commune's
    search name, band's rank), in communes drawn in proportion to population."""
    naf = list(NafCode.objects.filter(level="sous-classe").values_list("code", "label"))
    bands = list(WorkforceBand.objects.values_list("code", flat=True))
    ranks = band_ranks()
    units_count = (total + ESTABLISHMENTS_PER_UNIT - 1) // ESTABLISHMENTS_PER_UNIT
    units = []
    for index in range(units_count):
        sole = index % 5 == 0
        units.append(
            SimpleNamespace(
                pk=index + 1,
                siren=fictional_siren(10_000 + index),
                name=company_name(index, sole),
                acronym="",
                legal_category="1000" if sole else "5710",
                is_ess=index % 30 == 0,
            )
        )
    result["unités légales"] = copy(
        LegalUnit,
        ["id", "siren", "name", "acronym", "legal_category", "is_ess", "is_employer"],
        ((u.pk, u.siren, u.name, u.acronym, u.legal_category, u.is_ess, True) for u in units),
    )
    places = Weighted(communes, [c.population for c in communes], rng).draw(total)

    def rows():
        for index, commune in enumerate(places):
            unit = units[index // ESTABLISHMENTS_PER_UNIT]
            number = index % ESTABLISHMENTS_PER_UNIT + 1
            code, label = naf[rng.randrange(len(naf))]
            band = rng.choice(bands)
            name = f"ENSEIGNE {index}" if index % 3 == 0 else ""
            yield (
                index + 1,
                siret_of(unit.siren, number),
                unit.pk,
                name,
                code,
                code,
                "NAFRev2",
                band,
                2023,
                True,
                unit.is_ess,
                index % 4 != 3,
                number == 1,
                f"{index % 300 + 1} RUE DU GENERATEUR",
                commune.postal_code,
                commune.pk,
                datetime.date(2000 + index % 25, index % 12 + 1, 1),
                _search_text(name, unit, label),
                commune.search_name,
                ranks.get(band, 0),
            )

    result["établissements"] = copy(
        Establishment,
        [
            "id",
            "siret",
            "legal_unit_id",
            "name",
            "naf_id",
            "activity_code",
            "activity_nomenclature",
            "workforce_band_id",
            "workforce_year",
            "is_employer",
            "is_ess",
            "is_active",
            "is_head_office",
            "address",
            "postal_code",
            "commune_id",
            "created_on",
            "search_text",
            "commune_search_name",
            "workforce_rank",
        ],
        rows(),
    )
    sample = [
        siret_of(units[index // 4].siren, index % 4 + 1)
        for index in rng.sample(range(total), min(1000, total))
        if index % 4 != 3
    ]
    for index, commune in enumerate(places):  # an active establishment of each territory
        territory = commune.territory
        if territory and index % 4 != 3 and not hasattr(territory, "establishment"):
            territory.establishment = siret_of(units[index // 4].siren, index % 4 + 1)
    return sample


def make_roadmaps(territories, rng, result):
    """A validated, published roadmap per territory: 5 axes × 10 actions × 2 steps."""
    now = timezone.now()
    statuses = list(Action.Status.values)
    result["feuilles de route"] = copy(
        Roadmap,
        [
            "id",
            "territory_id",
            "title",
            "period",
            "work_started_on",
            "diagnostic",
            "stakes",
            "objectives",
            "status",
            "is_current",
            "validated_by",
            "validated_on",
            "is_published",
            "published_at",
        ],
        (
            (
                t.pk,
                t.pk,
                "Feuille de route pour l'emploi et l'insertion",
                "2024-2028",
                datetime.date(2023, 9, 1),
                "Une offre riche mais illisible pour les habitants et les employeurs.",
                "Interconnaissance des acteurs, mobilité, recrutement.",
                "Mieux orienter, mieux recruter, mieux former.",
                Roadmap.Status.VALIDATED,
                True,
                "conseil communautaire",
                datetime.date(2024, 3, 1),
                True,
                now,
            )
            for t in territories
        ),
    )
    axes, actions, action_partners, steps = [], [], [], []
    for territory in territories:
        partners = territory.__dict__.get("partners") or [None]
        for number in range(1, AXES + 1):
            axis = len(axes) + 1
            axes.append((axis, territory.pk, number, f"Axe {number} : un objectif du territoire"))
            for n in range(1, ACTIONS_PER_AXIS + 1):
                action = len(actions) + 1
                pilot = rng.choice(partners)
                actions.append(
                    (
                        action,
                        axis,
                        n,
                        f"Action {number}.{n} : organiser un temps fort avec les employeurs",
                        "Réunir les partenaires et les employeurs autour d'un besoin concret.",
                        rng.choice(statuses),
                        rng.randrange(0, 101, 10),
                        datetime.date(2024, 1, 1) + datetime.timedelta(days=n * 7),
                        datetime.date(2027, 12, 31) - datetime.timedelta(days=n * 5),
                        pilot,
                        territory.coordinator_id,
                        n % 9 == 0,
                    )
                )
                if pilot is not None:
                    action_partners.append((action, pilot))
                steps += [
                    (action, f"Étape {k}", TODAY + datetime.timedelta(days=30 * k), k == 1)
                    for k in range(1, STEPS + 1)
                ]
    result["axes"] = copy(Axis, ["id", "roadmap_id", "number", "title"], axes)
    result["actions"] = copy(
        Action,
        [
            "id",
            "axis_id",
            "number",
            "title",
            "description",
            "status",
            "progress",
            "start_date",
            "end_date",
            "pilot_partner_id",
            "coordinator_id",
            "to_discuss",
        ],
        actions,
    )
    copy(Action.partners.through, ["action_id", "partner_id"], action_partners)
    result["étapes"] = copy(Step, ["action_id", "title", "due_date", "done"], steps)


def make_networks(territories, rng, result):
    """Two référents per commune, rendez-vous and signals per territory."""
    referents = (
        (first, commune.name[:60], role, function, f"{role}.{commune.code}@example.org", commune.pk)
        for territory in territories
        for commune in territory.communes
        for first, role, function in (
            ("Élise", Referent.Role.ELECTED, "adjointe aux affaires sociales"),
            ("Théo", Referent.Role.TECHNICIAN, "secrétaire de mairie"),
        )
    )
    result["référents"] = copy(
        Referent, ["first_name", "last_name", "role", "function", "email", "commune_id"], referents
    )
    now = timezone.now()
    result["rendez-vous"] = copy(
        Meeting,
        ["territory_id", "title", "starts_at", "host_id", "agenda", "minutes", "audience"],
        (
            (
                t.pk,
                f"Réunion du réseau n° {k + 1}",
                now + datetime.timedelta(days=30 * (k - MEETINGS // 2)),
                rng.choice(t.__dict__.get("partners") or [None]),
                "1. Tour de table\n2. Présentation d'un partenaire",
                "Compte rendu de la réunion." if k < MEETINGS // 2 else "",
                "tous-publics",
            )
            for t in territories
            for k in range(MEETINGS)
        ),
    )
    sources = [Signal.Source.EXCHANGE, Signal.Source.MEETING, Signal.Source.PARTNER]
    result["signaux"] = copy(
        Signal,
        ["territory_id", "text", "observed_on", "sector", "source", "author_id"],
        (
            (
                t.pk,
                "Trois employeurs cherchent des soudeurs sans trouver de candidats.",
                TODAY - datetime.timedelta(days=20 * k),
                "industrie",
                sources[k % len(sources)],
                t.coordinator_id,
            )
            for t in territories
            for k in range(SIGNALS)
        ),
    )


def foreign_key_triggers_off():
    """Turn off, for this transaction, the triggers that check foreign keys row by row (as
    `pg_restore` does): Django's keys are DEFERRABLE INITIALLY DEFERRED, so COPY would queue
    millions of checks (each locking the referenced row) for COMMIT: over 6 minutes here.
    check_foreign_keys() then checks every key of the tables written, in one query each.
    Needs a superuser (the bench's `postgres`); otherwise the row-by-row checks stay."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        say("session_replication_role refused: foreign keys checked row by row at COMMIT")
        return False
    return True


def check_foreign_keys(triggers_off):
    """Every foreign key of the tables written points to an existing row (one anti-join per
    key); any orphan aborts the transaction: nothing is kept."""
    if not triggers_off:
        return {}
    quote = connection.ops.quote_name
    checked = 0
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        for model in SEEDED:
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                target = field.target_field
                child, parent = quote(model._meta.db_table), quote(target.model._meta.db_table)
                column, key = quote(field.column), quote(target.column)
                cursor.execute(
                    f"SELECT count(*) FROM {child} c WHERE c.{column} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {parent} p WHERE p.{key} = c.{column})"
                )
                orphans = cursor.fetchone()[0]
                if orphans:
                    raise DatabaseError(f"{orphans} orphan rows in {child}.{column}")
                checked += 1
    return {"clés vérifiées": checked}


def reset_sequences():
    tables = [
        Territory,
        User,
        Partner,
        Service,
        LegalUnit,
        Establishment,
        Roadmap,
        Axis,
        Action,
    ]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(statement)


def personas(users, territories, communes, partners, sirets, scale, rng):
    biggest = sorted(territories, key=lambda t: -t.population)
    drawn = Weighted(communes, [c.population for c in communes], rng).draw(500)
    codes = list(dict.fromkeys(commune.code for commune in drawn))
    themes = list(Theme.objects.values_list("slug", flat=True))
    publics = list(Public.objects.values_list("slug", flat=True))
    directory = reverse("partners:list")
    public_paths = [directory, f"{directory}?page=50"]
    public_paths += [f"{directory}?commune={code}" for code in codes[:50]]
    public_paths += [f"{directory}?theme={slug}" for slug in themes[:20]]
    public_paths += [f"{directory}?q=emploi&theme={slug}" for slug in themes[:10]]
    public_paths += [reverse("partners:detail", args=[slug]) for slug in partners[:100]]
    public_paths += [reverse("roadmaps:detail", args=[t.slug]) for t in biggest[:50]]
    member = {
        t.slug: [
            reverse("territory_home", args=[t.slug]),
            reverse("roadmaps:detail", args=[t.slug]),
            reverse("roadmaps:dashboard", args=[t.slug]),
            reverse("referents:guide", args=[t.slug]),
            reverse("companies:list", args=[t.slug]),
            reverse("referents:list", args=[t.slug]),
        ]
        + (
            [reverse("companies:detail", args=[t.establishment])]
            if hasattr(t, "establishment")
            else []
        )
        for t in territories
    }
    return {
        "password": BENCH_PASSWORD,
        "scale": scale,
        "users": users,
        "territories": [t.slug for t in biggest],
        "communes": codes,
        "partners": partners[:1000],
        "establishments": sirets,
        "themes": themes,
        "publics": publics,
        "paths": {"public": public_paths, "member": member},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the national set")
    parser.add_argument("--personas", default=DEFAULT_PERSONAS, help="JSON file of bench users")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("seed_national.py writes to PostgreSQL: set DATABASE_URL to its database.")
    if not 0 < args.scale <= 1:
        sys.exit("--scale: between 0 (excluded) and 1.")
    started = time.monotonic()
    with step("migrations"):
        call_command("migrate", verbosity=0)
    if Territory.objects.exists() or Partner.objects.exists() or User.objects.exists():
        sys.exit(
            "The database already has territories, partners or accounts: seed_national.py "
            "fills an empty database only (dropdb, createdb, and run it again)."
        )
    with step("communes (import_communes)") as result:
        result.update(import_communes())
    rng = random.Random(args.seed)
    sizes = {name: max(10, round(count * args.scale)) for name, count in FULL.items()}
    with transaction.atomic():
        triggers_off = foreign_key_triggers_off()
        with step("chargement des communes"):
            communes = load_communes()
        with step("territoires") as result:
            territories = make_territories(communes, args.scale, result)
        with step("comptes") as result:
            users = make_accounts(territories, sizes["accounts"], rng, result)
        with step("partenaires") as result:
            partners = make_partners(territories, communes, sizes["partners"], rng, result)
        with step("champs de l'annuaire (refresh_directory_fields)"):
            # COPY sends no signal: the app's own function fills each partner's filters.
            refresh_directory_fields(Partner.objects.values_list("pk", flat=True))
        with step("entreprises") as result:
            sirets = make_companies(communes, sizes["establishments"], rng, result)
        with step("feuilles de route") as result:
            make_roadmaps(territories, rng, result)
        with step("réseaux de référents") as result:
            make_networks(territories, rng, result)
        reset_sequences()
        with step("vérification des clés étrangères") as result:
            result.update(check_foreign_keys(triggers_off))
    # VACUUM too, not only ANALYZE: rows written by COPY have no visibility map yet, and
    # without one PostgreSQL cannot answer a count from an index alone (the directory's count).
    with step("VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    path = Path(args.personas)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = personas(users, territories, communes, partners, sirets, args.scale, rng)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    say(f"personas: {path} ({len(users)} accounts, password {BENCH_PASSWORD})")
    say(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
