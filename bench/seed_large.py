"""Seed a large data set for the load tests, in a dedicated PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_load \\
        .venv/bin/python bench/seed_large.py [--partners 5000] [--territories 10]

What it writes (idempotent: a second run finds the data and stops):
- the whole country's communes, départements, régions and EPCIs
  (`manage.py import_communes /work/shared/data/decoupage-administratif`, or COMMUNES_DIR);
- N territories (default 10) made of the most populated EPCIs, each with a coordinator
  (`charge-<n>`) and a référent (`referent-<n>`) account, password BENCH_PASSWORD;
- 5,000 partners spread over the territories (20 of them national), each serving its territory
  and a few communes, with publics, themes and two contacts;
- a full roadmap per territory: 5 axes × 20 actions, each with 3 steps, 2 progress updates
  and an indicator with 3 measured values; actions' history rows are written too;
- a référent network: an élu and a technicien per commune of the territory, and 24 rendez-vous
  (half in the past, with attendance).

Everything goes through bulk_create (the ORM, not raw SQL), inside one transaction.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")  # the seed runs as a management task, not as the site

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from partners.models import (  # noqa: E402
    Category,
    Contact,
    Partner,
    Public,
    Theme,
    refresh_directory_fields,
)
from portal.models import EPCI, Commune, Membership, Territory, User  # noqa: E402
from referents.models import Meeting, Referent  # noqa: E402
from roadmaps.models import (  # noqa: E402
    Action,
    Axis,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Roadmap,
    Step,
)

BENCH_PASSWORD = "charge-de-test-maillage-2026"
COMMUNES_DIR = os.environ.get("COMMUNES_DIR", "/work/shared/data/decoupage-administratif")
AXES, ACTIONS_PER_AXIS = 5, 20
TODAY = datetime.date(2026, 6, 1)


def say(message):
    print(f"[seed] {message}", flush=True)


def import_communes():
    if Commune.objects.count() > 30000:
        say(f"{Commune.objects.count()} communes already imported")
        return
    say(f"importing the country's communes from {COMMUNES_DIR}")
    call_command("import_communes", COMMUNES_DIR, verbosity=0)


def make_territories(count):
    """The `count` most populated EPCIs, one territory each, with two accounts."""
    epcis = list(
        EPCI.objects.annotate(population=Sum("communes__population"))
        .filter(population__isnull=False)
        .order_by("-population")[:count]
    )
    territories = []
    for number, epci in enumerate(epcis, start=1):
        territory = Territory.objects.create(
            name=f"{epci.name} (charge)",
            slug=f"charge-{number}",
            kind=Territory.Kind.CA,
            presentation="Territoire de test de charge.",
            jobs=100000 + number,
            main_sectors="industrie, services, logistique",
        )
        territory.epcis.set([epci])
        territories.append(territory)
        for role, prefix in [
            (Membership.Role.COORDINATOR, "charge"),
            (Membership.Role.REFERENT, "referent"),
        ]:
            user = User.objects.create_user(
                f"{prefix}-{number}", f"{prefix}-{number}@example.org", BENCH_PASSWORD
            )
            Membership.objects.create(user=user, territory=territory, role=role)
    User.objects.create_superuser("charge-admin", "charge-admin@example.org", BENCH_PASSWORD)
    say(f"{len(territories)} territories: " + ", ".join(t.slug for t in territories))
    return territories


def make_partners(territories, total, rng):
    categories = list(Category.objects.all())
    publics = list(Public.objects.all())
    themes = list(Theme.objects.all())
    communes_of = {
        territory.pk: list(
            Commune.objects.filter(epci__territories=territory).only("pk", "postal_codes")
        )
        for territory in territories
    }
    partners = []
    for index in range(total):
        territory = territories[index % len(territories)]
        commune = rng.choice(communes_of[territory.pk])
        name = f"{rng.choice(categories).label} {index:05d}"
        partner = Partner(
            territory=territory,
            name=name,
            slug=f"{slugify(name)}-{index}",
            also_known_as=f"Ancien nom {index}" if index % 7 == 0 else "",
            category=rng.choice(categories),
            description=(
                "Accueil, information et accompagnement vers l'emploi et la formation. " * 3
            ),
            services="Ateliers CV, simulations d'entretien, aide à la mobilité, garde d'enfants.",
            address=f"{index % 200 + 1} rue de la République",
            postal_code=commune.main_postal_code or "",
            commune=commune,
            phone="05 00 00 00 00",
            email=f"contact{index}@example.org",
            website=f"https://partenaire{index}.example.org",
            opening_hours="Du lundi au vendredi, 9 h - 12 h et 14 h - 17 h",
            is_national=index < 20,
            verified_at=timezone.now() - datetime.timedelta(days=index % 900),
        )
        partner.search_text = partner.build_search_text()
        partners.append(partner)
    Partner.objects.bulk_create(partners, batch_size=1000)
    partners = list(Partner.objects.order_by("pk"))

    rows = {"publics": [], "themes": [], "zone_territories": [], "zone_communes": []}
    through = {name: getattr(Partner, name).through for name in rows}
    for partner in partners:
        for public in rng.sample(publics, 2):
            rows["publics"].append(through["publics"](partner=partner, public=public))
        for theme in rng.sample(themes, 3):
            rows["themes"].append(through["themes"](partner=partner, theme=theme))
        if partner.is_national:
            continue
        rows["zone_territories"].append(
            through["zone_territories"](partner=partner, territory_id=partner.territory_id)
        )
        for commune in rng.sample(communes_of[partner.territory_id], 2):
            rows["zone_communes"].append(through["zone_communes"](partner=partner, commune=commune))
    for name, objects in rows.items():
        through[name].objects.bulk_create(objects, batch_size=5000, ignore_conflicts=True)
    refresh_directory_fields(partner.pk for partner in partners)  # bulk links send no signal
    Contact.objects.bulk_create(
        [
            Contact(
                partner=partner,
                first_name=first,
                last_name=f"Charge{partner.pk}",
                role="Conseillère emploi",
                phone="05 00 00 00 01",
                email=f"{first.lower()}.{partner.pk}@example.org",
                position=position,
            )
            for partner in partners
            for position, first in enumerate(["Claire", "Yanis"])
        ],
        batch_size=5000,
    )
    say(f"{len(partners)} partners, {Contact.objects.count()} contacts")
    return partners


def make_roadmap(territory, partners, coordinator, rng):
    roadmap = Roadmap.objects.create(
        territory=territory,
        title="Feuille de route pour l'emploi et l'insertion",
        period="2024-2028",
        work_started_on=datetime.date(2023, 9, 1),
        diagnostic="Une offre riche mais illisible pour les habitants et les employeurs.",
        stakes="Interconnaissance des acteurs, mobilité, recrutement.",
        objectives="Mieux orienter, mieux recruter, mieux former.",
        status=Roadmap.Status.VALIDATED,
        validated_by="conseil communautaire",
        validated_on=datetime.date(2024, 3, 1),
    )
    axes = bulk_create_with_history(
        [
            Axis(roadmap=roadmap, number=n, title=f"Axe {n} : un objectif du territoire")
            for n in range(1, AXES + 1)
        ],
        Axis,
    )
    axes = list(Axis.objects.filter(roadmap=roadmap).order_by("number"))
    statuses = list(Action.Status)
    actions = [
        Action(
            axis=axis,
            number=n,
            title=f"Action {axis.number}.{n} : organiser un temps fort avec les employeurs",
            description="Réunir les partenaires et les employeurs autour d'un besoin concret.",
            expected_results="Des recrutements, des parcours sans rupture.",
            status=rng.choice(statuses),
            progress=rng.randrange(0, 101, 10),
            start_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=n * 7),
            end_date=datetime.date(2027, 12, 31) - datetime.timedelta(days=n * 5),
            pilot_partner=rng.choice(partners),
            coordinator=coordinator,
            budget=1000 * n,
            funders="État, Région",
            to_discuss=n % 9 == 0,
        )
        for axis in axes
        for n in range(1, ACTIONS_PER_AXIS + 1)
    ]
    bulk_create_with_history(actions, Action, default_user=coordinator)
    actions = list(Action.objects.filter(axis__roadmap=roadmap))
    Action.partners.through.objects.bulk_create(
        [
            Action.partners.through(action=action, partner=partner)
            for action in actions
            for partner in rng.sample(partners, 2)
        ],
        ignore_conflicts=True,
    )
    bulk_create_with_history(
        [
            Step(
                action=action,
                title=f"Étape {k}",
                due_date=TODAY + datetime.timedelta(days=30 * k),
                done=k == 1,
            )
            for action in actions
            for k in range(1, 4)
        ],
        Step,
        default_user=coordinator,
    )
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                action=action,
                author=coordinator,
                date=TODAY - datetime.timedelta(days=60 * k),
                note="Point d'étape : la réunion a eu lieu, les partenaires sont mobilisés.",
                status=action.status,
                progress=action.progress,
            )
            for action in actions
            for k in range(1, 3)
        ]
    )
    bulk_create_with_history(
        [
            Indicator(action=action, label="Personnes accompagnées", unit="personnes", target=100)
            for action in actions
        ],
        Indicator,
        default_user=coordinator,
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator=indicator,
                date=TODAY - datetime.timedelta(days=90 * k),
                value=30 * (3 - k),
                recorded_by=coordinator,
            )
            for indicator in Indicator.objects.filter(action__axis__roadmap=roadmap)
            for k in range(3)
        ]
    )
    return roadmap


def make_network(territory, partners, rng):
    communes = list(Commune.objects.filter(epci__territories=territory))
    referents = Referent.objects.bulk_create(
        [
            Referent(
                first_name=first,
                last_name=f"{commune.name[:60]}",
                role=role,
                function="adjointe aux affaires sociales"
                if role == Referent.Role.ELECTED
                else "secrétaire de mairie",
                email=f"{role}.{commune.insee_code}@example.org",
                phone="05 00 00 00 02",
                commune=commune,
                mandate_start=datetime.date(2020, 7, 1),
            )
            for commune in communes
            for first, role in [
                ("Élise", Referent.Role.ELECTED),
                ("Théo", Referent.Role.TECHNICIAN),
            ]
        ]
    )
    now = timezone.now()
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                territory=territory,
                kind=Meeting.Kind.MONTHLY,
                title=f"Réunion du réseau n° {k}",
                starts_at=now + datetime.timedelta(days=30 * (k - 12)),
                host=rng.choice(partners),
                agenda="1. Tour de table\n2. Présentation d'un partenaire",
                minutes="Compte rendu de la réunion." if k < 12 else "",
            )
            for k in range(24)
        ]
    )
    invited, present = [], []
    for meeting in meetings:
        for referent in rng.sample(referents, min(20, len(referents))):
            invited.append(Meeting.invited.through(meeting=meeting, referent=referent))
            if meeting.starts_at < now and rng.random() < 0.6:
                present.append(Meeting.present.through(meeting=meeting, referent=referent))
    Meeting.invited.through.objects.bulk_create(invited)
    Meeting.present.through.objects.bulk_create(present)
    return len(referents)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--territories", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("seed_large.py writes to PostgreSQL: set DATABASE_URL to the load database.")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    import_communes()
    if Territory.objects.filter(slug="charge-1").exists():
        say("already seeded: nothing to do (drop the database to start again)")
        return
    rng = random.Random(args.seed)
    with transaction.atomic():
        territories = make_territories(args.territories)
        partners = make_partners(territories, args.partners, rng)
        by_territory = {t.pk: [p for p in partners if p.territory_id == t.pk] for t in territories}
        referents = 0
        for territory in territories:
            coordinator = User.objects.get(username=f"charge-{territory.slug.split('-')[1]}")
            make_roadmap(territory, by_territory[territory.pk], coordinator, rng)
            referents += make_network(territory, by_territory[territory.pk], rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = (
        Territory.objects.filter(slug__startswith="charge-")
        .annotate(n=Count("epcis__communes", distinct=True))
        .values_list("slug", "n")
    )
    say(f"communes per territory: {dict(counts)}")
    say(
        f"done in {time.monotonic() - started:.0f} s: {Partner.objects.count()} partners, "
        f"{Action.objects.count()} actions, {referents} référents, "
        f"{Meeting.objects.count()} rendez-vous"
    )


if __name__ == "__main__":
    main()
