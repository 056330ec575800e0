"""Services of the demo's partners (data·inclusion v1 services), by partner category.

Each entry: (name, type, description, sub-themes, publics, fee, modes, hours in OSM syntax).
Modes: "presentiel", "distance", and mobilisation "walk_in", "phone", "email", "link".
"""

WEEK = "Mo-Fr 08:30-12:30,13:30-16:30; PH off"
MORNINGS = "Mo-Fr 09:00-12:00; PH off"

JOB_SEARCH = (
    "Ateliers CV et entretien d'embauche",
    "atelier",
    "En petit groupe, avec un conseiller : rédiger ou mettre à jour son CV, préparer un "
    "entretien par des mises en situation, savoir parler de ses compétences.",
    [
        "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
        "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
        "preparer-sa-candidature--valoriser-ses-competences",
    ],
    ["demandeurs-emploi"],
    "gratuit",
    ["presentiel", "phone", "walk_in"],
    MORNINGS,
)
FIRST_WELCOME = (
    "Premier accueil et orientation",
    "information",
    "Un premier entretien pour faire le point sur la situation de la personne et l'orienter "
    "vers le bon interlocuteur du territoire.",
    ["difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"],
    ["tous-publics"],
    "gratuit",
    ["presentiel", "phone", "walk_in"],
    WEEK,
)
SIAE_PATH = (
    "Parcours d'insertion par l'activité économique",
    "accompagnement",
    "Un contrat de travail et un accompagnement socioprofessionnel pour reprendre pied dans "
    "l'emploi : mise en situation de travail, formation, levée des freins (mobilité, "
    "logement, santé).",
    [
        "trouver-un-emploi--repondre-a-des-offres-demploi",
        "remobilisation--bien-etre-confiance-en-soi",
        "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
    ],
    ["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"],
    "gratuit",
    ["presentiel", "phone", "email"],
    WEEK,
)
TRAINING = (
    "Formations qualifiantes",
    "formation",
    "Des formations courtes ou certifiantes dans les métiers qui recrutent sur le territoire, "
    "avec un appui pour monter le dossier de financement.",
    ["se-former--trouver-sa-formation", "se-former--monter-son-dossier-de-formation"],
    ["demandeurs-emploi", "actifs", "jeunes"],
    "gratuit",
    ["presentiel", "distance", "phone", "email"],
    WEEK,
)
RECRUITMENT = (
    "Appui au recrutement des entreprises",
    "accompagnement",
    "Aide aux employeurs du territoire pour définir un besoin, diffuser une offre et présenter "
    "des candidats préparés.",
    ["recruter"],
    ["employeurs"],
    "gratuit",
    ["presentiel", "phone", "email"],
    WEEK,
)

SERVICES = {
    "france-travail": [
        (
            "Inscription et accompagnement vers l'emploi",
            "accompagnement",
            "Inscription comme demandeur d'emploi, indemnisation, puis un conseiller référent "
            "pour construire son projet et répondre aux offres.",
            [
                "trouver-un-emploi--repondre-a-des-offres-demploi",
                "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
            ],
            ["demandeurs-emploi"],
            "gratuit",
            ["presentiel", "distance", "phone", "link"],
            WEEK,
        ),
        JOB_SEARCH,
        RECRUITMENT,
    ],
    "mission-locale": [
        (
            "Contrat d'engagement jeune",
            "accompagnement",
            "Un accompagnement intensif de 15 à 20 heures par semaine pour les 16-25 ans sans "
            "emploi ni formation, avec une allocation selon les ressources.",
            [
                "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
                "trouver-un-emploi--repondre-a-des-offres-demploi",
            ],
            ["jeunes"],
            "gratuit",
            ["presentiel", "phone", "walk_in"],
            WEEK,
        ),
        (
            "Aide à la mobilité des jeunes",
            "aide-financiere",
            "Aide au financement du permis de conduire et prêt de véhicules pour se rendre en "
            "formation ou au travail.",
            ["mobilite--preparer-un-permis", "mobilite--financer-ma-mobilite"],
            ["jeunes"],
            "gratuit",
            ["presentiel", "phone"],
            MORNINGS,
        ),
    ],
    "cap-emploi-reseau-cheops": [
        (
            "Accompagnement vers l'emploi des personnes handicapées",
            "accompagnement",
            "Un conseiller spécialisé accompagne la recherche d'emploi des personnes ayant une "
            "reconnaissance de travailleur handicapé, jusqu'à l'intégration en entreprise.",
            ["trouver-un-emploi--repondre-a-des-offres-demploi"],
            ["personnes-en-situation-de-handicap"],
            "gratuit",
            ["presentiel", "phone", "email"],
            WEEK,
        ),
        (
            "Maintien dans l'emploi",
            "accompagnement",
            "Aménagement du poste, reclassement ou formation quand la santé menace l'emploi "
            "d'un salarié ; conseil à l'employeur.",
            ["trouver-un-emploi--maintien-dans-lemploi"],
            ["actifs", "personnes-en-situation-de-handicap"],
            "gratuit",
            ["presentiel", "phone"],
            WEEK,
        ),
    ],
    "ccas-cias": [
        (
            "Aide alimentaire d'urgence",
            "aide-materielle",
            "Colis et bons alimentaires pour les foyers en difficulté, après un entretien avec "
            "un travailleur social.",
            ["equipement-et-alimentation--alimentation"],
            ["personnes-en-situation-durgence", "familles"],
            "gratuit",
            ["presentiel", "walk_in", "phone"],
            MORNINGS,
        ),
        (
            "Domiciliation et accès aux droits",
            "accompagnement",
            "Une adresse pour recevoir son courrier et l'aide d'un travailleur social pour "
            "ouvrir ses droits (RSA, complémentaire santé, aides au logement).",
            [
                "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
                "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
            ],
            ["tous-publics"],
            "gratuit",
            ["presentiel", "walk_in"],
            WEEK,
        ),
    ],
    "france-service": [
        (
            "Aide aux démarches en ligne",
            "accompagnement",
            "Des agents formés aident à faire ses démarches administratives en ligne (France "
            "Travail, Caf, impôts, assurance maladie) et prêtent un ordinateur.",
            [
                "numerique--acceder-a-des-services-en-ligne",
                "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
            ],
            ["tous-publics"],
            "gratuit",
            ["presentiel", "walk_in", "phone"],
            WEEK,
        ),
    ],
    "plie": [
        (
            "Accompagnement renforcé vers l'emploi durable",
            "accompagnement",
            "Un référent de parcours unique, des étapes (formation, SIAE, emploi) et un suivi "
            "jusqu'à six mois après la reprise d'emploi.",
            [
                "trouver-un-emploi--repondre-a-des-offres-demploi",
                "remobilisation--bien-etre-confiance-en-soi",
            ],
            ["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"],
            "gratuit",
            ["presentiel", "phone"],
            WEEK,
        ),
    ],
    "aci": [SIAE_PATH],
    "ai": [SIAE_PATH],
    "ei": [SIAE_PATH],
    "etti": [SIAE_PATH],
    "geiq": [
        (
            "Alternance qualifiante en entreprise",
            "formation",
            "Un contrat en alternance dans une entreprise adhérente, une qualification et un "
            "accompagnement pendant tout le parcours.",
            ["se-former--trouver-sa-formation", "trouver-un-emploi--repondre-a-des-offres-demploi"],
            ["demandeurs-emploi", "jeunes"],
            "gratuit",
            ["presentiel", "phone", "email"],
            WEEK,
        ),
        RECRUITMENT,
    ],
    "organisme-de-formation": [TRAINING],
    "afpa": [TRAINING],
    "ecoles-de-la-deuxieme-chance": [
        (
            "Parcours de remise à niveau et de projet professionnel",
            "formation",
            "Pour les 16-25 ans sortis de l'école sans diplôme : remise à niveau en français et "
            "en calcul, stages en entreprise, construction du projet professionnel.",
            [
                "lecture-ecriture-calcul--maitriser-le-francais",
                "lecture-ecriture-calcul--maitriser-le-calcul",
                "choisir-un-metier--confirmer-son-choix-de-metier",
            ],
            ["jeunes"],
            "gratuit",
            ["presentiel", "phone"],
            WEEK,
        ),
    ],
    "epide": [
        (
            "Internat d'insertion pour les jeunes",
            "accompagnement",
            "Un parcours de huit mois en internat : remise à niveau, permis de conduire, "
            "stages, pour les 17-25 ans sans qualification.",
            ["remobilisation--lien-social", "mobilite--preparer-un-permis"],
            ["jeunes"],
            "gratuit",
            ["presentiel", "phone", "link"],
            WEEK,
        ),
    ],
    "caf": [
        (
            "Accompagnement des familles",
            "accompagnement",
            "Rendez-vous avec un travailleur social de la Caf après une séparation, une "
            "naissance ou une difficulté à payer son loyer.",
            [
                "famille--soutien-a-la-parentalite-et-a-leducation",
                "logement-hebergement--reduire-les-impayes-de-loyer",
            ],
            ["familles"],
            "gratuit",
            ["presentiel", "distance", "phone", "link"],
            WEEK,
        ),
    ],
    "mdph": [
        (
            "Dossier de reconnaissance du handicap",
            "accompagnement",
            "Information et aide pour constituer le dossier de RQTH ou de prestation de "
            "compensation du handicap.",
            ["sante--constituer-un-dossier-mdph-invalidite"],
            ["personnes-en-situation-de-handicap"],
            "gratuit",
            ["presentiel", "phone", "email"],
            MORNINGS,
        ),
    ],
    "cidff": [
        (
            "Information juridique et accompagnement vers l'emploi des femmes",
            "information",
            "Permanences d'information sur les droits (famille, travail) et un accompagnement "
            "vers l'emploi pour les femmes éloignées du marché du travail.",
            [
                "famille--surmonter-conflits-separation-violence",
                "difficultes-administratives-ou-juridiques--connaitre-ses-droits-face-a-une-discrimination",
            ],
            ["femmes"],
            "gratuit",
            ["presentiel", "phone"],
            MORNINGS,
        ),
    ],
    "chambres-consulaires": [
        (
            "Accompagnement à la création d'entreprise",
            "accompagnement",
            "Ateliers et rendez-vous individuels pour structurer un projet de création ou de "
            "reprise d'entreprise, formalités comprises.",
            [
                "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
                "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",
            ],
            ["tous-publics"],
            "payant",
            ["presentiel", "distance", "phone", "email"],
            WEEK,
        ),
    ],
    "reseau-information-jeunesse": [
        (
            "Information jeunesse : métiers, formations, mobilité internationale",
            "information",
            "Documentation et entretiens sans rendez-vous sur les métiers, les formations, les "
            "jobs et les séjours à l'étranger.",
            [
                "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
                "souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger",
            ],
            ["jeunes", "etudiants"],
            "gratuit",
            ["presentiel", "walk_in"],
            "Mo-Fr 13:30-18:00; Sa 10:00-12:00; PH off",
        ),
    ],
    "club-entreprises": [RECRUITMENT],
}
DEFAULT = [FIRST_WELCOME]

MODE_FIELDS = {
    "presentiel": "reception_in_person",
    "distance": "reception_remote",
    "walk_in": "mobilise_walk_in",
    "phone": "mobilise_phone",
    "email": "mobilise_email",
    "link": "mobilise_link",
}


def services_for(category_slug):
    return SERVICES.get(category_slug, DEFAULT)
