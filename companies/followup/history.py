"""Who changed what and when in an establishment's follow-up (échanges, needs, rappels,
contacts), from django-simple-history's records: for its territory's coordination only (the
records hold the private notes). A deleted contact's records are deleted with it."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from companies.followup.services import record_changes
from companies.models import CompanyContact, Exchange, Need, Reminder

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


def followup_history(*, establishment, territory):
    """The history entries of the establishment's follow-up in `territory`, newest first
    (four queries, one per model, whatever the number of records)."""
    entries = []
    for model in (Exchange, Need, Reminder, CompanyContact):
        records = (
            model.history.filter(establishment_id=establishment.pk, territory_id=territory.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous = None
        for record in records:
            if previous is not None and previous.id != record.id:
                previous = None
            changes = record_changes(model, record, previous) if previous else []
            if record.history_type != "~" or changes:
                entries.append(
                    HistoryEntry(
                        record.history_date, record.history_user, _label(model, record), changes
                    )
                )
            previous = record
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries
