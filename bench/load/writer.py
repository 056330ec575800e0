"""One write per second somewhere in the country, while the national load test reads.

    DATABASE_URL=… python bench/load/writer.py [--rate 1] [--seconds 300] >OUT/writes.log

Through the Django ORM with the application's settings (bench.load.settings, with REDIS_URL when
set), so that the same signals run as when a coordinator saves a form: each write makes stale the
cached pages that show it. In turn, in a random territory: a partner's phone number, an action's
progress, a new signal faible. One line per write: epoch seconds, what, which row, territory,
milliseconds (or the error, and the writer goes on).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from partners.models import Partner  # noqa: E402
from portal.models import Territory  # noqa: E402
from roadmaps.models import Action, Signal  # noqa: E402


def random_row(queryset, rng):
    """A random row without ORDER BY random() (a full scan on a million rows): the first row
    from a random primary key on."""
    bounds = sorted(queryset.values_list("pk", flat=True).order_by("pk")[:1]) + sorted(
        queryset.values_list("pk", flat=True).order_by("-pk")[:1]
    )
    if not bounds:
        return None
    return queryset.filter(pk__gte=rng.randint(bounds[0], bounds[-1])).order_by("pk").first()


def partner_phone(rng):
    partner = random_row(Partner.objects.all(), rng)
    partner.phone = f"01 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00"
    partner.save()
    return partner.pk, partner.territory.slug if partner.territory_id else "-"


def action_progress(rng):
    action = random_row(Action.objects.select_related("axis__roadmap__territory"), rng)
    action.progress = rng.randint(0, 100)
    action.save()
    return action.pk, action.axis.roadmap.territory.slug


def new_signal(rng):
    territory = random_row(Territory.objects.all(), rng)
    signal = Signal.objects.create(
        territory=territory,
        text="Signal du test de charge national : besoin de recrutement saisonnier.",
        observed_on=timezone.localdate(),
        source=Signal.Source.OTHER,
    )
    return signal.pk, territory.slug


WRITES = [partner_phone, action_progress, new_signal]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=1.0, help="writes per second")
    parser.add_argument("--seconds", type=float, default=300)
    args = parser.parse_args()
    rng = random.Random()
    started = time.monotonic()
    tick = 0
    while time.monotonic() - started < args.seconds:
        write = WRITES[tick % len(WRITES)]
        begun = time.monotonic()
        try:
            with transaction.atomic():
                pk, territory = write(rng)
            line = f"{write.__name__} {pk} {territory} {(time.monotonic() - begun) * 1000:.0f}"
        except Exception as error:  # noqa: BLE001 (the load goes on; the log says what failed)
            line = f"{write.__name__} ERROR {type(error).__name__}: {error}".replace("\n", " ")
        print(f"{time.time():.3f} {line}", flush=True)
        tick += 1
        time.sleep(max(0.0, started + tick / args.rate - time.monotonic()))


if __name__ == "__main__":
    main()
