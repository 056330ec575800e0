"""Benchmark: the guide du référent of the whole Grand Angoulême, as PDF (target: under 10 s).

Run against a database holding the demo (`manage.py load_demo`):

    DEBUG=1 DATABASE_URL=sqlite:////tmp/maillage.sqlite3 .venv/bin/python bench/referents_guide.py

With `--partners N` (default 150) the script first adds N extra partners serving the territory,
each with two contacts, publics and themes, inside a transaction that is rolled back at the end:
the database is left as it was.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from partners.models import Category, Contact, Partner, Public, Theme  # noqa: E402
from portal.models import Territory  # noqa: E402
from portal.pdf import render_pdf  # noqa: E402
from referents.views.guide import guide_context  # noqa: E402


class Rollback(Exception):
    pass


def add_partners(territory, number):
    categories = list(Category.objects.all())
    publics, themes = list(Public.objects.all()), list(Theme.objects.all())
    for index in range(number):
        partner = Partner.objects.create(
            territory=territory,
            name=f"Partenaire de mesure {index}",
            slug=f"partenaire-de-mesure-{index}",
            category=categories[index % len(categories)],
            address=f"{index} avenue de la République",
            postal_code="16000",
            phone="01 99 00 99 99",
            email=f"mesure{index}@example.org",
            opening_hours="Du lundi au vendredi, 9 h – 12 h et 14 h – 17 h",
        )
        partner.zone_territories.add(territory)
        partner.publics.set(publics[index % 5 :: 5])
        partner.themes.set(themes[index % 4 :: 4])
        Contact.objects.bulk_create(
            Contact(
                partner=partner,
                first_name="Prénom",
                last_name=f"Nom {index}-{n}",
                role="conseillère",
                email=f"c{index}-{n}@example.org",
            )
            for n in range(2)
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territory", default="grand-angouleme")
    parser.add_argument("--partners", type=int, default=150)
    args = parser.parse_args()
    territory = Territory.objects.filter(slug=args.territory).first()
    if territory is None:
        sys.exit(f"Territoire « {args.territory} » absent : lancez d'abord manage.py load_demo.")
    try:
        with transaction.atomic():
            add_partners(territory, args.partners)
            started, cpu_started = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                context = guide_context(territory, None)
            gathered = time.perf_counter()
            pdf = render_pdf("referents/guide_pdf.html", context)
            finished, cpu = time.perf_counter(), time.process_time() - cpu_started
            print(f"Guide du référent, {territory.name}")
            print(
                f"  partenaires : {context['partner_count']}, référents : "
                f"{len(context['referents'])}, requêtes SQL : {len(queries)}"
            )
            print(
                f"  données : {gathered - started:.2f} s, PDF : {finished - gathered:.2f} s, "
                f"total : {finished - started:.2f} s (temps processeur {cpu:.2f} s), "
                f"{len(pdf) // 1024} Kio"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
