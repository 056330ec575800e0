"""Server time of the roadmap dashboard (and roadmap page) with 1,000 actions.

Run: .venv/bin/python bench/roadmaps_dashboard.py [--profile]
It creates a throw-away test database (the one DATABASE_URL points to, prefixed test_), fills it
with 20 axes × 50 actions × 10 steps, 100 indicators and 200 progress updates, then times the
views through Django's test client (middleware included, no network) and prints the medians.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

RUNS = 15
DASHBOARD = "/feuilles-de-route/grand-angouleme/tableau-de-bord/"


def build():
    from bench._data import build_large
    from portal.models import Membership, Territory, User
    from roadmaps.models import Roadmap
    from roadmaps.services import versions

    territory = Territory.objects.create(name="Grand Angoulême", slug="grand-angouleme")
    user = User.objects.create(username="coordination")
    Membership.objects.create(user=user, territory=territory, role=Membership.Role.COORDINATOR)
    roadmap = Roadmap.objects.create(territory=territory, title="Feuille de route")
    build_large(roadmap)
    versions.validate_roadmap(
        roadmap=roadmap, name="V1", validated_on=django.utils.timezone.localdate()
    )
    return user


def measure(client, url):
    client.get(url, secure=True)  # warm caches (templates, URL resolver)
    wall, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, secure=True)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(wall), min(wall), statistics.median(cpu)


PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # no manifest needed: collectstatic is not run for a benchmark
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@override_settings(STORAGES=PLAIN_STATIC)
def main():
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user = build()
        client = Client()
        client.force_login(user)
        from roadmaps.models import Action

        print(f"Base : {connection.vendor}, {Action.objects.count()} actions")
        if "--profile" in sys.argv:
            import cProfile
            import pstats

            url = sys.argv[-1] if sys.argv[-1].startswith("/") else DASHBOARD
            client.get(url, secure=True)  # warm up
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(url, secure=True)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
            return
        for label, url in [
            ("Tableau de bord", "/feuilles-de-route/grand-angouleme/tableau-de-bord/"),
            ("Feuille de route", "/feuilles-de-route/grand-angouleme/"),
            ("Export CSV", "/feuilles-de-route/grand-angouleme/actions.csv"),
        ]:
            median, fastest, cpu = measure(client, url)
            print(
                f"{label} : médiane {median:.0f} ms (min {fastest:.0f} ms), "
                f"temps CPU médian {cpu:.0f} ms, sur {RUNS} requêtes"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
