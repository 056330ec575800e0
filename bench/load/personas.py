"""The personas of the national load test, read from the database: who signs in, what they read.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_load \\
        .venv/bin/python bench/load/personas.py [--accounts 200] [--per-kind 60] >personas.json

bench/load/national.sh runs it when no PERSONAS file is given; bench/seed_national.py writes one
of the same shape with the national data set (prepare.py reads both):

    {
      "password": "…",                                   # every bench account's password
      "users": [{"username": "charge-1", "territory": "charge-1", "role": "coordinateur"}, …],
      "territories": ["charge-1", …],
      "communes": ["75056", …],                           # INSEE codes
      "partners": ["<slug>", …],
      "paths": {
        "public": ["/partenaires/?scale=national", "/partenaires/<slug>/", …],  # visitors
        "member": {"<territory slug>": ["/feuilles-de-route/<slug>/", …]}      # its members
      }
    }

Visitors read the directory (national filter, a territory's commune, a text search), partner
records, the public roadmaps, commune pages and events, spread over every territory; members
read their own territory's pages (prepare.py keeps, for each account, those answering 200).
"""

import argparse
import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")
os.environ.setdefault("SECRET_KEY", "bench-personas-" + "x" * 40)
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from partners.forms import commune_label  # noqa: E402
from partners.models import Partner  # noqa: E402
from portal.models import Commune, Membership  # noqa: E402
from referents.models import Meeting  # noqa: E402
from roadmaps.models import Roadmap  # noqa: E402

PASSWORD = os.environ.get("BENCH_PASSWORD", "charge-de-test-maillage-2026")  # seed_large's
SEARCH_TERMS = ["emploi", "logement", "mobilité", "santé", "formation", "numérique", "insertion"]
MEMBER_PATHS = [
    "/feuilles-de-route/{territory}/",
    "/feuilles-de-route/{territory}/tableau-de-bord/",
    "/referents/{territory}/guide/",
    "/entreprises/{territory}/",
    "/partenaires/",
]


def sample(rows, count, rng):
    rows = list(rows)
    return rng.sample(rows, min(count, len(rows)))


def personas(accounts, per_kind, rng):
    memberships = sample(
        Membership.objects.filter(
            user__is_active=True, user__username__regex=r"^(charge|referent)-"
        )
        .select_related("user", "territory")
        .order_by("pk"),
        accounts,
        rng,
    )
    # Communes of the portal's territories (the only ones with a page), the whole country over.
    communes = sample(
        Commune.objects.filter(epci__territories__isnull=False).distinct().order_by("pk")[:20_000],
        per_kind,
        rng,
    )
    partner_slugs = sample(
        Partner.objects.order_by("pk").values_list("slug", flat=True)[:50_000], per_kind, rng
    )
    roadmaps = Roadmap.objects.published().select_related("territory").order_by("pk")[:per_kind]
    events = Meeting.objects.filter(is_public=True).order_by("-pk")[:per_kind]
    directory = "/partenaires/?"
    public = [directory + urlencode({"scale": "national", "page": n}) for n in (1, 2, 3)]
    public += [directory + urlencode({"commune": commune_label(c)}) for c in communes]
    public += [
        directory + urlencode({"q": term, **({"commune": commune_label(c)} if c else {})})
        for term in SEARCH_TERMS
        for c in [None, *communes[:3]]
    ]
    public += [f"/partenaires/{slug}/" for slug in partner_slugs]
    public += ["/feuilles-de-route/"] + [
        f"/feuilles-de-route/{r.territory.slug}/" for r in roadmaps
    ]
    public += [f"/communes/{c.insee_code}-{c.slug}/" for c in communes]
    public += ["/evenements/"] + [e.get_public_url() for e in events]
    territories = sorted({m.territory.slug for m in memberships})
    return {
        "password": PASSWORD,
        "users": [
            {"username": m.user.username, "territory": m.territory.slug, "role": m.role}
            for m in memberships
        ],
        "territories": territories,
        "communes": [c.insee_code for c in communes],
        "partners": partner_slugs,
        "paths": {
            "public": public,
            "member": {t: [p.format(territory=t) for p in MEMBER_PATHS] for t in territories},
        },
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    data = personas(args.accounts, args.per_kind, random.Random(args.seed))
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
