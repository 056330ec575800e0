"""Demo partners of the two territories of the article: about forty organisations with
fictional contacts. Idempotent: records are keyed by slug, contacts by partner and name.

Everything here is DEMO DATA: organisations are typical of the two territories, but addresses,
phone numbers (05 00 00 …) and contact persons (…@example.org) are invented.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from partners import demo_services, phones
from partners.models import (
    Category,
    Contact,
    NetworkMembership,
    Partner,
    Public,
    Service,
    Theme,
)
from portal.models import Commune, Department, Region, Territory

DEMO_NOTE = "Fiche de démonstration : adresse, téléphone et contacts sont fictifs."
GA, GB = "grand-angouleme", "grand-bergeracois"
# Zones: "T:<territory slug>", "D:<department code>", "R:<region code>", "C:<INSEE code>", "FR".
WEEKDAYS = "Du lundi au vendredi, 8 h 30 – 12 h 30 et 13 h 30 – 16 h 30"

PARTNERS = [
    # Grand Angoulême
    dict(
        slug="france-travail-angouleme-ma-campagne",
        territory=GA,
        name="France Travail Angoulême Ma Campagne",
        aka="Pôle emploi, ANPE",
        category="france-travail",
        scale="local",
        commune="16015",
        address="2 rue de la Demo",
        hours="Du lundi au vendredi, 8 h 30 – 12 h 30 ; l'après-midi sur rendez-vous",
        description="Agence France Travail : inscription, indemnisation et accompagnement des "
        "demandeurs d'emploi ; service aux entreprises pour leurs recrutements.",
        services="Inscription et actualisation, conseil en évolution professionnelle, ateliers "
        "CV et entretien, aide au permis, méthode de recrutement par simulation (MRS).",
        publics=["demandeurs-emploi", "jeunes", "seniors", "employeurs"],
        themes=["trouver-un-emploi", "preparer-sa-candidature", "se-former", "recruter"],
        zone=["C:16015", "C:16374", "C:16358"],
        modes=["remote", "walk_in", "phone", "link"],
        link="https://www.francetravail.fr",
        website="https://www.francetravail.fr",
        contacts=[
            ("Claire", "Démo-Rivière", "Conseillère entreprises", "Recrutements, MRS"),
            ("Yanis", "Démo-Faure", "Conseiller référent jeunes", "Contrat d'engagement jeune"),
        ],
        verified=20,
    ),
    dict(
        slug="france-travail-angouleme-basseau",
        territory=GA,
        name="France Travail Angoulême Basseau",
        aka="Pôle emploi",
        category="france-travail",
        commune="16015",
        address="14 avenue de la Demo",
        hours=WEEKDAYS,
        description="Agence France Travail de l'ouest de l'agglomération.",
        services="Inscription, accompagnement global avec le Département, ateliers numériques.",
        publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux", "residents-qpv-frr"],
        themes=["trouver-un-emploi", "numerique", "remobilisation"],
        zone=["C:16015", "C:16113", "C:16138", "C:16287"],
        modes=["walk_in", "phone"],
        website="https://www.francetravail.fr",
        contacts=[
            ("Hélène", "Démo-Bernard", "Conseillère accompagnement global", "Freins sociaux")
        ],
        verified=250,
    ),
    dict(
        slug="mission-locale-arc-charente",
        territory=GA,
        name="Mission locale Arc Charente",
        aka="ML Angoulême",
        category="mission-locale",
        commune="16015",
        address="8 place de la Demo",
        hours=WEEKDAYS,
        description="Accueil, information et accompagnement des jeunes de 16 à 25 ans vers "
        "l'emploi, la formation et l'autonomie.",
        services="Contrat d'engagement jeune, parrainage, aides à la mobilité et au logement, "
        "santé, découverte des métiers.",
        publics=["jeunes"],
        themes=[
            "choisir-un-metier",
            "trouver-un-emploi",
            "mobilite",
            "logement-hebergement",
            "sante",
        ],
        zone=["T:grand-angouleme"],
        modes=["walk_in", "phone", "email"],
        contacts=[
            ("Sarah", "Démo-Lemoine", "Directrice adjointe", "Partenariats, prescriptions"),
            ("Karim", "Démo-Benali", "Conseiller", "Jeunes des quartiers prioritaires"),
        ],
        verified=40,
    ),
    dict(
        slug="cap-emploi-charente",
        territory=GA,
        name="Cap emploi Charente",
        aka="Cheops Charente",
        category="cap-emploi-reseau-cheops",
        scale="departemental",
        commune="16015",
        address="30 boulevard de la Demo",
        hours=WEEKDAYS,
        description="Accompagnement vers l'emploi des personnes en situation de handicap et "
        "maintien dans l'emploi des salariés ; conseil aux employeurs.",
        services="Accompagnement vers l'emploi, maintien dans l'emploi, sensibilisation des "
        "employeurs, compensation du handicap.",
        publics=["personnes-en-situation-de-handicap", "employeurs"],
        themes=["trouver-un-emploi", "sante", "recruter"],
        zone=["D:16"],
        modes=["phone", "email"],
        contacts=[
            ("Isabelle", "Démo-Moreau", "Chargée de mission maintien", "Maintien dans l'emploi")
        ],
        verified=120,
    ),
    dict(
        slug="uimm-charente",
        territory=GA,
        name="UIMM Charente",
        aka="Union des industries et métiers de la métallurgie, pôle formation UIMM",
        category="club-entreprises",
        scale="departemental",
        commune="16015",
        address="5 rue de la Demo",
        hours="Du lundi au vendredi, 9 h – 17 h",
        description="Organisation professionnelle des industriels de la métallurgie : "
        "recrutement, alternance et formation pour l'industrie (mécatronique, usinage).",
        services="Découverte des métiers industriels, alternance, préparations opérationnelles à "
        "l'emploi (POE), lien avec le CFA de l'industrie.",
        publics=["jeunes", "demandeurs-emploi", "employeurs"],
        themes=["choisir-un-metier", "se-former", "recruter"],
        zone=["D:16"],
        modes=["phone", "email"],
        contacts=[("Marc", "Démo-Girard", "Responsable emploi-formation", "POE, alternance")],
        verified=30,
    ),
    dict(
        slug="cnam-nouvelle-aquitaine-angouleme",
        territory=GA,
        name="Cnam Nouvelle-Aquitaine – centre d'Angoulême",
        aka="CNAM, Conservatoire national des arts et métiers",
        category="organisme-de-formation",
        scale="regional",
        commune="16015",
        address="1 allée de la Demo",
        hours="Du lundi au jeudi, 9 h – 18 h",
        description="Formation professionnelle supérieure des adultes, en cours du soir, à "
        "distance ou en alternance.",
        services="Titres et diplômes du Cnam, VAE, formations à distance.",
        publics=["actifs", "demandeurs-emploi"],
        themes=["se-former", "choisir-un-metier"],
        zone=["D:16", "D:24"],
        modes=["remote", "email", "link"],
        link="https://www.cnam-nouvelle-aquitaine.fr",
        contacts=[("Laure", "Démo-Petit", "Conseillère formation", "Parcours et financement")],
        verified=100,
    ),
    dict(
        slug="plie-grand-angouleme",
        territory=GA,
        name="PLIE du Grand Angoulême",
        aka="Plan local pour l'insertion et l'emploi",
        category="plie",
        commune="16015",
        address="25 boulevard de la Demo",
        hours=WEEKDAYS,
        description="Accompagnement renforcé et individualisé vers l'emploi durable des "
        "personnes qui en sont le plus éloignées.",
        services="Référent de parcours unique, clauses sociales des marchés publics.",
        publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"],
        themes=["trouver-un-emploi", "remobilisation"],
        zone=["T:grand-angouleme"],
        modes=["phone", "email"],
        contacts=[
            ("Nathalie", "Démo-Roux", "Animatrice du PLIE", "Entrées en parcours"),
            ("Olivier", "Démo-Blanc", "Facilitateur clauses sociales", "Clauses sociales"),
        ],
        verified=15,
    ),
    dict(
        slug="ccas-angouleme",
        territory=GA,
        name="CCAS d'Angoulême",
        aka="Centre communal d'action sociale",
        category="ccas-cias",
        commune="16015",
        address="Hôtel de ville de démonstration",
        hours=WEEKDAYS,
        description="Aide sociale légale et facultative, domiciliation, accompagnement des "
        "allocataires du RSA.",
        services="Aides financières, domiciliation, épicerie sociale.",
        publics=[
            "personnes-en-situation-durgence",
            "beneficiaires-des-minimas-sociaux",
            "familles",
        ],
        themes=["difficultes-financieres", "equipement-et-alimentation", "logement-hebergement"],
        zone=["C:16015"],
        modes=["walk_in", "phone"],
        contacts=[("Sophie", "Démo-Garnier", "Travailleuse sociale", "RSA, aides d'urgence")],
        verified=400,
        interval=6,
    ),
    dict(
        slug="caf-charente",
        territory=GA,
        name="Caf de la Charente",
        aka="CAF, Caisse d'allocations familiales",
        category="caf",
        scale="departemental",
        commune="16015",
        address="Rue de la Demo",
        hours="Accueil sur rendez-vous",
        description="Prestations familiales, logement, RSA et prime d'activité.",
        services="Rendez-vous des droits, aide au logement, accompagnement des familles.",
        publics=["familles", "beneficiaires-des-minimas-sociaux"],
        themes=["difficultes-financieres", "famille", "logement-hebergement"],
        zone=["D:16"],
        modes=["remote", "link"],
        link="https://www.caf.fr",
        website="https://www.caf.fr",
        contacts=[],
        verified=800,
        interval=12,
    ),
    dict(
        slug="mdph-charente",
        territory=GA,
        name="MDPH de la Charente",
        aka="Maison départementale des personnes handicapées",
        category="mdph",
        scale="departemental",
        commune="16015",
        address="Avenue de la Demo",
        hours=WEEKDAYS,
        description="Reconnaissance de la qualité de travailleur handicapé (RQTH), orientation "
        "professionnelle et compensation du handicap.",
        services="RQTH, orientation en ESAT ou vers le marché du travail, prestation de "
        "compensation.",
        publics=["personnes-en-situation-de-handicap"],
        themes=["difficultes-administratives-ou-juridiques", "sante"],
        zone=["D:16"],
        modes=["walk_in", "phone", "email"],
        contacts=[],
        verified=60,
    ),
    dict(
        slug="departement-charente-insertion",
        territory=GA,
        name="Département de la Charente – service insertion",
        aka="Conseil départemental, maison départementale des solidarités",
        category="departements",
        scale="departemental",
        commune="16015",
        address="Place de la Demo",
        hours=WEEKDAYS,
        description="Orientation et accompagnement des allocataires du RSA, fonds d'aide aux "
        "jeunes, actions d'insertion.",
        services="Orientation RSA, contrats d'engagement réciproque, fonds d'aide aux jeunes.",
        publics=["beneficiaires-des-minimas-sociaux", "jeunes"],
        themes=["remobilisation", "difficultes-financieres"],
        zone=["D:16"],
        modes=["phone", "email"],
        contacts=[("Pascal", "Démo-Mercier", "Chef de service insertion", "Orientation RSA")],
        verified=90,
    ),
    dict(
        slug="france-services-soyaux",
        territory=GA,
        name="France services Soyaux",
        aka="Maison France services, MSAP",
        category="france-service",
        commune="16374",
        address="Place de la Demo",
        hours="Lundi, mardi, jeudi : 9 h – 17 h",
        description="Un guichet pour les démarches administratives du quotidien, avec un "
        "accompagnement au numérique.",
        services="Aide aux démarches en ligne (France Travail, Caf, impôts, ANTS), accès à un "
        "ordinateur.",
        publics=["tous-publics"],
        themes=["difficultes-administratives-ou-juridiques", "numerique"],
        zone=["C:16374", "C:16015"],
        modes=["walk_in", "phone"],
        contacts=[("Amandine", "Démo-Lefort", "Conseillère France services", "Démarches en ligne")],
        verified=45,
    ),
    dict(
        slug="jardins-solidaires-grand-angouleme",
        territory=GA,
        name="Les Jardins solidaires de l'Angoumois",
        aka="Chantier d'insertion maraîchage",
        category="aci",
        commune="16113",
        address="Chemin de la Demo",
        hours="Du lundi au vendredi, 8 h – 16 h",
        description="Atelier et chantier d'insertion en maraîchage biologique : un contrat "
        "de travail et un accompagnement socioprofessionnel.",
        services="Contrats à durée déterminée d'insertion (CDDI), paniers de légumes.",
        publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi"],
        themes=["remobilisation", "trouver-un-emploi"],
        zone=["T:grand-angouleme"],
        modes=["phone"],
        contacts=[("Julie", "Démo-Carré", "Encadrante technique", "Candidatures en CDDI")],
        verified=200,
        interval=3,
    ),
    dict(
        slug="emploi-services-angoumois",
        territory=GA,
        name="Emploi Services Angoumois",
        aka="Association intermédiaire",
        category="ai",
        commune="16166",
        address="12 rue de la Demo",
        hours=WEEKDAYS,
        description="Association intermédiaire : missions de travail chez des particuliers, "
        "des associations et des entreprises, avec un accompagnement.",
        services="Mise à disposition de salariés (ménage, jardinage, manutention).",
        publics=["demandeurs-emploi", "seniors"],
        themes=["trouver-un-emploi", "remobilisation"],
        zone=["T:grand-angouleme"],
        modes=["walk_in", "phone"],
        contacts=[("Bruno", "Démo-Lucas", "Chargé d'accompagnement", "Inscriptions")],
        verified=70,
    ),
    dict(
        slug="charente-interim-insertion",
        territory=GA,
        name="Charente Intérim Insertion",
        aka="ETTI",
        category="etti",
        commune="16015",
        address="3 rue de la Demo",
        hours=WEEKDAYS,
        description="Entreprise de travail temporaire d'insertion : missions en industrie, "
        "BTP et logistique.",
        services="Missions d'intérim, accompagnement, formation en situation de travail.",
        publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"],
        themes=["trouver-un-emploi", "recruter"],
        zone=["D:16"],
        modes=["walk_in", "phone", "email"],
        contacts=[
            ("Fabrice", "Démo-Henry", "Chargé de relations entreprises", "Offres de mission")
        ],
        verified=10,
    ),
    dict(
        slug="geiq-industrie-charente",
        territory=GA,
        name="GEIQ Industrie Charente",
        aka="Groupement d'employeurs pour l'insertion et la qualification",
        category="geiq",
        scale="departemental",
        commune="16015",
        address="9 rue de la Demo",
        hours=WEEKDAYS,
        description="Parcours en alternance qualifiants dans les entreprises industrielles "
        "adhérentes.",
        services="Contrats de professionnalisation, tutorat, accompagnement social.",
        publics=["demandeurs-emploi", "jeunes", "employeurs"],
        themes=["se-former", "recruter"],
        zone=["D:16"],
        modes=["phone", "email"],
        contacts=[("Agnès", "Démo-Perrin", "Chargée de recrutement", "Candidatures en alternance")],
        verified=35,
    ),
    dict(
        slug="e2c-charente",
        territory=GA,
        name="École de la 2e chance de la Charente",
        aka="E2C",
        category="ecoles-de-la-deuxieme-chance",
        scale="departemental",
        commune="16015",
        address="17 rue de la Demo",
        hours=WEEKDAYS,
        description="Pour les jeunes de 16 à 25 ans sortis sans diplôme : remise à niveau, "
        "stages en entreprise, projet professionnel.",
        services="Parcours individualisé, alternance école-entreprise, attestation de compétences.",
        publics=["jeunes"],
        themes=["lecture-ecriture-calcul", "choisir-un-metier", "remobilisation"],
        zone=["D:16"],
        modes=["walk_in", "phone"],
        contacts=[
            ("Thomas", "Démo-Robin", "Formateur référent", "Entrées et informations collectives")
        ],
        verified=55,
    ),
    dict(
        slug="afpa-angouleme",
        territory=GA,
        name="Afpa Angoulême",
        aka="AFPA",
        category="afpa",
        scale="regional",
        commune="16374",
        address="Avenue de la Demo",
        hours=WEEKDAYS,
        description="Formations qualifiantes aux métiers de l'industrie, du bâtiment et des "
        "services, avec hébergement possible.",
        services="Titres professionnels, Prépa compétences, Promo 16-18.",
        publics=["demandeurs-emploi", "jeunes", "actifs"],
        themes=["se-former", "choisir-un-metier"],
        zone=["R:75"],
        modes=["walk_in", "phone", "link"],
        link="https://www.afpa.fr",
        website="https://www.afpa.fr",
        contacts=[("Éric", "Démo-Dupuis", "Conseiller en formation", "Entrées en formation")],
        verified=140,
    ),
    dict(
        slug="info-jeunesse-angouleme",
        territory=GA,
        name="Information jeunesse Angoulême",
        aka="BIJ, Bureau information jeunesse",
        category="reseau-information-jeunesse",
        commune="16015",
        address="6 rue de la Demo",
        hours="Du mardi au samedi, 13 h – 18 h",
        description="Information des jeunes sur l'orientation, les jobs, le logement, la "
        "mobilité internationale.",
        services="Jobs d'été, BAFA, service civique, mobilité européenne.",
        publics=["jeunes", "etudiants"],
        themes=["choisir-un-metier", "souvrir-a-linternational", "trouver-un-emploi"],
        zone=["T:grand-angouleme"],
        modes=["walk_in", "email"],
        contacts=[],
        verified=900,
    ),
    dict(
        slug="cci-charente",
        territory=GA,
        name="CCI de la Charente",
        aka="Chambre de commerce et d'industrie",
        category="chambres-consulaires",
        scale="departemental",
        commune="16015",
        address="27 place de la Demo",
        hours=WEEKDAYS,
        description="Accompagnement des créateurs et des entreprises, apprentissage.",
        services="Ateliers création d'entreprise, point A apprentissage, bourse des offres.",
        publics=["employeurs", "actifs", "demandeurs-emploi"],
        themes=["creer-une-entreprise", "recruter"],
        zone=["D:16"],
        modes=["phone", "email"],
        contacts=[("Céline", "Démo-Marchal", "Conseillère création", "Créateurs d'entreprise")],
        verified=75,
    ),
    dict(
        slug="cidff-charente",
        territory=GA,
        name="CIDFF de la Charente",
        aka="Centre d'information sur les droits des femmes et des familles",
        category="cidff",
        scale="departemental",
        commune="16015",
        address="4 rue de la Demo",
        hours="Sur rendez-vous",
        description="Information juridique, accompagnement vers l'emploi des femmes, lutte "
        "contre les violences.",
        services="Permanences juridiques, bureau d'accompagnement individualisé vers l'emploi.",
        publics=["femmes", "familles"],
        themes=["difficultes-administratives-ou-juridiques", "trouver-un-emploi", "famille"],
        zone=["D:16"],
        modes=["phone", "email"],
        contacts=[("Anne", "Démo-Leroy", "Juriste", "Permanences juridiques")],
        verified=110,
    ),
    dict(
        slug="mobilite-16-auto-ecole-sociale",
        territory=GA,
        name="Mobilité 16 – auto-école sociale",
        aka="Plateforme mobilité",
        category="autre",
        commune="16154",
        address="11 rue de la Demo",
        hours="Lundi, mercredi, vendredi : 9 h – 17 h",
        description="Diagnostic mobilité, code et permis accompagnés, location de deux-roues "
        "pour aller travailler.",
        services="Bilan mobilité, permis B accompagné, prêt de scooters et de vélos.",
        publics=["demandeurs-emploi", "jeunes", "beneficiaires-des-minimas-sociaux"],
        themes=["mobilite"],
        zone=["T:grand-angouleme"],
        modes=["phone", "email"],
        contacts=[("Mehdi", "Démo-Fontaine", "Conseiller mobilité", "Prescriptions")],
        verified=25,
    ),
    # Grand Bergeracois
    dict(
        slug="france-travail-bergerac",
        territory=GB,
        name="France Travail Bergerac",
        aka="Pôle emploi, ANPE",
        category="france-travail",
        commune="24037",
        address="21 avenue de la Demo",
        hours="Du lundi au vendredi, 8 h 30 – 12 h 30 ; l'après-midi sur rendez-vous",
        description="Agence France Travail du Bergeracois : demandeurs d'emploi et entreprises.",
        services="Inscription, accompagnement, recrutement saisonnier (viticulture), "
        "préparations opérationnelles à l'emploi.",
        publics=["demandeurs-emploi", "jeunes", "employeurs"],
        themes=["trouver-un-emploi", "preparer-sa-candidature", "recruter"],
        zone=["T:grand-bergeracois"],
        modes=["walk_in", "phone", "link"],
        link="https://www.francetravail.fr",
        website="https://www.francetravail.fr",
        contacts=[
            ("Valérie", "Démo-Castaing", "Conseillère entreprises", "Recrutements saisonniers"),
            ("Romain", "Démo-Delmas", "Conseiller", "Accompagnement intensif"),
        ],
        verified=30,
    ),
    dict(
        slug="mission-locale-bergeracois",
        territory=GB,
        name="Mission locale du Bergeracois",
        aka="ML Bergerac",
        category="mission-locale",
        commune="24037",
        address="7 rue de la Demo",
        hours=WEEKDAYS,
        description="Accompagnement des 16-25 ans du Bergeracois vers l'emploi et l'autonomie, "
        "avec des permanences dans les bourgs.",
        services="Contrat d'engagement jeune, permanences décentralisées, aide au permis.",
        publics=["jeunes"],
        themes=["trouver-un-emploi", "mobilite", "choisir-un-metier"],
        zone=["T:grand-bergeracois"],
        modes=["walk_in", "phone", "email"],
        contacts=[("Lucie", "Démo-Vidal", "Conseillère", "Permanences d'Eymet et de Lalinde")],
        verified=60,
    ),
    dict(
        slug="cap-emploi-dordogne",
        territory=GB,
        name="Cap emploi Dordogne – antenne de Bergerac",
        aka="Cheops Dordogne",
        category="cap-emploi-reseau-cheops",
        scale="departemental",
        commune="24037",
        address="10 rue de la Demo",
        hours=WEEKDAYS,
        description="Emploi et maintien dans l'emploi des personnes en situation de handicap en "
        "Dordogne.",
        services="Accompagnement vers l'emploi, maintien, conseil aux employeurs.",
        publics=["personnes-en-situation-de-handicap", "employeurs"],
        themes=["trouver-un-emploi", "sante", "recruter"],
        zone=["D:24"],
        modes=["phone", "email"],
        contacts=[("Guillaume", "Démo-Laporte", "Conseiller", "Maintien dans l'emploi")],
        verified=130,
    ),
    dict(
        slug="cfa-industrie-bergerac",
        territory=GB,
        name="CFA de l'industrie – site de Bergerac",
        aka="Pôle formation UIMM, AFPI",
        category="organisme-de-formation",
        scale="regional",
        commune="24037",
        address="Zone industrielle de la Demo",
        hours=WEEKDAYS,
        description="Centre de formation d'apprentis des métiers de l'industrie : du CAP à "
        "l'ingénieur, en alternance.",
        services="Apprentissage, contrats de professionnalisation, formations continues "
        "(maintenance, chaudronnerie, conduite de lignes).",
        publics=["jeunes", "demandeurs-emploi", "employeurs"],
        themes=["se-former", "choisir-un-metier", "recruter"],
        zone=["D:24", "D:16"],
        modes=["walk_in", "phone", "email"],
        contacts=[
            (
                "Stéphane",
                "Démo-Brousse",
                "Développeur de l'apprentissage",
                "Placement en alternance",
            )
        ],
        verified=50,
    ),
    dict(
        slug="cluster-b",
        territory=GB,
        name="Cluster.b",
        aka="Cluster b, club d'entreprises du Bergeracois",
        category="club-entreprises",
        commune="24037",
        address="Parc d'activités de la Demo",
        hours="Sur rendez-vous",
        description="Club d'entreprises du Bergeracois créé en 2017 : il fédère les "
        "entreprises du territoire autour de l'emploi, des compétences et de l'attractivité.",
        services="Rencontres entreprises, bourse de l'emploi locale, accueil de stagiaires, "
        "visites d'entreprises pour les demandeurs d'emploi.",
        publics=["employeurs", "demandeurs-emploi"],
        themes=["recruter", "choisir-un-metier"],
        zone=["T:grand-bergeracois"],
        modes=["email", "phone"],
        contacts=[
            ("Bertrand", "Démo-Lafon", "Animateur du club", "Mise en relation avec les entreprises")
        ],
        verified=20,
    ),
    dict(
        slug="region-nouvelle-aquitaine-cadet-bergeracois",
        territory=GB,
        name="Région Nouvelle-Aquitaine – CADET du Grand Bergeracois",
        aka="Conseil régional, contrat d'animation et de développement de l'emploi territorial",
        category="regions",
        scale="regional",
        commune="24037",
        address="Antenne régionale de démonstration",
        hours="Sur rendez-vous",
        description="Le chargé de mission emploi-formation de la Région anime le contrat "
        "néo-aquitain (CADET) du territoire : besoins des entreprises, formations régionales, "
        "projets collectifs.",
        services="Formations financées par la Région, diagnostic des besoins en compétences, "
        "appui aux projets emploi du territoire.",
        publics=["demandeurs-emploi", "employeurs"],
        themes=["se-former", "recruter"],
        zone=["T:grand-bergeracois"],
        modes=["email", "phone"],
        contacts=[
            (
                "Antoine",
                "Démo-Mazières",
                "Chargé de mission CADET",
                "Formations régionales, projets",
            )
        ],
        verified=10,
    ),
    dict(
        slug="plie-bergeracois",
        territory=GB,
        name="PLIE du Bergeracois",
        aka="Plan local pour l'insertion et l'emploi",
        category="plie",
        commune="24037",
        address="15 rue de la Demo",
        hours=WEEKDAYS,
        description="Parcours renforcés vers l'emploi durable.",
        services="Référent de parcours, clauses sociales.",
        publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"],
        themes=["trouver-un-emploi", "remobilisation"],
        zone=["T:grand-bergeracois"],
        modes=["phone"],
        contacts=[("Christine", "Démo-Faurie", "Coordinatrice", "Entrées en parcours")],
        verified=300,
    ),
    dict(
        slug="ccas-bergerac",
        territory=GB,
        name="CCAS de Bergerac",
        aka="Centre communal d'action sociale",
        category="ccas-cias",
        commune="24037",
        address="Mairie de démonstration",
        hours=WEEKDAYS,
        description="Aides sociales, domiciliation, accompagnement RSA.",
        services="Aides d'urgence, épicerie solidaire.",
        publics=["personnes-en-situation-durgence", "familles", "seniors"],
        themes=["difficultes-financieres", "equipement-et-alimentation"],
        zone=["C:24037"],
        modes=["walk_in", "phone"],
        contacts=[],
        verified=95,
    ),
    dict(
        slug="recyclerie-bergeracoise",
        territory=GB,
        name="La Recyclerie bergeracoise",
        aka="Ressourcerie, chantier d'insertion",
        category="aci",
        commune="24340",
        address="Route de la Demo",
        hours="Du mardi au samedi, 9 h – 17 h",
        description="Chantier d'insertion de l'économie circulaire : collecte, réemploi et "
        "vente d'objets.",
        services="CDDI en logistique, vente et réparation ; accompagnement socioprofessionnel.",
        publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"],
        themes=["remobilisation", "trouver-un-emploi"],
        zone=["T:grand-bergeracois"],
        modes=["walk_in", "phone"],
        contacts=[("Patrick", "Démo-Sarlat", "Encadrant technique", "Candidatures")],
        verified=85,
    ),
    dict(
        slug="bergerac-environnement-insertion",
        territory=GB,
        name="Bergerac Environnement Insertion",
        aka="EI espaces verts",
        category="ei",
        commune="24037",
        address="Chemin de la Demo",
        hours=WEEKDAYS,
        description="Entreprise d'insertion d'entretien d'espaces verts et de nettoyage.",
        services="Contrats en insertion, marchés avec clauses sociales.",
        publics=["demandeurs-emploi"],
        themes=["trouver-un-emploi"],
        zone=["T:grand-bergeracois"],
        modes=["phone"],
        contacts=[("Jérôme", "Démo-Pradier", "Gérant", "Recrutements")],
        verified=190,
        interval=6,
    ),
    dict(
        slug="trait-d-union-bergeracois",
        territory=GB,
        name="Trait d'union bergeracois",
        aka="Association intermédiaire",
        category="ai",
        commune="24223",
        address="Place de la Demo",
        hours="Lundi, mardi, jeudi : 9 h – 12 h",
        description="Missions de travail pour les habitants de la vallée de la Dordogne.",
        services="Mise à disposition, accompagnement.",
        publics=["demandeurs-emploi", "seniors"],
        themes=["trouver-un-emploi"],
        zone=["C:24223", "C:24037", "C:24222"],
        modes=["walk_in", "phone"],
        contacts=[("Martine", "Démo-Boyer", "Accompagnatrice", "Inscriptions")],
        verified=70,
    ),
    dict(
        slug="greta-sud-perigord",
        territory=GB,
        name="GRETA Sud-Périgord – Bergerac",
        aka="Greta",
        category="organisme-de-formation",
        scale="departemental",
        commune="24037",
        address="Lycée de démonstration",
        hours=WEEKDAYS,
        description="Formation continue des adultes de l'Éducation nationale.",
        services="Remise à niveau, français langue étrangère, titres professionnels.",
        publics=["demandeurs-emploi", "actifs", "personnes-exilees"],
        themes=["se-former", "lecture-ecriture-calcul"],
        zone=["D:24"],
        modes=["walk_in", "phone", "email"],
        contacts=[("Nadège", "Démo-Chassaing", "Conseillère en formation", "FLE, remise à niveau")],
        verified=160,
    ),
    dict(
        slug="france-services-lalinde",
        territory=GB,
        name="France services Lalinde",
        aka="Maison France services",
        category="france-service",
        commune="24223",
        address="Rue de la Demo",
        hours="Du lundi au vendredi, 9 h – 12 h",
        description="Démarches administratives et numériques près de chez soi.",
        services="Aide aux démarches, ordinateurs en libre accès, permanences de partenaires.",
        publics=["tous-publics"],
        themes=["difficultes-administratives-ou-juridiques", "numerique"],
        zone=["C:24223", "C:24022", "C:24143"],
        modes=["walk_in", "phone"],
        contacts=[("Élodie", "Démo-Roche", "Animatrice France services", "Démarches en ligne")],
        verified=40,
    ),
    dict(
        slug="lycee-metiers-industrie-bergerac",
        territory=GB,
        name="Lycée des métiers de l'industrie de Bergerac",
        aka="Lycée professionnel",
        category="etablissement-scolaire",
        commune="24037",
        address="Avenue de la Demo",
        hours=WEEKDAYS,
        description="Formations professionnelles industrielles du CAP au BTS.",
        services="Découverte des métiers, stages, apprentissage mixte.",
        publics=["jeunes"],
        themes=["choisir-un-metier", "se-former"],
        zone=["T:grand-bergeracois"],
        modes=["phone", "email"],
        contacts=[
            ("Hugues", "Démo-Teyssier", "Directeur délégué aux formations", "Stages et alternance")
        ],
        verified=380,
        interval=12,
    ),
    dict(
        slug="ddets-dordogne",
        territory=GB,
        name="DDETS de la Dordogne",
        aka="Direction départementale de l'emploi, du travail et des solidarités, Direccte",
        category="service-etat",
        scale="departemental",
        commune="24037",
        address="Sous-préfecture de démonstration",
        hours="Sur rendez-vous",
        description="Service de l'État : insertion par l'activité économique, contrats aidés, "
        "emploi des personnes handicapées.",
        services="Conventionnement des SIAE, parcours emploi compétences, FNE-Formation.",
        publics=["employeurs"],
        themes=["recruter"],
        zone=["D:24"],
        modes=["email"],
        contacts=[("Frédéric", "Démo-Magne", "Chargé de développement territorial", "IAE, PEC")],
        verified=200,
    ),
    dict(
        slug="chambre-agriculture-dordogne-bergerac",
        territory=GB,
        name="Chambre d'agriculture de la Dordogne – antenne de Bergerac",
        aka="Service emploi agricole",
        category="chambres-consulaires",
        scale="departemental",
        commune="24037",
        address="Route de la Demo",
        hours=WEEKDAYS,
        description="Emploi agricole et viticole : offres saisonnières, groupements "
        "d'employeurs, installation.",
        services="Bourse de l'emploi agricole, vendanges, accompagnement à l'installation.",
        publics=["demandeurs-emploi", "employeurs"],
        themes=["trouver-un-emploi", "recruter", "creer-une-entreprise"],
        zone=["D:24"],
        modes=["phone", "email"],
        contacts=[("Sandrine", "Démo-Lagarde", "Conseillère emploi", "Saisonniers viticoles")],
        verified=800,
    ),
    dict(
        slug="epide-bergerac",
        territory=GB,
        name="EPIDE de Bergerac",
        aka="Établissement pour l'insertion dans l'emploi",
        category="epide",
        scale="regional",
        commune="24037",
        address="Domaine de la Demo",
        hours="Internat du lundi au vendredi",
        description="Parcours d'insertion en internat pour des volontaires de 17 à 25 ans.",
        services="Remise à niveau, projet professionnel, permis, vie collective.",
        publics=["jeunes", "residents-qpv-frr"],
        themes=["remobilisation", "lecture-ecriture-calcul", "mobilite"],
        zone=["R:75"],
        modes=["phone", "link"],
        link="https://www.epide.fr",
        contacts=[("Kévin", "Démo-Bouchard", "Chargé de recrutement", "Candidatures")],
        verified=65,
    ),
    dict(
        slug="association-logement-jeunes-bergerac",
        territory=GB,
        name="Habitat Jeunes du Bergeracois",
        aka="Foyer de jeunes travailleurs, FJT",
        category="autre",
        commune="24037",
        address="Quai de la Demo",
        hours=WEEKDAYS,
        description="Logement temporaire et accompagnement des jeunes en formation ou en emploi.",
        services="Chambres meublées, aide aux démarches de logement.",
        publics=["jeunes", "etudiants"],
        themes=["logement-hebergement"],
        zone=["T:grand-bergeracois"],
        modes=["walk_in", "phone", "email"],
        contacts=[("Inès", "Démo-Vergne", "Responsable de l'accueil", "Demandes de logement")],
        verified=45,
    ),
    dict(
        slug="france-travail-national-plateforme",
        territory=GA,
        name="France Travail – 3949",
        aka="Pôle emploi, plateforme téléphonique",
        category="france-travail",
        scale="national",
        commune=None,
        address="",
        hours="Du lundi au vendredi, 8 h 30 – 17 h",
        description="La plateforme téléphonique nationale de France Travail, pour les "
        "demandeurs d'emploi de toute la France.",
        services="Questions sur l'inscription, l'indemnisation et les rendez-vous.",
        publics=["demandeurs-emploi"],
        themes=["trouver-un-emploi", "difficultes-administratives-ou-juridiques"],
        zone=["FR"],
        modes=["remote", "phone"],
        website="https://www.francetravail.fr",
        contacts=[],
        verified=30,
    ),
]

MODE_FIELDS = {
    "remote": "reception_remote",
    "walk_in": "mobilise_walk_in",
    "phone": "mobilise_phone",
    "email": "mobilise_email",
    "link": "mobilise_link",
}


def _fake_phone(number):
    """Visibly fake numbers: 05 00 00 0x xx."""
    return f"05 00 00 {number // 100:02d} {number % 100:02d}"


@transaction.atomic
def load(stdout=None):
    territories = {territory.slug: territory for territory in Territory.objects.all()}
    categories = {item.slug: item for item in Category.objects.all()}
    publics = {item.slug: item for item in Public.objects.all()}
    themes = {item.slug: item for item in Theme.objects.all()}
    codes = {data["commune"] for data in PARTNERS if data["commune"]}
    codes |= {zone[2:] for data in PARTNERS for zone in data["zone"] if zone.startswith("C:")}
    communes = {item.insee_code: item for item in Commune.objects.filter(insee_code__in=codes)}
    now = timezone.now()
    created = 0
    for number, data in enumerate(PARTNERS, start=1):
        territory = territories.get(data["territory"])
        if territory is None:
            continue  # the portal demo has not created this territory
        commune = communes.get(data["commune"]) if data["commune"] else None
        modes = set(data["modes"])
        defaults = {
            "territory": territory,
            "name": data["name"],
            "also_known_as": data["aka"],
            "category": categories[data["category"]],
            "scale": data.get("scale", Partner.Scale.LOCAL),
            "description": f"{data['description']}\n\n{DEMO_NOTE}",
            "services": data["services"],
            "address": data["address"],
            "postal_code": commune.main_postal_code if commune else "",
            "commune": commune,
            "phone": phones.to_e164(_fake_phone(number)),
            "email": f"contact@{data['slug']}.example.org",
            "website": data.get("website", ""),
            "opening_hours": data["hours"],
            "opening_hours_osm": data.get(
                "osm_hours", demo_services.WEEK if data["address"] else ""
            ),
            "reception_in_person": bool(data["address"]),
            "mobilisation_link": data.get("link", ""),
            "is_national": "FR" in data["zone"],
            "check_interval": data.get("interval", 6),
            **{field: key in modes for key, field in MODE_FIELDS.items()},
        }
        partner, was_created = Partner.objects.update_or_create(
            slug=data["slug"],
            defaults=defaults,
            # Freshness is set once, so that re-running the demo does not "verify" everything.
            create_defaults={**defaults, "verified_at": now - timedelta(days=data["verified"])},
        )
        created += was_created
        partner.publics.set([publics[slug] for slug in data["publics"]])
        partner.themes.set([themes[slug] for slug in data["themes"]])
        _set_zone(partner, data["zone"], territories, communes)
        _set_services(partner, data, themes, publics)
        for position, (first_name, last_name, role, subject) in enumerate(data["contacts"]):
            login = slugify(f"{first_name} {last_name.removeprefix('Démo-')}").replace("-", ".")
            Contact.objects.update_or_create(
                partner=partner,
                first_name=first_name,
                last_name=last_name,
                defaults={
                    "role": role,
                    "contact_for": f"{subject} (contact fictif de démonstration)",
                    "phone": phones.to_e164(_fake_phone(100 * (position + 1) + number)),
                    "email": f"{login}@example.org",
                    "position": position,
                },
            )
    accepted = _accept_networks(territories.values())
    if stdout:
        stdout.write(f"  partenaires : {len(PARTNERS)} ({created} créés)")
        stdout.write(f"  partenaires d'autres territoires acceptés dans un réseau : {accepted}")


def _accept_networks(territories):
    """Each territory's coordination accepts the partners of the other territories whose zone
    covers it through a department, a region or the whole country (the CFA de Bergerac and the
    EPIDE in Grand Angoulême's guide, the national 3949 in Grand Bergeracois'), as the
    migration did for existing data. Idempotent."""
    created = 0
    for territory in territories:
        departments = territory.communes.values("department_id")
        wide = Partner.objects.filter(
            Q(is_national=True)
            | Q(zone_departments__in=departments)
            | Q(zone_regions__departments__in=departments)
        )
        for partner in Partner.objects.proposed_to(territory.pk).filter(pk__in=wide.values("pk")):
            _membership, was_created = NetworkMembership.objects.get_or_create(
                territory=territory, partner=partner
            )
            created += was_created
    return created


def _set_zone(partner, zone, territories, communes):
    partner.zone_communes.set(
        [communes[item[2:]] for item in zone if item[2:] in communes and item.startswith("C:")]
    )
    partner.zone_territories.set(
        [
            territories[item[2:]]
            for item in zone
            if item.startswith("T:") and item[2:] in territories
        ]
    )
    partner.zone_departments.set(
        Department.objects.filter(code__in=[item[2:] for item in zone if item.startswith("D:")])
    )
    partner.zone_regions.set(
        Region.objects.filter(code__in=[item[2:] for item in zone if item.startswith("R:")])
    )


def _set_services(partner, data, themes, publics):
    """The partner's services (partners/demo_services.py), keyed by name: re-running the demo
    updates them, never duplicates them."""
    for position, entry in enumerate(demo_services.services_for(data["category"])):
        name, kind, description, theme_slugs, public_slugs, fee, modes, hours = entry
        values = {
            "service_type": kind,
            "description": description,
            "fee": fee,
            "opening_hours_osm": hours if data["address"] else "",
            "mobilisation_link": data.get("link", "") if "link" in modes else "",
            "position": position,
            **{field: key in modes for key, field in demo_services.MODE_FIELDS.items()},
        }
        if values["mobilise_link"] and not values["mobilisation_link"]:
            values["mobilise_link"] = False
        service, _created = Service.objects.update_or_create(
            partner=partner, name=name, defaults=values
        )
        service.themes.set([themes[slug] for slug in theme_slugs])
        service.publics.set([publics[slug] for slug in public_slugs])
