"""Small files in the Etalab *découpage administratif* format, for the import tests."""

import json

ANGOULEME = "200071827"
COGNAC = "200070514"
AJACCIO = "242010056"
BASTIA = "242020071"


def commune(code, name, departement="16", region="75", population=1000, postal=("16000",), **kw):
    return {
        "code": code,
        "nom": name,
        "departement": departement,
        "region": region,
        "population": population,
        "codesPostaux": list(postal),
        "type": "commune-actuelle",
        **kw,
    }


def epci(siren, name, members, kind="CA"):
    return {"code": siren, "nom": name, "type": kind, "membres": [{"code": m} for m in members]}


def official_files():
    communes = [
        commune("16015", "Angoulême", population=41000),
        commune("16374", "Soyaux", population=9500, postal=("16800",)),
        commune("16102", "Champniers", population=5600, postal=("16430",)),
        commune("16089", "Cognac", population=18500, postal=("16100",)),
        commune("2A004", "Ajaccio", departement="2A", region="94", postal=("20000", "20090")),
        commune("2B033", "Bastia", departement="2B", region="94", postal=("20200", "20600")),
        # Not current communes: never imported.
        commune("16233", "Ancienne commune", type="commune-deleguee"),
        commune("13201", "Marseille 1er", departement="13", type="arrondissement-municipal"),
    ]
    epcis = [
        epci(ANGOULEME, "CA du Grand Angoulême", ["16015", "16374", "16102"]),
        epci(COGNAC, "CA de Grand Cognac", ["16089"]),
        epci(AJACCIO, "CA du Pays Ajaccien", ["2A004"]),
        epci(BASTIA, "CA de Bastia", ["2B033"]),
    ]
    return communes, epcis


def as_json(data):
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
