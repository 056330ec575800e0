"""Demo data of the référent network. Idempotent: référents are keyed by commune and name, and a
territory's meetings and counts are only created while it has none.

Names are fictional, emails at example.org, phones in the 01 99 00 range that ARCEP reserves for
fiction."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from partners.models import Partner, Theme
from partners.phones import to_e164
from portal.models import Territory, User
from referents import renewals
from referents.models import (
    CommuneRenewal,
    Meeting,
    OrientationCount,
    Referent,
    Registration,
    RenewalCampaign,
)
from referents.services import install_default_outline

FIRST_NAMES = [
    "Amandine",
    "Bruno",
    "Céline",
    "Didier",
    "Élodie",
    "Fabrice",
    "Gaëlle",
    "Hervé",
    "Inès",
    "Jérôme",
    "Karine",
    "Laurent",
    "Maëlle",
    "Nicolas",
    "Odile",
    "Patrice",
    "Rachida",
    "Sylvain",
    "Typhaine",
    "Vincent",
    "Yasmine",
    "Loïc",
    "Murielle",
    "Thierry",
]
LAST_NAMES = [
    "Aubrac",
    "Bellac",
    "Chabanais",
    "Dirac",
    "Étagnac",
    "Fléac",
    "Garat",
    "Hiersac",
    "Jarnac",
    "Linars",
    "Mornac",
    "Nersac",
    "Puymoyen",
    "Roullet",
    "Sireuil",
    "Touvre",
    "Vindelle",
    "Voeuil",
]
# The first names above (and the demo accounts') that are women's: titles agree with them.
WOMEN = {
    "Amandine",
    "Céline",
    "Élodie",
    "Gaëlle",
    "Inès",
    "Karine",
    "Maëlle",
    "Odile",
    "Rachida",
    "Typhaine",
    "Yasmine",
    "Murielle",
    "Nadia",
    "Sophie",
    "Camille",
}
# Functions as (for a man, for a woman).
ELECTED_FUNCTIONS = [
    ("adjoint aux affaires sociales", "adjointe aux affaires sociales"),
    ("conseiller municipal délégué à l'emploi", "conseillère municipale déléguée à l'emploi"),
    ("maire", "maire"),
    ("adjoint à la solidarité", "adjointe à la solidarité"),
    ("conseiller municipal délégué à l'insertion", "conseillère municipale déléguée à l'insertion"),
]
STAFF_FUNCTIONS = [
    ("secrétaire de mairie", "secrétaire de mairie"),
    ("agent d'accueil du CCAS", "agente d'accueil du CCAS"),
    ("directeur général des services", "directrice générale des services"),
    ("chargé de l'action sociale", "chargée de l'action sociale"),
]
COMMUNE_REFERENT = ("référent emploi de la commune", "référente emploi de la commune")
FUNCTIONS = [*ELECTED_FUNCTIONS, *STAFF_FUNCTIONS, COMMUNE_REFERENT]


def agree(function, first_name):
    """`function` (either form of one of FUNCTIONS) in the form that fits `first_name`."""
    pair = next((pair for pair in FUNCTIONS if function in pair), None)
    return pair[first_name in WOMEN] if pair else function


HOST_CATEGORIES = [
    "france-travail",
    "mission-locale",
    "cap-emploi-reseau-cheops",
    "plie",
    "ccas-cias",
    "france-service",
    "maisons-de-l-emploi",
    "aci",
]
MINUTES = (
    "Tour de table des communes : {n} référents présents.\n"
    "Présentation de l'offre de service de {host} par son équipe, questions des référents.\n"
    "Points d'actualité : offres d'emploi saisonnières, prochain micro-forum, mobilité.\n"
    "Relevé de décisions : la coordination diffuse la plaquette mise à jour aux mairies."
)
DEMO_MUNICIPAL_START = date(2020, 7, 1)


def _phone(index):
    return f"01 99 00 {index // 100 % 100:02d} {index % 100:02d}"


def _referents(territory, share_pairs, share_none, rng, start_index):
    """Référents in most communes of `territory`: a pair in some, none in a few."""
    created = 0
    communes = list(territory.communes.order_by("insee_code"))
    for index, commune in enumerate(communes):
        draw = rng.random()
        if draw < share_none:
            continue
        count = 2 if draw > 1 - share_pairs else 1
        if commune.referents.exists():
            continue
        for slot in range(count):
            number = start_index + index * 2 + slot
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = LAST_NAMES[(number * 7) % len(LAST_NAMES)]
            role = Referent.Role.ELECTED if slot == 0 else Referent.Role.TECHNICIAN
            functions = ELECTED_FUNCTIONS if role == Referent.Role.ELECTED else STAFF_FUNCTIONS
            _referent, was_created = Referent.objects.get_or_create(
                commune=commune,
                first_name=first,
                last_name=last,
                defaults={
                    "role": role,
                    "function": agree(functions[number % len(functions)][0], first),
                    "email": f"{first}.{last}".lower().translate(str.maketrans("éèëçï", "eeeci"))
                    + "@example.org",
                    "phone": _phone(number),
                    "mandate_start": DEMO_MUNICIPAL_START,
                },
            )
            created += was_created
    return created


def _hosts(territory):
    hosts = []
    for slug in HOST_CATEGORIES:
        partner = (
            Partner.objects.filter(category__slug=slug)
            .filter(territory=territory)
            .order_by("pk")
            .first()
        ) or Partner.objects.filter(category__slug=slug, zone_territories=territory).first()
        if partner:
            hosts.append(partner)
    return hosts


def _at(day, hour=14):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _meetings(territory, rng, months_back, months_ahead):
    if Meeting.objects.filter(territory=territory).exists():
        return 0
    hosts = _hosts(territory)
    referents = list(Referent.objects.for_network(territory))
    today = timezone.localdate()
    now = timezone.now()
    created = 0
    for offset in range(-months_back, months_ahead + 1):
        month_index = today.month - 1 + offset
        first = date(today.year + month_index // 12, month_index % 12 + 1, 1)
        # Second Tuesday of the month.
        day = first + timedelta(days=(1 - first.weekday()) % 7 + 7)
        if (day.month, day.day) == (7, 14):  # Fête nationale: Thursday instead.
            day += timedelta(days=2)
        host = hosts[(offset + months_back) % len(hosts)] if hosts else None
        starts_at = _at(day)
        meeting = Meeting.objects.create(
            territory=territory,
            kind=Meeting.Kind.MONTHLY,
            title=f"Réunion du réseau · {day:%m/%Y}" + (f" chez {host.name}" if host else ""),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            host=host,
            place="" if host else "Salle du conseil de l'hôtel communautaire",
            access="Parking visiteurs ; arrêt de bus à 5 minutes à pied.",
            agenda=(
                "1. Accueil et tour de table des communes\n"
                f"2. Présentation de {host.name if host else 'un partenaire'}\n"
                "3. Situations rencontrées en premier entretien\n"
                "4. Actions de la feuille de route à discuter\n"
                "5. Agenda du territoire"
            ),
        )
        meeting.invited.set(referents)
        if starts_at < now and referents:
            present = rng.sample(referents, k=max(1, int(len(referents) * rng.uniform(0.45, 0.8))))
            meeting.present.set(present)
            meeting.minutes = MINUTES.format(
                n=len(present), host=host.name if host else "un partenaire"
            )
            meeting.save(update_fields=["minutes"])
        created += 1
    forum_day = today - timedelta(days=75)
    forum = Meeting.objects.create(
        territory=territory,
        kind=Meeting.Kind.MICRO_FORUM,
        title="Micro-forum pour l'emploi des communes rurales",
        starts_at=_at(forum_day, 9),
        ends_at=_at(forum_day, 13),
        host=hosts[0] if hosts else None,
        place="" if hosts else "Salle des fêtes",
        agenda="Rencontres avec une dizaine d'employeurs qui recrutent près de chez vous : "
        "industrie, aide à domicile, logistique, commerce. Venir avec son CV.",
        minutes="Une centaine de visiteurs, douze employeurs, une trentaine d'entretiens "
        "programmés. Les référents ont relayé l'invitation dans leurs mairies.",
    )
    forum.present.set(referents[: max(1, len(referents) // 3)])
    return created + 1


def _counts(territory, rng, number):
    if OrientationCount.objects.filter(territory=territory).exists():
        return 0
    communes = list(territory.communes.filter(referents__isnull=False).distinct()[:15])
    themes = list(
        Theme.objects.filter(
            slug__in=[
                "mobilite",
                "numerique",
                "se-former",
                "trouver-un-emploi",
                "famille",
                "logement-hebergement",
                "preparer-sa-candidature",
                "sante",
            ]
        )
    )
    if not communes:
        return 0
    # The themes some partner of the territory's network works on, per commune: the others
    # are counted as unmet needs, as the orientation helper does.
    served = {
        commune.pk: set(
            Partner.objects.serving(commune)
            .in_network_of(territory.pk)
            .values_list("themes", flat=True)
        )
        for commune in communes
    }
    today = timezone.localdate()
    for _index in range(number):
        commune = rng.choice(communes)
        count = OrientationCount.objects.create(
            territory=territory,
            commune=commune,
            date=today - timedelta(days=rng.randint(0, 300)),
        )
        needs = rng.sample(themes, k=min(len(themes), rng.randint(1, 3)))
        count.needs.set(needs)
        count.unmet_needs.set([need for need in needs if need.pk not in served[commune.pk]])
    return number


def _public_events(territory, *, registrations):
    """Two upcoming events open to the public: a micro-forum and a job dating taking
    registrations (some made, when `registrations`). People stay fictional."""
    if Meeting.objects.filter(territory=territory, is_public=True).exists():
        return 0
    hosts = _hosts(territory)
    today = timezone.localdate()
    forum_day = today + timedelta(days=(3 - today.weekday()) % 7 + 14)  # a Thursday
    commune = territory.communes.order_by("-population").first()
    Meeting.objects.create(
        territory=territory,
        kind=Meeting.Kind.MICRO_FORUM,
        title=f"Micro-forum de l'emploi · {commune.name if commune else territory.name}",
        starts_at=_at(forum_day, 9),
        ends_at=_at(forum_day, 12),
        host=hosts[0] if hosts else None,
        place="" if hosts else "Salle des fêtes",
        commune=None if hosts else commune,
        agenda="Préparation : liste des employeurs, tables, café.",
        is_public=True,
        audience=Meeting.Audience.JOB_SEEKERS,
        public_description=(
            "Une dizaine d'employeurs qui recrutent près de chez vous : industrie, aide à "
            "domicile, logistique, commerce. Entrée libre, venez avec votre CV."
        ),
    )
    dating_day = forum_day + timedelta(days=14)
    dating = Meeting.objects.create(
        territory=territory,
        kind=Meeting.Kind.JOB_DATING,
        title="Job dating de l'industrie",
        starts_at=_at(dating_day, 14),
        ends_at=_at(dating_day, 17),
        place="Pépinière d'entreprises, salle 2",
        commune=commune,
        access="Arrêt de bus « Pépinière », parking gratuit.",
        agenda="Point avec les entreprises la veille.",
        is_public=True,
        audience=Meeting.Audience.YOUNG,
        public_description=(
            "Dix minutes pour convaincre : des entreprises de la mécanique et de la "
            "plasturgie rencontrent des jeunes, avec ou sans diplôme. Sur inscription."
        ),
        registration_wanted=True,
        capacity=20,
        waiting_list=True,
    )
    if registrations:
        now = timezone.now()
        for index, (first, last) in enumerate(
            [("Inès", "Garnier"), ("Yanis", "Roux"), ("Léa", "Faure")]
        ):
            Registration.objects.create(
                meeting=dating,
                name=f"{first} {last}",
                email=f"{first.lower().replace('è', 'e')}.{last.lower()}@example.org",
                phone=to_e164(_phone(900 + index)) if index == 2 else "",
                consented_at=now,
                token=Registration.new_token(),
            )
    return 2


RENEWAL_TITLE = "Suite aux élections municipales de mars 2026"
MUNICIPAL_ELECTIONS_2026 = date(2026, 3, 15)


def _renewal_answers(communes):
    """The answers of `communes` (with référents, none the demo account's): the first confirms,
    the second replaces its first référent, the third removes its last one."""
    answers = []
    for index, commune in enumerate(communes[:3]):
        referents = list(commune.referents.active().order_by("pk"))
        choices = [(referent, "confirmer", {}) for referent in referents]
        decision = date(2026, 4, 3 + 7 * index)
        if index == 1:
            first = FIRST_NAMES[(index * 13 + 5) % len(FIRST_NAMES)]
            last = LAST_NAMES[(index * 5 + 2) % len(LAST_NAMES)]
            choices[0] = (
                referents[0],
                "remplacer",
                {
                    "first_name": first,
                    "last_name": last,
                    "role": Referent.Role.ELECTED,
                    "function": agree(ELECTED_FUNCTIONS[1][0], first),
                    "email": f"{first}.{last}@example.org".lower().translate(
                        str.maketrans("éèëçï", "eeeci")
                    ),
                },
            )
        elif index == 2:
            choices[-1] = (referents[-1], "retirer", {})
        answers.append((commune, decision, choices))
    return answers


def _renewal_campaign(territory):
    """A renewal campaign after the municipal elections of March 2026, three weeks old: most
    mairies have an address and were sent their link, some were reminded, three answered
    (confirmed, replaced, removed), the others have not. Only while the territory has none."""
    if RenewalCampaign.objects.filter(territory=territory).exists():
        return 0
    campaign = renewals.start_campaign(
        territory=territory,
        title=RENEWAL_TITLE,
        elections_date=MUNICIPAL_ELECTIONS_2026,
        by=User.objects.filter(username="coordination.angouleme").first(),
    )
    now = timezone.now()
    RenewalCampaign.objects.filter(pk=campaign.pk).update(started_at=now - timedelta(days=21))
    rows = list(campaign.communes.select_related("commune").order_by("commune__insee_code"))
    for index, row in enumerate(rows):
        if index % 5 == 4:
            continue  # no address: a letter to print
        row.mairie_email = f"mairie@{row.commune.slug}.example.org"
        row.sent_at = now - timedelta(days=20)
        if index % 3 == 1:
            row.reminder_count = 1 + index % 2
            row.reminded_at = now - timedelta(days=6)
    CommuneRenewal.objects.bulk_update(
        rows, ["mairie_email", "sent_at", "reminder_count", "reminded_at"]
    )
    with_referents = [
        row.commune
        for row in rows
        if row.commune.referents.active().exists()
        and not row.commune.referents.filter(user__isnull=False).exists()
    ]
    for days_ago, (commune, decision, choices) in zip(
        (15, 9, 2), _renewal_answers(with_referents), strict=False
    ):
        row = next(row for row in rows if row.commune == commune)
        renewals.answer(row=row, decision_date=decision, choices=choices, added=[])
        CommuneRenewal.objects.filter(pk=row.pk).update(answered_at=now - timedelta(days=days_ago))
    return len(rows)


def load(stdout=None):
    rng = random.Random(2026)
    territories = {
        t.slug: t
        for t in Territory.objects.filter(slug__in=["grand-angouleme", "grand-bergeracois"])
    }
    angouleme = territories.get("grand-angouleme")
    bergerac = territories.get("grand-bergeracois")
    report = []
    if angouleme:
        report.append(f"{_referents(angouleme, 0.35, 0.12, rng, 0)} référents (Grand Angoulême)")
        user = User.objects.filter(username="referent.angouleme").first()
        first = Referent.objects.of_territory(angouleme).filter(user__isnull=True).order_by("pk")
        if user and not Referent.objects.filter(user=user).exists() and first.exists():
            referent = first.first()
            referent.user = user
            referent.first_name, referent.last_name = user.first_name, user.last_name
            referent.email = user.email
            referent.function = agree(referent.function, user.first_name)
            referent.save(update_fields=["user", "first_name", "last_name", "email", "function"])
        report.append(f"{_meetings(angouleme, rng, 9, 2)} rendez-vous (Grand Angoulême)")
        report.append(f"{_counts(angouleme, rng, 60)} entretiens comptés (Grand Angoulême)")
        created = _public_events(angouleme, registrations=True)
        report.append(f"{created} événements publics (Grand Angoulême)")
        created = _renewal_campaign(angouleme)
        report.append(f"{created} communes dans la campagne de renouvellement (Grand Angoulême)")
    if bergerac:
        communes = list(bergerac.communes.order_by("-population")[:6])
        created = 0
        for index, commune in enumerate(communes):
            number = 500 + index
            first = FIRST_NAMES[(index * 5) % len(FIRST_NAMES)]
            _referent, was_created = Referent.objects.get_or_create(
                commune=commune,
                first_name=first,
                last_name=LAST_NAMES[(index * 11 + 3) % len(LAST_NAMES)],
                defaults={
                    "role": Referent.Role.ELECTED if index % 2 else Referent.Role.TECHNICIAN,
                    "function": agree(COMMUNE_REFERENT[0], first),
                    "email": f"referent.{commune.insee_code}@example.org",
                    "phone": _phone(number),
                    "mandate_start": DEMO_MUNICIPAL_START,
                },
            )
            created += was_created
        report.append(f"{created} référents (Grand Bergeracois)")
        report.append(f"{_meetings(bergerac, rng, 2, 1)} rendez-vous (Grand Bergeracois)")
        created = _public_events(bergerac, registrations=False)
        report.append(f"{created} événements publics (Grand Bergeracois)")
    for territory in territories.values():
        install_default_outline(territory=territory)
    if stdout:
        for line in report:
            stdout.write(f"  {line}")
