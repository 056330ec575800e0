"""The default first-interview outline, offered to every territory until its coordinators edit it.

Each question: (text, box to tick in the orientation helper, public slug, theme slug). Slugs follow
the data·inclusion reference lists seeded by the partners app; an empty box label keeps the question
as a conversation prompt only.
"""

# The age is never asked as such: only whether the person is under 26 or 50 and over, to propose
# the partners of these publics; the answer is not stored (see referents/views/orientation.py).
AGE_UNDER_26 = (
    "La personne a-t-elle moins de 26 ans ? Cette réponse sert seulement à proposer la Mission "
    "locale ; elle n'est pas enregistrée."
)
AGE_50_OR_MORE = (
    "La personne a-t-elle 50 ans ou plus ? Cette réponse sert seulement à proposer les "
    "partenaires qui accompagnent les seniors ; elle n'est pas enregistrée."
)

DEFAULT_OUTLINE = [
    (
        "Situation",
        [
            (
                "Quelle est votre situation aujourd'hui : emploi, recherche, formation, autre ?",
                "",
                "",
                "",
            ),
            (AGE_UNDER_26, "A moins de 26 ans", "jeunes", ""),
            (AGE_50_OR_MORE, "A 50 ans ou plus", "seniors", ""),
            (
                "Êtes-vous inscrit·e à France Travail ?",
                "N'est pas inscrit·e à France Travail",
                "",
                "trouver-un-emploi",
            ),
        ],
    ),
    (
        "Ressources et droits",
        [
            (
                "De quelles ressources disposez-vous (salaire, RSA, allocation chômage, AAH…) ?",
                "Perçoit le RSA ou un minimum social",
                "beneficiaires-des-minimas-sociaux",
                "",
            ),
            (
                "Rencontrez-vous des difficultés financières ou administratives ?",
                "Difficultés financières",
                "",
                "difficultes-financieres",
            ),
            (
                "Avez-vous une reconnaissance de la qualité de travailleur handicapé (RQTH) ?",
                "Situation de handicap ou RQTH",
                "personnes-en-situation-de-handicap",
                "",
            ),
        ],
    ),
    (
        "Vie quotidienne",
        [
            (
                "Comment vous déplacez-vous (permis, véhicule, transports) ?",
                "A besoin d'une solution de mobilité",
                "",
                "mobilite",
            ),
            (
                "Êtes-vous logé·e de façon stable ?",
                "A besoin d'aide pour le logement",
                "",
                "logement-hebergement",
            ),
            (
                "Avez-vous des enfants ou des proches à charge ? Une solution de garde ?",
                "A besoin d'une solution de garde",
                "familles",
                "famille",
            ),
            (
                "Votre santé vous gêne-t-elle dans la recherche d'emploi ?",
                "A besoin d'un accompagnement santé",
                "",
                "sante",
            ),
        ],
    ),
    (
        "Compétences de base",
        [
            (
                "Êtes-vous à l'aise avec l'ordinateur, le téléphone, les démarches en ligne ?",
                "A besoin d'aide avec le numérique",
                "",
                "numerique",
            ),
            (
                "Êtes-vous à l'aise pour lire, écrire, compter en français ?",
                "A besoin d'aide pour la langue ou les savoirs de base",
                "",
                "lecture-ecriture-calcul",
            ),
        ],
    ),
    (
        "Projet",
        [
            (
                "Quel métier ou quelle formation souhaitez-vous ?",
                "Souhaite se former",
                "",
                "se-former",
            ),
            (
                "Avez-vous une idée précise du métier que vous visez ?",
                "Cherche à choisir un métier",
                "",
                "choisir-un-metier",
            ),
            (
                "Avez-vous un CV à jour ?",
                "A besoin d'aide pour sa candidature",
                "",
                "preparer-sa-candidature",
            ),
            (
                "Avez-vous un projet de création d'entreprise ?",
                "Souhaite créer son entreprise",
                "",
                "creer-une-entreprise",
            ),
        ],
    ),
]
