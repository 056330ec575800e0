"""Reference lists seeded by a data migration: data·inclusion schema v1 slugs, French labels.

Imported by migrations: keep it free of model imports.
"""

CATEGORIES = [
    # (slug, label, is_standard)
    ("france-travail", "France Travail", True),
    ("mission-locale", "Mission locale", True),
    ("cap-emploi-reseau-cheops", "Cap emploi (réseau Cheops)", True),
    ("plie", "PLIE", True),
    ("maisons-de-l-emploi", "Maison de l'emploi", True),
    ("departements", "Département", True),
    ("regions", "Région", True),
    ("communes", "Commune", True),
    ("ccas-cias", "CCAS / CIAS", True),
    ("caf", "CAF", True),
    ("mdph", "MDPH", True),
    ("france-service", "France services", True),
    ("aci", "Atelier et chantier d'insertion (ACI)", True),
    ("ai", "Association intermédiaire (AI)", True),
    ("ei", "Entreprise d'insertion (EI)", True),
    ("etti", "Entreprise de travail temporaire d'insertion (ETTI)", True),
    ("geiq", "GEIQ", True),
    ("ecoles-de-la-deuxieme-chance", "École de la deuxième chance (E2C)", True),
    ("epide", "EPIDE", True),
    ("afpa", "AFPA", True),
    ("reseau-information-jeunesse", "Réseau information jeunesse", True),
    ("chambres-consulaires", "Chambre consulaire", True),
    ("cidff", "CIDFF", True),
    ("organisme-de-formation", "Organisme de formation / CFA", False),
    ("etablissement-scolaire", "Établissement scolaire", False),
    ("club-entreprises", "Club d'entreprises", False),
    ("service-etat", "Service de l'État", False),
    ("autre", "Autre", False),
]

PUBLICS = [
    ("tous-publics", "Tous publics"),
    ("actifs", "Actifs"),
    ("beneficiaires-des-minimas-sociaux", "Bénéficiaires des minima sociaux"),
    ("demandeurs-emploi", "Demandeurs d'emploi"),
    ("etudiants", "Étudiants"),
    ("familles", "Familles"),
    ("femmes", "Femmes"),
    ("jeunes", "Jeunes"),
    ("personnes-en-situation-de-handicap", "Personnes en situation de handicap"),
    ("personnes-en-situation-durgence", "Personnes en situation d'urgence"),
    ("personnes-en-situation-juridique-specifique", "Personnes en situation juridique spécifique"),
    ("personnes-exilees", "Personnes exilées"),
    ("residents-qpv-frr", "Résidents QPV / FRR"),
    ("seniors", "Seniors"),
    ("employeurs", "Employeurs"),
]

THEMES = [
    ("choisir-un-metier", "Choisir un métier"),
    ("creer-une-entreprise", "Créer une entreprise"),
    ("difficultes-administratives-ou-juridiques", "Difficultés administratives ou juridiques"),
    ("difficultes-financieres", "Difficultés financières"),
    ("equipement-et-alimentation", "Équipement et alimentation"),
    ("famille", "Famille"),
    ("lecture-ecriture-calcul", "Lecture, écriture, calcul"),
    ("logement-hebergement", "Logement, hébergement"),
    ("mobilite", "Mobilité"),
    ("numerique", "Numérique"),
    ("preparer-sa-candidature", "Préparer sa candidature"),
    ("remobilisation", "Remobilisation"),
    ("sante", "Santé"),
    ("se-former", "Se former"),
    ("souvrir-a-linternational", "S'ouvrir à l'international"),
    ("trouver-un-emploi", "Trouver un emploi"),
    ("recruter", "Recruter"),
]
