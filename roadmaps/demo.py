"""Demo roadmaps: Grand Angoulême (four axes) and Grand Bergeracois (chantiers clés), and a few
signaux faibles for each.

Idempotent: a territory that already has a roadmap is left alone, and one that already has
the demo's signals gets them once. Each roadmap gets a history: an earlier validated version,
then changes (an action added, one re-planned, one moved, statuses changed), progress updates and
a few actions flagged "à discuter". Each territory's signals are one of each status, and a group
of two.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from partners.models import Partner, Theme
from portal.models import Commune, Territory, User
from roadmaps import metrics
from roadmaps.models import (
    Action,
    Axis,
    DiagnosticIndicator,
    Indicator,
    Roadmap,
    Signal,
    Step,
    save_by,
)
from roadmaps.services import indicators as record_indicators
from roadmaps.services import publication, versions, writes

S = Action.Status
P = Action.Priority


def _partner(territory, *names):
    """The first demo partner whose name contains one of `names`, the territory's own first.

    The partners demo is written separately: when no partner matches, the action has none.
    """
    for name in names:
        matching = Partner.objects.filter(name__icontains=name)
        partner = matching.filter(territory=territory).first() or matching.first()
        if partner:
            return partner
    return None


def _at(day):
    """An aware datetime at 10:00 on `day`, to date the demo's history entries."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _save(obj, user, day):
    obj._history_date = _at(day)
    return save_by(obj, by=user)


ANGOULEME = {
    "title": "Feuille de route pour l'emploi et l'insertion",
    "period": "2022-2026",
    "axis_label": Roadmap.AxisLabel.AXIS,
    "work_started_on": datetime.date(2020, 1, 15),
    "validated_by": "conseil communautaire",
    "diagnostic": (
        "Le territoire compte beaucoup de services et d'initiatives pour l'emploi, mais l'offre "
        "d'ensemble reste illisible pour les habitants, les employeurs et les partenaires "
        "eux-mêmes. Le diagnostic, mené par entretiens et groupes de travail à partir de début "
        "2020 puis ralenti par la crise sanitaire, fait de l'interconnaissance des acteurs la "
        "première priorité."
    ),
    "stakes": (
        "Rendre l'offre lisible pour les habitants, les employeurs et les partenaires.\n"
        "Mailler les 38 communes au plus près des habitants.\n"
        "Aider les entreprises dans leurs recrutements."
    ),
    "objectives": (
        "Un réseau de référents emploi-insertion dans chaque commune, une culture commune des "
        "partenaires, des événements pour l'emploi au plus près des territoires."
    ),
    "facts": [
        ("Communes", "38", "", 2022, "INSEE"),
        ("Habitants", "141000", "", 2019, "INSEE, recensement"),
        ("Emplois au lieu de travail", "64000", "", 2019, "INSEE"),
        ("Taux de chômage (zone d'emploi)", "7.9", "%", 2021, "INSEE, estimations localisées"),
    ],
    "axes": [
        (
            "Accompagner les jeunes dans leur insertion professionnelle et sociale",
            [
                {
                    "title": "Repérer et accompagner les jeunes ni en emploi ni en formation",
                    "pilot": ("Mission locale",),
                    "status": S.IN_PROGRESS,
                    "priority": P.HIGH,
                    "start": datetime.date(2022, 3, 1),
                    "end": None,
                    "progress": 40,
                },
                {
                    "title": "Parrainage de jeunes par des professionnels du territoire",
                    "pilot": ("Mission locale",),
                    "status": S.PLANNED,
                    "start": datetime.date(2023, 1, 1),
                    "end": -40,  # days from today: late
                },
            ],
        ),
        (
            "Favoriser l'insertion professionnelle des publics éloignés de l'emploi",
            [
                {
                    "title": "Micro-forums pour l'emploi dans les communes",
                    "pilot": ("France Travail", "Pôle emploi"),
                    "status": S.IN_PROGRESS,
                    "priority": P.HIGH,
                    "start": datetime.date(2022, 4, 1),
                    "end": datetime.date(2022, 12, 31),
                    "steps": [
                        ("Choisir les communes d'accueil", datetime.date(2022, 5, 15), True),
                        ("Premier micro-forum", datetime.date(2022, 6, 30), True),
                        (
                            "Bilan et calendrier de l'année suivante",
                            datetime.date(2022, 12, 15),
                            False,
                        ),
                    ],
                    "indicator": (
                        "Participants aux micro-forums",
                        "personnes",
                        0,
                        400,
                        [(datetime.date(2022, 7, 1), 85), (datetime.date(2023, 1, 15), 210)],
                    ),
                },
                {
                    "title": "Clauses d'insertion dans les marchés publics de l'agglomération",
                    "pilot_name": "Service commande publique",
                    "status": S.IN_PROGRESS,
                    "start": datetime.date(2022, 9, 1),
                    "end": datetime.date(2025, 12, 31),
                    "progress": 20,
                },
            ],
        ),
        (
            "Faciliter le recrutement sur le territoire",
            [
                {
                    "title": "Accompagner les entreprises dans leurs recrutements",
                    "pilot": ("France Travail", "Pôle emploi"),
                    "status": S.IN_PROGRESS,
                    "start": datetime.date(2022, 3, 1),
                    "end": 20,  # due within 30 days
                    "progress": 60,
                },
            ],
        ),
        (
            "Organiser et renforcer les synergies et les partenariats",
            [
                {
                    "title": "Un réseau de référents emploi-insertion dans les 38 communes",
                    "description": (
                        "Dans chaque commune, un élu ou un technicien, voire un binôme, devient "
                        "le référent emploi-insertion : il connaît les partenaires et oriente "
                        "les habitants."
                    ),
                    "expected": "38 communes couvertes par au moins un référent.",
                    "pilot_name": "Direction emploi-insertion de l'agglomération",
                    "status": S.IN_PROGRESS,
                    "priority": P.HIGH,
                    "start": datetime.date(2022, 2, 1),
                    "end": None,
                    "progress": 70,
                    "indicator": (
                        "Communes dotées d'un référent",
                        "communes",
                        0,
                        38,
                        [(datetime.date(2022, 6, 30), 21), (datetime.date(2023, 6, 30), 31)],
                    ),
                },
                {
                    "title": "Réunions mensuelles du réseau accueillies par les partenaires",
                    "description": (
                        "Chaque mois, une réunion délocalisée chez un partenaire (France Travail, "
                        "Mission locale, Cap emploi…) pour une culture commune."
                    ),
                    "pilot": ("Cap emploi", "Mission locale"),
                    "status": S.IN_PROGRESS,
                    "start": datetime.date(2022, 3, 1),
                    "end": None,
                    "progress": 50,
                    "to_discuss": True,
                },
                {
                    "title": "Le guide du référent",
                    "description": (
                        "Les coordonnées de tous les partenaires et une trame de premier entretien "
                        "pour accueillir et orienter les demandeurs d'emploi."
                    ),
                    "pilot_name": "Coordination emploi-insertion",
                    "status": S.IN_PROGRESS,
                    "priority": P.HIGH,
                    "start": datetime.date(2022, 3, 1),
                    "end": datetime.date(2022, 10, 31),
                    "steps": [
                        (
                            "Recenser les partenaires et leurs contacts",
                            datetime.date(2022, 5, 31),
                            True,
                        ),
                        ("Rédiger la trame de premier entretien", datetime.date(2022, 7, 31), True),
                        ("Relecture par le réseau", datetime.date(2022, 9, 30), False),
                        ("Diffusion aux référents", datetime.date(2022, 10, 31), False),
                    ],
                    "to_discuss": True,
                },
            ],
        ),
    ],
}

BERGERAC = {
    "title": "CADET du Grand Bergeracois : feuille de route emploi",
    "period": "2015-2027",
    "axis_label": Roadmap.AxisLabel.WORKSTREAM,
    "work_started_on": datetime.date(2015, 6, 1),
    "validated_by": "comité de pilotage du CADET",
    "diagnostic": (
        "Entre 2008 et 2014, le territoire a perdu 500 emplois industriels (fermeture d'un site "
        "logistique de l'armée de terre, démantèlement de la poudrerie). Chômage, pauvreté et "
        "niveau de qualification témoignent de sa fragilité. La Région accompagne la relance "
        "depuis 2013 ; un contrat dédié est signé en 2015."
    ),
    "stakes": "La mutation économique du territoire, au plus près des entreprises.",
    "objectives": (
        "Détecter les projets dormants, anticiper les difficultés, orienter vers les aides ; "
        "porter des projets collectifs pour le développement du territoire."
    ),
    "facts": [
        ("Habitants", "100000", "", 2019, "INSEE"),
        ("Emplois industriels détruits (2008-2014)", "500", "emplois", 2014, "CADET"),
        ("Taux de pauvreté", "17.5", "%", 2019, "INSEE, Filosofi"),
        ("Part des non-diplômés (15 ans et plus)", "26", "%", 2019, "INSEE"),
    ],
    "axes": [
        (
            "La formation en réponse aux besoins des entreprises",
            [
                {
                    "title": "Ouvrir un BTS usinage",
                    "pilot": ("CFA de l'industrie", "CFA"),
                    "partners": ("UIMM",),
                    "status": S.DONE,
                    "start": datetime.date(2020, 9, 1),
                    "end": datetime.date(2021, 9, 30),
                    "progress": 100,
                },
                {
                    "title": "Licence professionnelle lean manufacturing",
                    "pilot": ("CNAM", "Cnam"),
                    "status": S.IN_PROGRESS,
                    "priority": P.HIGH,
                    "start": datetime.date(2021, 9, 1),
                    "end": datetime.date(2022, 9, 30),
                    "progress": 80,
                },
            ],
        ),
        (
            "L'orientation professionnelle",
            [
                {
                    "title": "Comité local école-entreprise (CLEE)",
                    "status": S.DONE,
                    "start": datetime.date(2019, 9, 1),
                    "end": datetime.date(2020, 6, 30),
                    "progress": 100,
                },
                {
                    "title": "Semaine de l'industrie et visites d'entreprises",
                    "status": S.IN_PROGRESS,
                    "start": datetime.date(2022, 1, 1),
                    "end": None,
                    "progress": 50,
                },
                {
                    "title": "Actions communes Mission locale – lycée des métiers",
                    "pilot": ("Mission locale",),
                    "status": S.BLOCKED,
                    "start": datetime.date(2022, 9, 1),
                    "end": -15,
                    "progress": 25,
                    "to_discuss": True,
                },
            ],
        ),
        (
            "Deux filières émergentes",
            [
                {
                    "title": "Accompagner la filière agriculture numérique",
                    "status": S.IN_PROGRESS,
                    "start": datetime.date(2021, 1, 1),
                    "end": datetime.date(2026, 12, 31),
                    "progress": 30,
                },
                {
                    "title": "Accompagner la filière économie circulaire",
                    "status": S.PLANNED,
                    "start": datetime.date(2023, 1, 1),
                    "end": datetime.date(2027, 12, 31),
                },
            ],
        ),
        (
            "La détection des projets de création et de développement d'activités",
            [
                {
                    "title": "Détection continue des projets auprès des entreprises",
                    "pilot_name": "Chargé de mission CADET",
                    "status": S.IN_PROGRESS,
                    "start": datetime.date(2015, 9, 1),
                    "end": None,
                    "progress": 60,
                },
            ],
        ),
        (
            "Le club d'entreprises Cluster.b",
            [
                {
                    "title": "Pérenniser le club d'entreprises Cluster.b (créé en 2017)",
                    "pilot": ("Cluster.b", "Cluster"),
                    "status": S.IN_PROGRESS,
                    "priority": P.HIGH,
                    "start": datetime.date(2022, 1, 1),
                    "end": datetime.date(2024, 12, 31),
                    "progress": 45,
                },
            ],
        ),
    ],
}


def _end(value, today):
    if isinstance(value, int):
        return today + datetime.timedelta(days=value)
    return value


def _build(territory, data, user, validated_on, today):
    roadmap = Roadmap(
        territory=territory,
        title=data["title"],
        period=data["period"],
        axis_label=data["axis_label"],
        work_started_on=data["work_started_on"],
        diagnostic=data["diagnostic"],
        stakes=data["stakes"],
        objectives=data["objectives"],
        validated_by=data["validated_by"],
    )
    _save(roadmap, user, data["work_started_on"])
    for position, (label, value, unit, year, source) in enumerate(data["facts"]):
        DiagnosticIndicator.objects.create(
            roadmap=roadmap,
            label=label,
            value=Decimal(value),
            unit=unit,
            year=year,
            source=source,
            position=position,
        )
    for number, (title, actions) in enumerate(data["axes"], start=1):
        axis = _save(Axis(roadmap=roadmap, number=number, title=title), user, validated_on)
        for action_number, item in enumerate(actions, start=1):
            _add_action(territory, axis, action_number, item, user, validated_on, today)
    return roadmap


def _add_action(territory, axis, number, item, user, day, today):
    pilot = _partner(territory, *item["pilot"]) if item.get("pilot") else None
    action = Action(
        axis=axis,
        number=number,
        title=item["title"],
        description=item.get("description", ""),
        expected_results=item.get("expected", ""),
        status=item.get("status", S.PLANNED),
        priority=item.get("priority", P.MEDIUM),
        progress=item.get("progress", 0),
        start_date=item.get("start"),
        end_date=_end(item.get("end"), today),
        pilot_partner=pilot,
        pilot_name=item.get("pilot_name", ""),
        coordinator=user,
        to_discuss=item.get("to_discuss", False),
    )
    contributors = [_partner(territory, name) for name in item.get("partners", ())]
    with action.one_history_record():  # created with its partners: one record
        _save(action, user, day)
        action.partners.set([partner for partner in contributors if partner])
    for title, due, done in item.get("steps", ()):
        _save(Step(action=action, title=title, due_date=due, done=done), user, day)
    if item.get("indicator"):
        label, unit, baseline, target, values = item["indicator"]
        indicator = Indicator.objects.create(
            action=action, label=label, unit=unit, baseline=baseline, target=target
        )
        for date, value in values:
            indicator.values.create(date=date, value=value, recorded_by=user)
    return action


def _angouleme_changes(roadmap, user, today):
    """What moved after the February 2022 validation: the article's "une feuille de route, ça
    bouge" — recruitment difficulties became the first subject."""
    axes = {axis.number: axis for axis in roadmap.axes.all()}
    actions = {action.title: action for action in Action.objects.filter(axis__roadmap=roadmap)}
    forums = actions["Micro-forums pour l'emploi dans les communes"]
    forums.end_date = today + datetime.timedelta(days=12)
    forums.version += 1
    _save(forums, user, datetime.date(2023, 1, 20))
    guide = actions["Le guide du référent"]
    guide.end_date = datetime.date(2023, 6, 30)
    guide.version += 1
    _save(guide, user, datetime.date(2022, 11, 5))
    campaign = _add_action(
        roadmap.territory,
        axes[3],
        Action.objects.filter(axis=axes[3]).count() + 1,
        {
            "title": "Campagne de recrutement sur la marque employeur",
            "description": (
                "Les difficultés de recrutement sont devenues le premier sujet : accompagner les "
                "entreprises pour séduire les candidats et travailler leur marque employeur."
            ),
            "pilot": ("France Travail", "Pôle emploi"),
            "status": S.IN_PROGRESS,
            "priority": P.HIGH,
            "start": datetime.date(2023, 2, 1),
            "end": 210,
            "progress": 30,
            "to_discuss": True,
        },
        user,
        datetime.date(2023, 1, 25),
        today,
    )
    mentoring = actions["Parrainage de jeunes par des professionnels du territoire"]
    writes.move_action_to_axis(action=mentoring, axis=axes[3], by=user)
    updates = [
        (
            guide,
            datetime.date(2022, 9, 15),
            "Relecture lancée auprès de douze référents.",
            "",
            None,
        ),
        (
            forums,
            datetime.date(2022, 7, 1),
            "Premier micro-forum à Soyaux : 85 participants, 14 employeurs.",
            S.IN_PROGRESS,
            None,
        ),
        (
            actions["Clauses d'insertion dans les marchés publics de l'agglomération"],
            datetime.date(2023, 3, 10),
            "En attente du renouvellement des marchés de voirie.",
            S.PAUSED,
            20,
        ),
        (
            campaign,
            datetime.date(2023, 4, 4),
            "Trois entreprises de la mécatronique volontaires pour la première vague.",
            "",
            30,
        ),
        (  # recent: the dashboard's « faits marquants »
            forums,
            today - datetime.timedelta(days=20),
            "Micro-forum de La Couronne : 60 participants, 11 employeurs, 9 entretiens d'embauche.",
            "",
            None,
        ),
    ]
    for action, date, note, status, progress in updates:
        action.refresh_from_db()
        action.record_progress(by=user, note=note, date=date, status=status, progress=progress)


# The revision of June 2023: « le recrutement est aujourd'hui le principal problème, alors que
# ce n'était pas le cas quand le diagnostic a été élaboré ».
ANGOULEME_REVISION = {
    "stakes": (
        "Répondre aux difficultés de recrutement des entreprises, devenues le principal problème "
        "depuis le diagnostic.\n"
        "Rendre l'offre lisible pour les habitants, les candidats, les employeurs et les "
        "partenaires.\n"
        "Mailler les 38 communes au plus près des habitants.\n"
        "Attirer et fidéliser les candidats : marque employeur, mobilité, logement."
    ),
    "diagnostic": (
        " Deux ans plus tard, les entreprises peinent à recruter, dans l'industrie comme dans "
        "les services : le recrutement est devenu le principal problème."
    ),
    "axis": "Répondre aux difficultés de recrutement des entreprises",
    "signals": [
        (
            "Trois employeurs de la mécatronique cherchent des soudeurs depuis six mois, sans "
            "candidat.",
            datetime.date(2023, 3, 2),
            "echange",
        ),
        (
            "Au rendez-vous du réseau, plusieurs référents rapportent des offres de l'aide à "
            "domicile restées sans réponse.",
            datetime.date(2023, 4, 13),
            "rendez_vous",
        ),
    ],
    "summary": (
        "Le recrutement est devenu le principal problème : il passe en tête des enjeux, l'axe 3 "
        "est recentré sur les difficultés de recrutement des entreprises, une campagne sur la "
        "marque employeur est lancée et la cible des micro-forums relevée."
    ),
}


def _angouleme_revision(roadmap, user):
    """The signals of early 2023, then the revision of June 2023 that they led to: stakes and
    diagnostic rewritten, axis 3 renamed, a figure and a target updated (the campaign on the
    marque employeur was added before, see `_angouleme_changes`)."""
    data = ANGOULEME_REVISION
    campaign = Action.objects.get(
        axis__roadmap=roadmap, title="Campagne de recrutement sur la marque employeur"
    )
    signals = []
    for text, observed_on, source in data["signals"]:
        signal = Signal(
            territory=roadmap.territory,
            text=text,
            observed_on=observed_on,
            source=source,
            status=Signal.Status.TAKEN,
            author=user,
            triaged_by=user,
            triaged_at=_at(observed_on + datetime.timedelta(days=7)),
        )
        signal._history_date = _at(observed_on)
        with signal.one_history_record():
            save_by(signal, by=user)
            signal.actions.set([campaign])
        signals.append(signal)
    roadmap.refresh_from_db()
    roadmap.stakes = data["stakes"]
    roadmap.diagnostic += data["diagnostic"]
    roadmap.version += 1
    _save(roadmap, user, datetime.date(2023, 6, 15))
    axis = roadmap.axes.get(number=3)
    axis.title = data["axis"]
    _save(axis, user, datetime.date(2023, 6, 15))
    roadmap.facts.filter(label__startswith="Taux de chômage").update(
        value=Decimal("7.1"), year=2023
    )
    Indicator.objects.filter(action__axis__roadmap=roadmap, label__contains="micro-forums").update(
        target=600
    )
    versions.validate_roadmap(
        roadmap=roadmap,
        name="Révision par le comité de pilotage (06/2023)",
        validated_on=datetime.date(2023, 6, 15),
        validated_by="comité de pilotage",
        summary=data["summary"],
        signals=signals,
        by=user,
    )
    guide = Action.objects.get(axis__roadmap=roadmap, title="Le guide du référent")
    guide.record_progress(
        by=user,
        note="Guide diffusé aux référents des 38 communes.",
        date=datetime.date(2023, 9, 12),
        status=S.DONE,
    )


def _bergerac_changes(roadmap, user, today):
    actions = {action.title: action for action in Action.objects.filter(axis__roadmap=roadmap)}
    licence = actions["Licence professionnelle lean manufacturing"]
    licence.record_progress(
        by=user,
        note="Première promotion de la licence ouverte en septembre 2022 avec le CNAM.",
        date=datetime.date(2022, 9, 20),
        status=S.DONE,
        progress=100,
    )
    circular = actions["Accompagner la filière économie circulaire"]
    circular.record_progress(
        by=user,
        note="Premier atelier avec les entreprises du réemploi.",
        date=datetime.date(2023, 3, 2),
        status=S.IN_PROGRESS,
        progress=10,
    )


def load(stdout=None):
    today = timezone.localdate()
    plans = [
        ("grand-angouleme", ANGOULEME, "coordination.angouleme", datetime.date(2022, 2, 17)),
        ("grand-bergeracois", BERGERAC, "coordination.bergerac", datetime.date(2022, 3, 24)),
    ]
    for slug, data, username, validated_on in plans:
        territory = Territory.objects.filter(slug=slug).first()
        if territory is None or Roadmap.objects.filter(territory=territory).exists():
            continue
        user = User.objects.filter(username=username).first()
        roadmap = _build(territory, data, user, validated_on, today)
        name = (
            "Validation par les élus communautaires"
            if slug == "grand-angouleme"
            else "Comité de pilotage du CADET"
        )
        versions.validate_roadmap(
            roadmap=roadmap,
            name=f"{name} ({validated_on:%m/%Y})",
            validated_on=validated_on,
            validated_by=data["validated_by"],
            by=user,
        )
        if slug == "grand-angouleme":
            _angouleme_changes(roadmap, user, today)
            _angouleme_revision(roadmap, user)
            # Published for everyone, its budget kept internal; Bergerac's stays unpublished.
            publication.publish(roadmap=roadmap, budget_public=False, by=user)
        else:
            _bergerac_changes(roadmap, user, today)
        if stdout:
            count = Action.objects.filter(axis__roadmap=roadmap).count()
            stdout.write(f"  {territory.name} : feuille de route, {count} actions")
    load_signals(stdout, today)


# --- Signaux faibles ------------------------------------------------------------------------
# (days ago, author key, text, source, status, communes, NAF, filière, theme slugs, action words,
# reason); the item after a "group" lead is grouped into it. Facts only, nobody named.
SIGNALS = {
    "grand-angouleme": [
        (
            3,
            "referent",
            "Deux boulangeries cherchent un apprenti depuis la rentrée, sans aucune candidature.",
            Signal.Source.EXCHANGE,
            Signal.Status.NEW,
            ["Soyaux"],
            "10",
            "",
            ["trouver-un-emploi", "se-former"],
            "",
            "",
        ),
        (
            12,
            "coordinator",
            "Trois employeurs de la mécatronique cherchent des soudeurs qualifiés ; aucun "
            "candidat envoyé depuis deux mois.",
            Signal.Source.MEETING,
            Signal.Status.TO_EXAMINE,
            [],
            "C",
            "mécatronique",
            ["trouver-un-emploi"],
            "",
            "",
        ),
        (
            19,
            "referent",
            "Une chaudronnerie refuse des commandes faute de soudeurs.",
            Signal.Source.EXCHANGE,
            "group",
            ["Champniers"],
            "25",
            "mécatronique",
            [],
            "",
            "",
        ),
        (
            40,
            "coordinator",
            "Des jeunes suivis en entretien d'orientation renoncent à une formation faute de "
            "moyen de transport le matin.",
            Signal.Source.INTERVIEW,
            Signal.Status.TAKEN,
            ["La Couronne"],
            "",
            "",
            ["mobilite"],
            "jeunes",
            "",
        ),
        (
            60,
            "coordinator",
            "La presse annonce l'ouverture d'un entrepôt logistique en zone d'activités.",
            Signal.Source.PRESS,
            Signal.Status.FILED,
            [],
            "H",
            "",
            [],
            "",
            "Déjà suivi par le service de développement économique de l'agglomération.",
        ),
    ],
    "grand-bergeracois": [
        (
            5,
            "coordinator",
            "Les viticulteurs annoncent leurs besoins de saisonniers trois semaines plus tôt "
            "que d'habitude.",
            Signal.Source.PARTNER,
            Signal.Status.NEW,
            [],
            "01",
            "agriculture et viticulture",
            ["trouver-un-emploi"],
            "",
            "",
        ),
        (
            9,
            "coordinator",
            "Une usine annonce l'arrêt d'une ligne de production d'ici l'été.",
            Signal.Source.PRESS,
            Signal.Status.TO_EXAMINE,
            ["Bergerac"],
            "C",
            "industrie",
            [],
            "",
            "",
        ),
        (
            14,
            "coordinator",
            "Des salariés de cette usine se renseignent sur une reconversion auprès de la "
            "Mission locale et de France Travail.",
            Signal.Source.PARTNER,
            "group",
            ["Bergerac"],
            "C",
            "industrie",
            ["se-former"],
            "",
            "",
        ),
        (
            45,
            "coordinator",
            "Les entreprises du club demandent des profils formés à l'usinage de précision.",
            Signal.Source.EXCHANGE,
            Signal.Status.TAKEN,
            [],
            "28",
            "industrie",
            ["se-former"],
            "BTS",
            "",
        ),
        (
            70,
            "coordinator",
            "Un partenaire signale une baisse des inscriptions à ses ateliers numériques.",
            Signal.Source.PARTNER,
            Signal.Status.FILED,
            [],
            "",
            "",
            ["numerique"],
            "",
            "Baisse saisonnière, constatée chaque printemps.",
        ),
    ],
}
SIGNAL_AUTHORS = {
    "grand-angouleme": {"coordinator": "coordination.angouleme", "referent": "referent.angouleme"},
    "grand-bergeracois": {"coordinator": "coordination.bergerac"},
}


def load_signals(stdout, today):
    """A few signaux faibles per demo territory, one of each status and a group of two
    (idempotent: a territory that has them already is left alone)."""
    for slug, items in SIGNALS.items():
        territory = Territory.objects.filter(slug=slug).first()
        texts = [item[2] for item in items]
        if territory is None or territory.signals.filter(text__in=texts).exists():
            continue  # loaded already (the revision's signals of the roadmap demo are others)
        users = {
            key: User.objects.filter(username=username).first()
            for key, username in SIGNAL_AUTHORS[slug].items()
        }
        coordinator = users["coordinator"]
        roadmap = Roadmap.current_for(territory)
        lead = None
        for item in items:
            days, author, text, source, status, communes, naf, sector, themes, words, reason = item
            day = today - datetime.timedelta(days=days)
            signal = Signal(
                territory=territory,
                text=text,
                observed_on=day,
                source=source,
                naf_id=naf or None,
                sector=sector if sector in territory.sector_list else "",
                author=users.get(author, coordinator),
                status=Signal.Status.TO_EXAMINE if status == "group" else status,
                filed_reason=reason,
                grouped_into=lead if status == "group" else None,
            )
            if status not in (Signal.Status.NEW, "group"):
                signal.triaged_by = coordinator
                signal.triaged_at = _at(day + datetime.timedelta(days=2))
            signal._history_date = _at(day)
            action = None
            if words and roadmap is not None:
                action = (
                    Action.objects.filter(axis__roadmap=roadmap, title__icontains=words)
                    .order_by("pk")
                    .first()
                )
                if action is None:
                    signal.status = Signal.Status.TO_EXAMINE
            with signal.one_history_record():
                save_by(signal, by=signal.author)
                signal.communes.set(
                    Commune.objects.filter(name__in=communes, epci__territories=territory)
                )
                signal.themes.set(Theme.objects.categories().filter(slug__in=themes))
                if action is not None:
                    signal.actions.set([action])
            if status == Signal.Status.TO_EXAMINE:
                lead = signal
        if stdout:
            stdout.write(f"  {territory.name} : {len(items)} signaux faibles")


# Indicators the portal computes each month (roadmaps/metrics.py): (territory, action title,
# metric, target). Their values come from the other apps' demo data, hence a loader of its own,
# listed after every other one in DEMO_LOADERS.
COMPUTED = [
    ("grand-angouleme", "Un réseau de référents emploi-insertion", "couverture_referents", 100),
    ("grand-angouleme", "Réunions mensuelles du réseau", "rendez_vous_tenus", 1),
    ("grand-angouleme", "Réunions mensuelles du réseau", "presence_rendez_vous", 75),
    ("grand-angouleme", "Accompagner les entreprises dans leurs", "etablissements_rencontres", 10),
    ("grand-bergeracois", "Détection continue des projets", "besoins_detectes", 5),
    ("grand-bergeracois", "Détection continue des projets", "etablissements_rencontres", 8),
]
COMPUTED_MONTHS = 6


def load_computed_indicators(stdout=None):
    """Add the computed indicators to the demo roadmaps (once) and record their values for the
    last COMPUTED_MONTHS months, as the monthly `record_indicators` would have (running it again
    updates the same values)."""
    registry = metrics.registry()
    for slug, title, metric, target in COMPUTED:
        action = (
            Action.objects.filter(
                axis__roadmap__territory__slug=slug,
                axis__roadmap__is_current=True,
                title__startswith=title,
            )
            .order_by("pk")
            .first()
        )
        if action is None or metric not in registry:
            continue
        Indicator.objects.get_or_create(
            action=action,
            metric=metric,
            defaults={
                "label": str(registry[metric].label),
                "unit": registry[metric].unit,
                "baseline": 0,
                "target": target,
            },
        )
    month = metrics.Month.of(timezone.localdate())
    recorded = 0
    for _ in range(COMPUTED_MONTHS):
        month = month.previous()
        result = record_indicators.record_month(month=month)
        recorded += result.created + result.updated
    if stdout:
        stdout.write(f"  Indicateurs calculés : {recorded} valeurs mensuelles")
