"""The follow-up part of the demo: a few échanges, needs and projects in each status, rappels
(one overdue) and contacts, on the demo establishments of each territory (companies.demo, run
before). Idempotent: records are keyed by establishment, territory and their text. People and
notes are fictional.
"""

import datetime

from django.utils import timezone

from companies.models import (
    CompanyContact,
    Establishment,
    Exchange,
    Need,
    NeedNote,
    Reminder,
    save_by,
)
from partners.models import Partner
from portal.models import Membership, Territory

# (kind of échange, days ago, summary, private note, need or None, rappel or None, contact)
# need: (kind, status, title, job, positions, contract, partner category)
# rappel: (days from today, text)
STORIES = [
    (
        Exchange.Kind.VISIT,
        40,
        "Visite de l'atelier avec la direction : carnet de commandes plein, deux postes "
        "d'usineur non pourvus depuis six mois.",
        "Le dirigeant envisage de céder l'entreprise d'ici trois ans (à ne pas ébruiter).",
        (
            Need.Kind.RECRUITMENT,
            Need.Status.IN_PROGRESS,
            "Deux usineurs sur commande numérique",
            "Usineur / usineuse",
            2,
            Need.Contract.CDI,
            "france-travail",
        ),
        (-5, "Rappeler la responsable RH : candidats reçus ?"),
        ("Claire", "Demo-Roussel", "Responsable des ressources humaines"),
    ),
    (
        Exchange.Kind.CALL,
        25,
        "Appel : besoin de former trois opérateurs à la maintenance de premier niveau.",
        "",
        (
            Need.Kind.TRAINING,
            Need.Status.QUALIFIED,
            "Former trois opérateurs à la maintenance",
            "",
            None,
            "",
            "",
        ),
        (10, "Envoyer le programme de formation de l'OPCO"),
        ("Marc", "Demo-Bertin", "Directeur de site"),
    ),
    (
        Exchange.Kind.MEETING,
        60,
        "Réunion au club d'entreprises : projet d'extension du bâtiment.",
        "",
        (
            Need.Kind.PREMISES,
            Need.Status.REFERRED,
            "Extension : 800 m² d'atelier",
            "",
            None,
            "",
            "",
        ),
        None,
        None,
    ),
    (
        Exchange.Kind.EVENT,
        90,
        "Rencontrée au forum de l'emploi : création d'un second établissement envisagée.",
        "",
        (
            Need.Kind.CREATION,
            Need.Status.DETECTED,
            "Second établissement sur le territoire",
            "",
            None,
            "",
            "",
        ),
        None,
        None,
    ),
    (
        Exchange.Kind.EMAIL,
        120,
        "Courriel : les deux apprentis recrutés ont signé.",
        "",
        (
            Need.Kind.RECRUITMENT,
            Need.Status.ACHIEVED,
            "Deux apprentis en chaudronnerie",
            "Chaudronnier / chaudronnière",
            2,
            Need.Contract.APPRENTICESHIP,
            "france-travail",
        ),
        None,
        None,
    ),
    (
        Exchange.Kind.VISIT,
        150,
        "Visite : le projet de reprise n'aboutira pas cette année.",
        "Difficultés de trésorerie évoquées par le gérant.",
        (
            Need.Kind.TRANSFER,
            Need.Status.DROPPED,
            "Reprise d'un sous-traitant",
            "",
            None,
            "",
            "",
        ),
        None,
        None,
    ),
]


def load(stdout=None):
    today = timezone.localdate()
    created = 0
    for territory in Territory.objects.order_by("name"):
        coordinator = (
            Membership.objects.filter(territory=territory, role=Membership.Role.COORDINATOR)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if coordinator is None:
            continue
        user = coordinator.user
        establishments = list(
            Establishment.objects.in_territory(territory)
            .filter(is_active=True)
            .order_by("siret")[: len(STORIES)]
        )
        for establishment, story in zip(establishments, STORIES, strict=False):
            created += _story(territory, user, establishment, story, today)
    if stdout:
        stdout.write(f"  suivi des entreprises : {created} enregistrements créés")


def _story(territory, user, establishment, story, today):
    kind, days_ago, summary, private_note, need_data, reminder_data, contact_data = story
    created = 0
    keys = {"establishment": establishment, "territory": territory}
    exchange = Exchange.objects.filter(summary=summary, **keys).first()
    if exchange is None:
        exchange = Exchange(
            kind=kind,
            summary=summary,
            private_note=private_note,
            date=today - datetime.timedelta(days=days_ago),
            created_by=user,
            **keys,
        )
        with exchange.one_history_record():  # created with its people: one record
            save_by(exchange, by=user)
            exchange.people.add(user)
        created += 1
    if (
        contact_data
        and not CompanyContact.objects.filter(last_name=contact_data[1], **keys).exists()
    ):
        first_name, last_name, role = contact_data
        contact = CompanyContact(
            first_name=first_name,
            last_name=last_name,
            role=role,
            email=f"{first_name.lower()}@entreprise.example.org",
            phone="05 00 00 00 00",
            **keys,
        )
        save_by(contact, by=user)
        exchange.contacts.add(contact)
        created += 1
    if need_data:
        need_kind, status, title, job, positions, contract, category = need_data
        if not Need.objects.filter(title=title, **keys).exists():
            need = Need(
                kind=need_kind,
                status=status,
                title=title,
                job=job,
                positions=positions,
                contract=contract,
                exchange=exchange,
                created_by=user,
                created_at=timezone.now() - datetime.timedelta(days=days_ago),
                **keys,
            )
            with need.one_history_record():  # created with its partners: one record
                save_by(need, by=user)
                if category:
                    need.partners.set(
                        Partner.objects.in_network_of(territory.pk).filter(category__slug=category)[
                            :1
                        ]
                    )
            NeedNote.objects.create(
                need=need, date=exchange.date, text="Besoin noté lors de l'échange.", author=user
            )
            created += 2
    if reminder_data:
        days, text = reminder_data
        if not Reminder.objects.filter(text=text, **keys).exists():
            reminder = Reminder(
                text=text,
                person=user,
                date=today + datetime.timedelta(days=days),
                created_by=user,
                **keys,
            )
            save_by(reminder, by=user)
            created += 1
    return created
