"""The nomenclatures shipped with the app (companies/data/, INSEE's files as published, see
companies/data/README.md): NAF rév. 2 at its five levels, NAF 2025 sous-classes and the Sirene
workforce bands. Read by the initial migration: keep it free of model imports.
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def read(name):
    """The rows of a nomenclature file, as dicts (UTF-8, `;`, one header line)."""
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=";")


def naf_rev2():
    """(code, label, level, parent, section, position) in the nomenclature's order."""
    section = ""
    for position, row in enumerate(read("naf-rev2.csv")):
        if row["niveau"] == "section":
            section = row["code"]
        yield row["code"], row["libelle"], row["niveau"], row["parent"] or None, section, position


def naf_2025():
    """(code, label, class, group, division) of the NAF 2025 sous-classes."""
    for row in read("naf-2025-sous-classes.csv"):
        yield row["code"], row["libelle"], row["classe"], row["groupe"], row["division"]


def workforce_bands():
    """(code, label, minimum, maximum, position); an empty bound is None."""
    for position, row in enumerate(read("tranches-effectifs.csv")):
        minimum = int(row["min"]) if row["min"] else None
        maximum = int(row["max"]) if row["max"] else None
        yield row["code"], row["libelle"], minimum, maximum, position
