"""Demo establishments: invented names, real NAF rév. 2 codes and real communes of the two
territories (Angoulême's mécatronique, image, banking and insurance sectors; Bergerac's industry
and the members of its business cluster). Their SIRENs start with 0000 and carry a valid Luhn
key: a range of numbers kept for fictional data here, far from the numbers INSEE attributes.
Idempotent: running it twice changes nothing.
"""

import functools
import json

from django.db import transaction
from stdnum import luhn

from companies.models import Establishment, LegalUnit, WorkforceBand
from portal.demo import DEMO_DATA
from portal.models import Commune

# (number, legal unit name, establishment name, NAF, commune INSEE code, workforce band,
#  employer, head office, ESS, legal category, address)
# fmt: off
ESTABLISHMENTS = [
    # Grand Angoulême: mécatronique
    (1, "Mécatronique des Deux Rives", "", "28.29B", "16113", "31", True, True, False, "5710",
     "12 rue de l'Atelier"),
    (2, "Moteurs Charente Innovation", "", "27.11Z", "16291", "41", True, True, False, "5710",
     "4 allée des Bobinages"),
    (2, "Moteurs Charente Innovation", "Atelier de maintenance", "33.12Z", "16078", "12", True,
     False, False, "5710", "ZA des Chaumes"),
    (3, "Capteurs et Mesures de l'Angoumois", "", "26.51B", "16374", "22", True, True, False,
     "5499", "7 avenue des Instruments"),
    (4, "Usinage de précision Touvre", "", "25.62B", "16291", "21", True, True, False, "5499",
     "2 chemin du Moulin"),
    # Grand Angoulême: image
    (5, "Studio Bulles et Pixels", "", "59.12Z", "16015", "12", True, True, False, "5710",
     "18 rue des Planches"),
    (6, "Lanterne Animation", "", "59.11B", "16015", "03", True, True, False, "5499",
     "5 quai de l'Image"),
    (7, "Jeux de la Charente", "", "58.21Z", "16166", "11", True, True, False, "5710",
     "9 rue du Joystick"),
    (8, "Atelier Planche Ouverte", "", "90.03A", "16015", "NN", False, True, True, "9220",
     "1 place de la Bande"),
    # Grand Angoulême: banking and insurance
    (9, "Caisse Mutuelle Charentaise d'Essai", "Agence de Soyaux", "64.19Z", "16374", "11",
     True, False, True, "6532", "3 place du Marché"),
    (10, "Assurances du Plateau", "", "65.12Z", "16015", "32", True, True, False, "5599",
     "20 boulevard des Garanties"),
    (11, "Courtage Fléac Conseil", "", "66.22Z", "16138", "01", True, True, False, "5499",
     "6 rue des Polices"),
    # Grand Angoulême: ESS
    (12, "ESAT des Coteaux d'Essai", "", "88.10C", "16358", "22", True, True, True, "9220",
     "Route des Vergers"),
    # Grand Bergeracois: industry
    (13, "Tonnellerie du Fleuve", "", "16.24Z", "24037", "21", True, True, False, "5710",
     "15 route de la Merrandière"),
    (14, "Chimie Fine de la Dordogne", "", "20.59Z", "24145", "41", True, True, False, "5710",
     "Zone industrielle Nord"),
    (15, "Plasturgie Bergeracoise", "", "22.29A", "24340", "31", True, True, False, "5499",
     "8 rue des Moules"),
    (16, "Machines Agricoles du Périgord", "", "28.30Z", "24223", "22", True, True, False,
     "5710", "2 avenue des Semis"),
    (17, "Chais de Saint-Laurent", "", "11.02B", "24437", "12", True, True, False, "5499",
     "Lieu-dit les Vignes"),
    # Grand Bergeracois: members of the business cluster
    (18, "Bureau d'études Cyrano", "", "71.12B", "24037", "11", True, True, False, "5710",
     "3 place du Marché Couvert"),
    (19, "Logistique Bergerac Sud", "", "52.10B", "24237", "12", True, True, False, "5710",
     "ZA de la Gare"),
    (20, "Décolletage du Périgord", "", "25.62A", "24296", "21", True, True, False, "5499",
     "10 rue des Tours"),
]
# fmt: on


def fictional_siren(number):
    """SIREN 0000xxxx + Luhn key: never a real company."""
    prefix = f"0000{number:04d}"
    return prefix + luhn.calc_check_digit(prefix)


def fictional_siret(siren, establishment):
    prefix = f"{siren}{establishment:04d}"
    return prefix + luhn.calc_check_digit(prefix)


@functools.cache
def commune_centres():
    """{INSEE code: (longitude, latitude)}: the mean of the vertices of each commune's outline in
    the portal's demo contours, where the demo places its establishments (for the map)."""
    centres = {}
    features = json.loads((DEMO_DATA / "contours.geojson").read_text())["features"]
    for feature in features:
        geometry = feature["geometry"]
        rings = geometry["coordinates"]
        ring = rings[0] if geometry["type"] == "Polygon" else rings[0][0]
        lon = sum(point[0] for point in ring) / len(ring)
        lat = sum(point[1] for point in ring) / len(ring)
        centres[feature["properties"]["code"]] = (lon, lat)
    return centres


def demo_point(code, index):
    """(longitude, latitude) near the commune's centre, a little apart for each establishment
    (`index`: its row), or (None, None)."""
    centre = commune_centres().get(code)
    if centre is None:
        return None, None
    return (
        round(centre[0] + (index % 5 - 2) * 0.004, 6),
        round(centre[1] + (index // 5 % 5 - 2) * 0.003, 6),
    )


@transaction.atomic
def load(stdout=None):
    codes = {row[4] for row in ESTABLISHMENTS}
    communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=codes)}
    bands = set(WorkforceBand.objects.values_list("code", flat=True))
    created = 0
    counters = {}
    for index, row in enumerate(ESTABLISHMENTS):
        number, unit_name, name, naf, code, band, employer, head, ess, category, address = row
        commune = communes.get(code)
        if commune is None:
            continue  # the portal demo has not imported this commune
        counters[number] = counters.get(number, 0) + 1
        siren = fictional_siren(number)
        unit, _ = LegalUnit.objects.update_or_create(
            siren=siren,
            defaults={
                "name": unit_name,
                "legal_category": category,
                "is_ess": ess,
                "is_employer": employer,
            },
        )
        establishment = Establishment(
            legal_unit=unit,
            name=name,
            naf_id=naf,
            activity_code=naf,
            activity_nomenclature="NAFRev2",
            workforce_band_id=band if band in bands else None,
            is_employer=employer,
            is_ess=ess,
            is_head_office=head,
            address=address,
            postal_code=commune.main_postal_code,
            commune=commune,
            source=Establishment.Source.MANUAL,
        )
        establishment.longitude, establishment.latitude = demo_point(code, index)
        establishment.search_text = establishment.build_search_text()
        values = {
            field: getattr(establishment, field)
            for field in (
                "legal_unit",
                "name",
                "naf_id",
                "activity_code",
                "activity_nomenclature",
                "workforce_band_id",
                "is_employer",
                "is_ess",
                "is_head_office",
                "address",
                "postal_code",
                "commune",
                "longitude",
                "latitude",
                "source",
                "search_text",
            )
        }
        _, was_created = Establishment.objects.update_or_create(
            siret=fictional_siret(siren, counters[number]), defaults=values
        )
        created += was_created
    if stdout:
        stdout.write(f"  établissements : {len(ESTABLISHMENTS)} ({created} créés)")
