"""Demo data of the portal: the two territories of the article and the demo accounts.

Every loader in settings.DEMO_LOADERS is idempotent: running `load_demo` twice changes nothing.
"""

from pathlib import Path

from portal.contours import import_contours
from portal.imports import load_directory
from portal.models import EPCI, Membership, Territory, User

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DEMO_PASSWORD = "demo-maillage"

ANGOULEME_EPCI = "200071827"
BERGERAC_EPCIS = ["200070647", "200034833", "200040889", "200034197"]

TERRITORIES = [
    {
        "slug": "grand-angouleme",
        "name": "Grand Angoulême",
        "kind": Territory.Kind.CA,
        "presentation": (
            "Communauté d'agglomération de 38 communes autour d'Angoulême. Sa feuille de route "
            "pour l'emploi et l'insertion s'appuie sur un réseau de référents emploi-insertion "
            "dans chaque commune."
        ),
        "jobs": 64000,
        "main_sectors": "mécatronique, filière de l'image, banques et assurances",
        "epcis": [ANGOULEME_EPCI],
    },
    {
        "slug": "grand-bergeracois",
        "name": "Grand Bergeracois",
        "kind": Territory.Kind.PROJECT,
        "presentation": (
            "Territoire de projet de quatre intercommunalités autour de Bergerac, "
            "doté d'un contrat "
            "néo-aquitain de développement de l'emploi dans le territoire (CADET)."
        ),
        "jobs": None,
        "main_sectors": "industrie, agriculture et viticulture, économie circulaire",
        "epcis": BERGERAC_EPCIS,
    },
]

ACCOUNTS = [
    # username, first name, last name, staff, [(territory slug, role)]
    ("admin", "Camille", "Admin", True, []),
    (
        "coordination.angouleme",
        "Nadia",
        "Fontaine",
        False,
        [("grand-angouleme", Membership.Role.COORDINATOR)],
    ),
    (
        "referent.angouleme",
        "Julien",
        "Marchand",
        False,
        [("grand-angouleme", Membership.Role.REFERENT)],
    ),
    (
        "coordination.bergerac",
        "Sophie",
        "Lacoste",
        False,
        [("grand-bergeracois", Membership.Role.COORDINATOR)],
    ),
]


def load(stdout=None):
    report = load_directory(DEMO_DATA)
    if stdout:
        for line in report.lines():
            stdout.write(f"  {line}")
    # The outlines of the 166 communes (IGN Admin Express COG 2018, via france-geojson): maps.
    contours = import_contours(DEMO_DATA / "contours.geojson", label="Admin Express COG 2018")
    if stdout and (contours.created or contours.updated):
        stdout.write(f"  {next(contours.lines())}")
    territories = {}
    for data in TERRITORIES:
        data = dict(data)
        sirens = data.pop("epcis")
        territory, _created = Territory.objects.update_or_create(slug=data["slug"], defaults=data)
        territory.epcis.set(EPCI.objects.filter(siren__in=sirens))
        territories[territory.slug] = territory
    for username, first_name, last_name, staff, memberships in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        for slug, role in memberships:
            Membership.objects.update_or_create(
                user=user, territory=territories[slug], defaults={"role": role}
            )
    return territories
