"""Who changed what and when on an action and its steps, or on a signal faible, from
django-simple-history's records."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Partner, Public
from portal.history import field_changes, load_relations, relation_changes
from portal.models import Commune, User
from roadmaps.models import (
    ACTION_HISTORY_M2M,
    M2M_BASELINE_REASON,
    SIGNAL_HISTORY_M2M,
    Action,
    Axis,
    Signal,
    Step,
)

HIDDEN_FIELDS = {"version"}
# Many-to-many fields are diffed here from rows loaded at once, not by diff_against (queries).
DIFF_EXCLUDED = HIDDEN_FIELDS | set(ACTION_HISTORY_M2M) | set(SIGNAL_HISTORY_M2M)
FEMININE_RELATIONS = {"communes", "themes", "actions"}
HISTORY_M2M = {Action: ACTION_HISTORY_M2M, Signal: SIGNAL_HISTORY_M2M}


@dataclass
class HistoryEntry:
    date: datetime.datetime
    user: object
    kind: str
    subject: str
    changes: list = field(default_factory=list)
    label: str = ""  # the sentence shown, e.g. « création d'une étape : « … » »

    @property
    def field_changes(self):
        return [change for change in self.changes if not change.is_relation]

    @property
    def relation_changes(self):
        return [change for change in self.changes if change.is_relation]


def _relation_label(field_name, pk, labels):
    if (field_name, pk) in labels:
        return labels[(field_name, pk)]
    deleted = {
        "partners": _("partenaire supprimé (n° %(id)s)"),
        "publics": _("public supprimé (n° %(id)s)"),
        "communes": _("commune supprimée (n° %(id)s)"),
        "themes": _("thématique supprimée (n° %(id)s)"),
        "actions": _("action supprimée (n° %(id)s)"),
    }
    return deleted[field_name] % {"id": pk}


def _changes(model, new, old, labels, relations=None):
    if old is None:
        return []
    changes = field_changes(model, new, old, excluded=DIFF_EXCLUDED, labels=labels)
    if relations is not None:
        changes += relation_changes(
            model,
            HISTORY_M2M[model],
            new,
            old,
            relations,
            lambda name, pk: _relation_label(name, pk, labels),
            feminine=FEMININE_RELATIONS,
        )
    return changes


# What an entry says, per kind of change and model: whole sentences, so that French keeps its
# articles and elisions (« création d'une étape », « modification de l'action »), never a kind
# glued to a subject (« création de étape »).
HISTORY_LABELS = {
    "action": {
        "+": gettext_lazy("création de l'action"),
        "~": gettext_lazy("modification de l'action"),
        "-": gettext_lazy("suppression de l'action"),
    },
    "step": {
        "+": gettext_lazy("création d'une étape : « %(title)s »"),
        "~": gettext_lazy("modification de l'étape « %(title)s »"),
        "-": gettext_lazy("suppression de l'étape « %(title)s »"),
    },
    "signal": {
        "+": gettext_lazy("signal enregistré"),
        "~": gettext_lazy("modification du signal"),
        "-": gettext_lazy("suppression du signal"),
    },
}


def _history_label(model, record):
    return str(HISTORY_LABELS[model._meta.model_name][record.history_type]) % {
        "title": getattr(record, "title", "")
    }


def _entries(model, records, subject, labels, relations=None):
    """History entries of one object, newest first, from its historical records (any order)."""
    records = sorted(records, key=lambda record: (record.history_date, record.history_id))
    entries = []
    previous = None
    for record in records:
        kind = {"+": _("création"), "~": _("modification"), "-": _("suppression")}[
            record.history_type
        ]
        changes = _changes(model, record, previous, labels, relations)
        if record.history_type != "~" or changes:
            entries.append(
                HistoryEntry(
                    record.history_date,
                    record.history_user,
                    kind,
                    subject(record),
                    changes,
                    label=_history_label(model, record),
                )
            )
        previous = record
    return entries


def _action_relations(records, model=Action, **filters):
    """{history_id: {field: set of ids}} of an action's records, and the ids to name.

    One query per many-to-many field. Records older than the baseline record written when the
    relations started to be recorded are left out: their relations are unknown, not empty.
    """
    return load_relations(
        model, HISTORY_M2M[model], records, baseline_reason=M2M_BASELINE_REASON, **filters
    )


def _relation_labels(targets, pilot_partner_ids=()):
    """Names of the partners (contributors and pilots), publics and communes (3 queries)."""
    partner_ids = set(pilot_partner_ids) | targets.get("partners", set())
    partners = dict(Partner.objects.filter(pk__in=partner_ids).values_list("pk", "name"))
    labels = {("pilot_partner", pk): name for pk, name in partners.items()}
    labels |= {("partners", pk): name for pk, name in partners.items()}
    for name, model, attribute in (("publics", Public, "label"), ("communes", Commune, "name")):
        rows = model.objects.filter(pk__in=targets.get(name, set())).values_list("pk", attribute)
        labels |= {(name, pk): label for pk, label in rows}
    return labels


def action_history(action):
    """Who changed what and when on an action and its steps, newest first (10 queries).

    Records, step records, the three many-to-many fields' rows, then the names of axes, users,
    partners, publics and communes, whatever the number of records.
    """
    records = list(action.history.select_related("history_user"))
    step_records = list(Step.history.filter(action_id=action.pk).select_related("history_user"))
    relations, targets = _action_relations(records, action_id=action.pk)
    axis_ids = {record.axis_id for record in records}
    user_ids = {record.coordinator_id for record in records} - {None}
    labels = {("axis", axis.pk): str(axis) for axis in Axis.objects.filter(pk__in=axis_ids)}
    labels |= {("coordinator", user.pk): str(user) for user in User.objects.filter(pk__in=user_ids)}
    labels |= _relation_labels(targets, {record.pilot_partner_id for record in records} - {None})
    entries = _entries(Action, records, lambda record: _("l'action"), labels, relations)
    by_step = {}
    for record in step_records:
        by_step.setdefault(record.id, []).append(record)
    for step_records_of_one in by_step.values():
        entries += _entries(
            Step, step_records_of_one, lambda record: _("étape « %s »") % record.title, {}
        )
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries


def changes_since(action, version):
    """What was changed on `action` after the state of `version` (for a concurrent edit)."""
    records = list(action.history.filter(version__gte=version).select_related("history_user"))
    records.sort(key=lambda record: (record.history_date, record.history_id))
    # the last record of that version: it holds the relations as they were saved with it
    base = next((record for record in reversed(records) if record.version == version), None)
    if base is None or records[-1] is base:
        return []
    latest = records[-1]
    labels = {
        ("axis", axis.pk): str(axis)
        for axis in Axis.objects.filter(pk__in={base.axis_id, latest.axis_id})
    }
    relations, targets = _action_relations(
        records, history_id__in=[base.history_id, latest.history_id]
    )
    labels |= _relation_labels(targets)
    changes = _changes(Action, latest, base, labels, relations)
    for change in changes:
        change.user = latest.history_user
        change.date = latest.history_date
    return changes


def signal_history(signal):
    """Who recorded, changed, triaged and grouped a signal, and when, newest first (a constant
    number of queries: records, the four many-to-many fields' rows, then the names of users,
    partners, communes, themes, actions, establishments, NAF items and signals)."""
    from companies.models import Establishment, NafCode
    from partners.models import Theme

    records = list(signal.history.select_related("history_user"))
    relations, targets = _action_relations(records, model=Signal, signal_id=signal.pk)
    user_ids = {r.author_id for r in records} | {r.triaged_by_id for r in records}
    labels = {
        (name, user.pk): str(user)
        for user in User.objects.filter(pk__in=user_ids - {None})
        for name in ("author", "triaged_by")
    }
    labels |= _relation_labels(targets)
    labels |= {
        ("themes", pk): label
        for pk, label in Theme.objects.filter(pk__in=targets["themes"]).values_list("pk", "label")
    }
    labels |= {
        ("actions", action.pk): str(action)
        for action in Action.objects.filter(pk__in=targets["actions"]).select_related("axis")
    }
    labels |= {
        ("establishment", item.pk): item.display_name
        for item in Establishment.objects.filter(
            pk__in={r.establishment_id for r in records} - {None}
        ).select_related("legal_unit")
    }
    labels |= {
        ("naf", item.pk): str(item)
        for item in NafCode.objects.filter(pk__in={r.naf_id for r in records} - {None})
    }
    labels |= {
        ("grouped_into", pk): _("signal n° %(pk)s") % {"pk": pk}
        for pk in {r.grouped_into_id for r in records} - {None}
    }
    entries = _entries(Signal, records, lambda record: _("le signal"), labels, relations)
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries
