"""Who changed what and when in an establishment's follow-up (échanges, needs, rappels,
contacts), from django-simple-history's records: for its territory's coordination only (the
records hold the private notes). The people, partners and contacts of an échange and the
partners of a need are part of the records (portal/history.py): « Partenaires mobilisés :
+ France Travail, − Mission locale ». A deleted contact's records are deleted with it, and its
place in the échanges' records too (services.delete_contact)."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from companies.models import (
    EXCHANGE_HISTORY_M2M,
    M2M_BASELINE_REASON,
    NEED_HISTORY_M2M,
    CompanyContact,
    Exchange,
    Need,
    Reminder,
)
from partners.models import Partner
from portal.history import field_changes, load_relations, relation_changes
from portal.models import User

HIDDEN_FIELDS = {"version", "id", "establishment", "territory"}
HISTORY_M2M = {Exchange: EXCHANGE_HISTORY_M2M, Need: NEED_HISTORY_M2M}

LABELS = {
    Exchange: {
        "+": gettext_lazy("création de l'échange du %(date)s"),
        "~": gettext_lazy("modification de l'échange du %(date)s"),
        "-": gettext_lazy("suppression de l'échange du %(date)s"),
    },
    Need: {
        "+": gettext_lazy("création du besoin « %(title)s »"),
        "~": gettext_lazy("modification du besoin « %(title)s »"),
        "-": gettext_lazy("suppression du besoin « %(title)s »"),
    },
    Reminder: {
        "+": gettext_lazy("création du rappel « %(text)s »"),
        "~": gettext_lazy("modification du rappel « %(text)s »"),
        "-": gettext_lazy("suppression du rappel « %(text)s »"),
    },
    CompanyContact: {
        "+": gettext_lazy("ajout du contact %(name)s"),
        "~": gettext_lazy("modification du contact %(name)s"),
        "-": gettext_lazy("suppression du contact %(name)s"),
    },
}

# What a relation's target is called once it is deleted (its name is gone).
DELETED = {
    "people": gettext_lazy("personne supprimée (n° %(id)s)"),
    "partners": gettext_lazy("partenaire supprimé (n° %(id)s)"),
    "contacts": gettext_lazy("contact supprimé (n° %(id)s)"),
}


@dataclass
class HistoryEntry:
    date: datetime.datetime
    user: object
    label: str
    changes: list = field(default_factory=list)


def _label(model, record):
    values = {
        "date": record.date.strftime("%d/%m/%Y") if getattr(record, "date", None) else "",
        "title": getattr(record, "title", ""),
        "text": getattr(record, "text", ""),
        "name": f"{getattr(record, 'first_name', '')} {getattr(record, 'last_name', '')}".strip(),
    }
    return str(LABELS[model][record.history_type]) % values


def _relation_names(targets):
    """{(field, id): name} of the people, partners and contacts in `targets` ({field: ids},
    merged over the models): three queries."""
    names = {}
    ids = {name: set().union(*(t.get(name, set()) for t in targets)) for name in DELETED}
    for user in User.objects.filter(pk__in=ids["people"]).only(
        "username", "first_name", "last_name"
    ):
        names[("people", user.pk)] = user.get_full_name() or user.username
    for pk, name in Partner.objects.filter(pk__in=ids["partners"]).values_list("pk", "name"):
        names[("partners", pk)] = name
    for contact in CompanyContact.objects.filter(pk__in=ids["contacts"]).only(
        "first_name", "last_name"
    ):
        names[("contacts", contact.pk)] = str(contact)
    return names


def _namer(names):
    def name_of(name, pk):
        if (name, pk) in names:
            return names[(name, pk)]
        return str(DELETED[name]) % {"id": pk}

    return name_of


def _relations(model, records, **filters):
    """(relations, targets) of `records` (portal.history.load_relations), (None, {}) for a
    model without many-to-many fields in its history."""
    if model not in HISTORY_M2M:
        return None, {}
    return load_relations(
        model, HISTORY_M2M[model], records, baseline_reason=M2M_BASELINE_REASON, **filters
    )


def record_changes(model, new, old, *, relations=None, names=None):
    """The changes between two historical records of one object: its fields, and with
    `relations` (portal.history.load_relations) and `names` its many-to-many fields."""
    if old is None:
        return []
    m2m = HISTORY_M2M.get(model, [])
    changes = field_changes(model, new, old, excluded=HIDDEN_FIELDS | set(m2m))
    if relations is not None and m2m:
        changes += relation_changes(model, m2m, new, old, relations, _namer(names or {}))
    return changes


def changes_since(obj, version):
    """(changes, authors) made to `obj` after the state of `version`, its relations included
    (for a concurrent edit)."""
    model = type(obj)
    records = list(obj.history.filter(version__gte=version).order_by("history_date", "history_id"))
    base = next((record for record in reversed(records) if record.version == version), None)
    if base is None or records[-1] is base:
        return [], frozenset()
    authors = frozenset(record.history_user_id for record in records if record.version > version)
    latest = records[-1]
    relations, targets = _relations(
        model, records, history_id__in=[base.history_id, latest.history_id]
    )
    names = _relation_names([targets]) if relations is not None else None
    return record_changes(model, latest, base, relations=relations, names=names), authors


def followup_history(*, establishment, territory):
    """The history entries of the establishment's follow-up in `territory`, newest first.

    Sixteen queries whatever the number of records: the records of each of the four models,
    the rows of the four many-to-many fields, the names of people, partners and contacts.
    """
    scope = {"establishment_id": establishment.pk, "territory_id": territory.pk}
    loaded = []
    for model in (Exchange, Need, Reminder, CompanyContact):
        records = list(
            model.history.filter(**scope)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        relations, targets = _relations(
            model, records, **{f"history__{key}": value for key, value in scope.items()}
        )
        loaded.append((model, records, relations, targets))
    names = _relation_names([targets for *_, targets in loaded])
    entries = []
    for model, records, relations, _targets in loaded:
        previous = None
        for record in records:
            if previous is not None and previous.id != record.id:
                previous = None
            changes = []
            if record.history_type == "~":
                changes = record_changes(model, record, previous, relations=relations, names=names)
            if record.history_type != "~" or changes:
                entries.append(
                    HistoryEntry(
                        record.history_date, record.history_user, _label(model, record), changes
                    )
                )
            previous = record
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries
