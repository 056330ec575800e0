"""Sirene stock files in INSEE's format, generated: for the import's tests (a few rows) and its
benchmark (millions). No test module is imported here.

The headers are INSEE's (companies/data/README.md lists them: 54 columns for the
establishments, 35 for the legal units); the rows are fictional, with Luhn-valid numbers.
"""

import csv
import random

from stdnum import luhn

ESTABLISHMENT_HEADER = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,"
    "trancheEffectifsEtablissement,anneeEffectifsEtablissement,"
    "activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
    "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,"
    "numeroVoieEtablissement,indiceRepetitionEtablissement,dernierNumeroVoieEtablissement,"
    "indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,"
    "codeCommuneEtablissement,codeCedexEtablissement,libelleCedexEtablissement,"
    "codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,"
    "identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,"
    "coordonneeLambertOrdonneeEtablissement,complementAdresse2Etablissement,"
    "numeroVoie2Etablissement,indiceRepetition2Etablissement,typeVoie2Etablissement,"
    "libelleVoie2Etablissement,codePostal2Etablissement,libelleCommune2Etablissement,"
    "libelleCommuneEtranger2Etablissement,distributionSpeciale2Etablissement,"
    "codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,"
    "codePaysEtranger2Etablissement,libellePaysEtranger2Etablissement,dateDebut,"
    "etatAdministratifEtablissement,enseigne1Etablissement,enseigne2Etablissement,"
    "enseigne3Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement,"
    "nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement,"
    "activitePrincipaleNAF25Etablissement"
).split(",")

LEGAL_UNIT_HEADER = (
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,"
    "sigleUniteLegale,sexeUniteLegale,prenom1UniteLegale,prenom2UniteLegale,prenom3UniteLegale,"
    "prenom4UniteLegale,prenomUsuelUniteLegale,pseudonymeUniteLegale,"
    "identifiantAssociationUniteLegale,trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,"
    "dateDernierTraitementUniteLegale,nombrePeriodesUniteLegale,categorieEntreprise,"
    "anneeCategorieEntreprise,dateDebut,etatAdministratifUniteLegale,nomUniteLegale,"
    "nomUsageUniteLegale,denominationUniteLegale,denominationUsuelle1UniteLegale,"
    "denominationUsuelle2UniteLegale,denominationUsuelle3UniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,"
    "nomenclatureActivitePrincipaleUniteLegale,nicSiegeUniteLegale,"
    "economieSocialeSolidaireUniteLegale,societeMissionUniteLegale,"
    "caractereEmployeurUniteLegale,activitePrincipaleNAF25UniteLegale"
).split(",")


def luhn_number(prefix):
    """`prefix` followed by its Luhn check digit."""
    return prefix + luhn.calc_check_digit(prefix)


def fictional_siren(number):
    """A Luhn-valid SIREN in the fictional range 0000xxxxx (number < 10,000), or, for larger
    numbers (the benchmark), 9xxxxxxxx."""
    if number < 10_000:
        return luhn_number(f"0000{number:04d}")
    return luhn_number(f"9{number:07d}")


def siret_of(siren, establishment=1):
    """A Luhn-valid SIRET of the legal unit `siren` (the NIC's last digit is the key)."""
    return luhn_number(f"{siren}{establishment:04d}")


def establishment(siren, establishment_number=1, **values):
    """The values of one establishment row (column name → text), INSEE's defaults for the rest."""
    siret = values.pop("siret", None) or siret_of(siren, establishment_number)
    row = {
        "siren": siren,
        "nic": siret[9:],
        "siret": siret,
        "statutDiffusionEtablissement": "O",
        "dateCreationEtablissement": "2010-03-01",
        "trancheEffectifsEtablissement": "11",
        "anneeEffectifsEtablissement": "2023",
        "dateDernierTraitementEtablissement": "2025-01-15T10:00:00",
        "etablissementSiege": "true",
        "nombrePeriodesEtablissement": "1",
        "numeroVoieEtablissement": "12",
        "typeVoieEtablissement": "RUE",
        "libelleVoieEtablissement": "DES ESSAIS",
        "codePostalEtablissement": "16000",
        "libelleCommuneEtablissement": "ANGOULEME",
        "codeCommuneEtablissement": "16015",
        "coordonneeLambertAbscisseEtablissement": "477500.12",
        "coordonneeLambertOrdonneeEtablissement": "6506300.45",
        "dateDebut": "2010-03-01",
        "etatAdministratifEtablissement": "A",
        "activitePrincipaleEtablissement": "25.62B",
        "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
        "caractereEmployeurEtablissement": "O",
        "activitePrincipaleNAF25Etablissement": "25.62Y",
    }
    row.update(values)
    return row


def legal_unit(siren, **values):
    row = {
        "siren": siren,
        "statutDiffusionUniteLegale": "O",
        "unitePurgeeUniteLegale": "",
        "dateCreationUniteLegale": "2010-03-01",
        "trancheEffectifsUniteLegale": "11",
        "anneeEffectifsUniteLegale": "2023",
        "dateDebut": "2010-03-01",
        "etatAdministratifUniteLegale": "A",
        "denominationUniteLegale": f"ENTREPRISE D'ESSAI {siren}",
        "categorieJuridiqueUniteLegale": "5710",
        "activitePrincipaleUniteLegale": "25.62B",
        "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
        "nicSiegeUniteLegale": "00010",
        "economieSocialeSolidaireUniteLegale": "N",
        "caractereEmployeurUniteLegale": "O",
    }
    row.update(values)
    return row


def write(path, header, rows, columns=None):
    """Write `rows` (dicts) as INSEE does: `,`, a header line, `\\n`, quotes when needed.
    `columns` (default: `header`) may reorder or extend the header: INSEE adds columns."""
    columns = list(columns or header)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(name, "") for name in columns])


def national(count, kept_communes, *, seed=2026):
    """(establishment rows, legal unit rows) generators of a national-format stock of `count`
    establishments: one in a hundred in `kept_communes`, the others elsewhere in France; four
    establishments a legal unit on average; one in fifty partially diffused, one in four closed."""
    rng = random.Random(seed)
    naf_codes = ["25.62B", "28.29B", "62.01Z", "47.11F", "56.10A", "43.21A", "86.21Z", "10.71C"]
    naf25 = ["25.62Y", "28.29Y", "62.10Y", "47.11G", "56.11G", "43.21G", "86.21Y", "10.71H"]
    bands = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", ""]
    kept_departments = {code[:2] for code in kept_communes}
    others = [
        f"{dep:02d}{n:03d}"
        for dep in range(1, 96)
        if dep != 20 and f"{dep:02d}" not in kept_departments
        for n in range(1, 400, 7)
    ]
    units = (count + 3) // 4

    def establishments():
        for index in range(count):
            siren = fictional_siren(10_000 + index // 4)
            kept = index % 100 == 0
            commune = rng.choice(kept_communes) if kept else rng.choice(others)
            naf = rng.randrange(len(naf_codes))
            yield establishment(
                siren,
                index % 4 + 1,
                statutDiffusionEtablissement="P" if index % 50 == 7 else "O",
                etablissementSiege="true" if index % 4 == 0 else "false",
                codeCommuneEtablissement=commune,
                codePostalEtablissement=commune[:2] + "000",
                libelleVoieEtablissement=f"RUE DU GENERATEUR {index % 300}",
                coordonneeLambertAbscisseEtablissement=f"{rng.uniform(400000, 600000):.2f}",
                coordonneeLambertOrdonneeEtablissement=f"{rng.uniform(6400000, 6600000):.2f}",
                trancheEffectifsEtablissement=rng.choice(bands),
                etatAdministratifEtablissement="F" if index % 4 == 3 else "A",
                activitePrincipaleEtablissement=naf_codes[naf],
                activitePrincipaleNAF25Etablissement=naf25[naf],
                enseigne1Etablissement=f"ENSEIGNE {index}" if index % 3 == 0 else "",
            )

    def legal_units():
        for index in range(units):
            siren = fictional_siren(10_000 + index)
            sole = index % 5 == 0
            yield legal_unit(
                siren,
                statutDiffusionUniteLegale="P" if index % 40 == 3 else "O",
                categorieJuridiqueUniteLegale="1000" if sole else "5710",
                denominationUniteLegale="" if sole else f"SOCIETE GENEREE {index}",
                nomUniteLegale=f"NOM{index}" if sole else "",
                prenom1UniteLegale="CAMILLE" if sole else "",
                economieSocialeSolidaireUniteLegale="O" if index % 30 == 0 else "N",
            )

    return establishments(), legal_units()
