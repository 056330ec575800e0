"""Operations across several roadmap objects, each inside one transaction: all or nothing."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners.models import Partner, Public
from portal import locking
from portal.models import Commune, User
from roadmaps.models import (
    ACTION_HISTORY_M2M,
    M2M_BASELINE_REASON,
    Action,
    Axis,
    Roadmap,
    RoadmapVersion,
    Step,
)


class ConcurrentEdit(Exception):
    """The action was changed since the form was opened (by someone else, or by the same person
    in another tab or an earlier send), or the form did not say which version it started from.

    `changes`: what changed since that version; `authors`: the ids of who saved since;
    `unknown_version`: the form carried no (valid) version.
    """

    def __init__(self, action, changes, *, authors=frozenset(), unknown_version=False):
        super().__init__("concurrent edit")
        self.action = action
        self.changes = changes
        self.authors = authors
        self.unknown_version = unknown_version


# --- Axes ---------------------------------------------------------------------------------


@transaction.atomic
def create_axis(*, roadmap, title, objectives="", by=None):
    number = (roadmap.axes.aggregate(last=Max("number"))["last"] or 0) + 1
    axis = Axis(roadmap=roadmap, number=number, title=title, objectives=objectives)
    axis._history_user = by
    axis.save()
    return axis


def _swap_numbers(first, second, by):
    """Swap the numbers of two rows under a unique (parent, number) constraint."""
    model = type(first)
    first_number, second_number = first.number, second.number
    model.objects.filter(pk=first.pk).update(number=0)  # temporary, not a real change
    for obj, number in ((second, first_number), (first, second_number)):
        obj.number = number
        if isinstance(obj, Action):
            obj.version += 1
        obj._history_user = by
        obj.save()


@transaction.atomic
def move_axis(*, axis, direction, by=None):
    """Move an axis one place up (-1) or down (+1); at either end nothing happens."""
    axes = list(Axis.objects.select_for_update().filter(roadmap_id=axis.roadmap_id))
    index = next(i for i, item in enumerate(axes) if item.pk == axis.pk)
    other = index + direction
    if 0 <= other < len(axes):
        _swap_numbers(axes[index], axes[other], by)


# --- Actions ------------------------------------------------------------------------------


def _next_action_number(axis):
    return (Action.objects.filter(axis=axis).aggregate(last=Max("number"))["last"] or 0) + 1


def _close_gap(axis, number, by):
    """Renumber the actions after `number` in `axis` so numbers stay 1, 2, 3…"""
    for action in Action.objects.filter(axis=axis, number__gt=number).order_by("number"):
        action.number -= 1
        action.version += 1
        action._history_user = by
        action.save()


@transaction.atomic
def save_new_action(*, form, axis, by=None):
    """Save a new action from a valid ActionForm, numbered last in its axis."""
    action = form.save(commit=False)
    action.axis = axis
    action.number = _next_action_number(axis)
    action._history_user = by
    with action.one_history_record():  # the action and its partners, publics, communes
        action.save()
        form.save_m2m()
    return action


@transaction.atomic
def save_action(*, form, expected_version, by=None):
    """Save an edited action unless it was saved since `expected_version` (None: the form
    did not say, refused the same way).

    The guard is one `UPDATE … SET version = n + 1 WHERE id = … AND version = n`
    (portal.locking): when it touches no row, another save got there first and ConcurrentEdit
    carries what was changed since, and by whom.
    """
    if not form.has_changed():
        return form.instance  # nothing to save: no version, no date, no history record
    action = form.save(commit=False)  # no query: fills the instance, prepares save_m2m()
    if not locking.claim(Action.objects, action.pk, expected_version):
        if expected_version is None:
            raise ConcurrentEdit(action, [], unknown_version=True)
        authors = set(
            action.history.filter(version__gt=expected_version).values_list(
                "history_user_id", flat=True
            )
        )
        raise ConcurrentEdit(
            action, changes_since(action, expected_version), authors=frozenset(authors)
        )
    previous = Action.objects.only("axis_id", "number").get(pk=action.pk)
    action.version = expected_version + 1
    moved = action.axis_id != previous.axis_id
    if moved:
        action.number = _next_action_number(action.axis)
    action._history_user = by
    # One historical record for the row and its partners, publics and communes, written only
    # once the version was claimed: a refused save (above) records nothing.
    with action.one_history_record():
        action.save()
        form.save_m2m()
    if moved:
        _close_gap(previous.axis_id, previous.number, by)
    return action


@transaction.atomic
def move_action_to_axis(*, action, axis, by=None):
    """Move an action to the end of another axis of the same roadmap and renumber both."""
    if axis.pk == action.axis_id:
        return action
    if axis.roadmap_id != action.axis.roadmap_id:
        raise ValueError("axis of another roadmap")
    action = Action.objects.select_for_update().get(pk=action.pk)
    old_axis_id, old_number = action.axis_id, action.number
    action.axis = axis
    action.number = _next_action_number(axis)
    action.version += 1
    action._history_user = by
    action.save()
    _close_gap(old_axis_id, old_number, by)
    return action


@transaction.atomic
def move_action(*, action, direction, by=None):
    """Move an action one place up (-1) or down (+1) within its axis."""
    actions = list(Action.objects.select_for_update().filter(axis_id=action.axis_id))
    index = next(i for i, item in enumerate(actions) if item.pk == action.pk)
    other = index + direction
    if 0 <= other < len(actions):
        _swap_numbers(actions[index], actions[other], by)


@transaction.atomic
def record_progress(*, action, by, **fields):
    action = Action.objects.select_for_update().select_related("axis").get(pk=action.pk)
    return action.record_progress(by=by, **fields)


@transaction.atomic
def add_step(*, form, action, by=None):
    """Add a step. The first one switches the action's progress from the figure entered by hand
    to the share of steps done: the switch is written where people look, never silent — the
    stored progress takes the computed value (one history record: « Avancement 40 → 0 ») and a
    point d'étape says why on the timeline."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    first = not action.steps.exists()
    step = form.save(commit=False)
    step.action = action
    step._history_user = by
    step.save()
    if first:
        computed = 100 if step.done else 0
        if computed != action.progress:
            previous = action.progress
            action.updates.create(
                author=by,
                date=timezone.localdate(),
                note=_(
                    "Première étape ajoutée (« %(step)s ») : l'avancement est désormais calculé "
                    "à partir des étapes. Il passe de %(before)s %% (saisi à la main) à "
                    "%(after)s %%."
                )
                % {"step": step.title, "before": previous, "after": computed},
                progress=computed,
            )
            action.progress = computed
            action.version += 1
            action._history_user = by
            action.save()
    return step


@transaction.atomic
def mark_step(*, step, done, by=None):
    """Mark a step done or to do. Saying which (never "the other state") makes a repeated
    click harmless: a step already in that state is left alone, with no history record."""
    step = Step.objects.select_for_update().get(pk=step.pk)
    if step.done != done:
        step.done = done
        step._history_user = by
        step.save()
    return step


# --- History ------------------------------------------------------------------------------

HIDDEN_FIELDS = {"version"}
# Many-to-many fields are diffed here from rows loaded at once, not by diff_against (queries).
DIFF_EXCLUDED = HIDDEN_FIELDS | set(ACTION_HISTORY_M2M)
FEMININE_RELATIONS = {"communes"}


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str
    old_value: object = None
    new_value: object = None
    added: list = None  # names added to a many-to-many field (None for other fields)
    removed: list = None

    @property
    def is_relation(self):
        return self.added is not None

    @property
    def summary(self):
        """ "ajouté Mission locale ; retiré Cap emploi" (a many-to-many field)."""
        feminine = self.field in FEMININE_RELATIONS
        return " ; ".join(
            f"{_relation_verb(added, feminine, len(names))} {', '.join(names)}"
            for added, names in ((True, self.added), (False, self.removed))
            if names
        )


def _relation_verb(added, feminine, count):
    if added:
        if feminine:
            return ngettext("ajoutée", "ajoutées", count)
        return ngettext("ajouté", "ajoutés", count)
    if feminine:
        return ngettext("retirée", "retirées", count)
    return ngettext("retiré", "retirés", count)


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


def _display(model, field_name, value, labels):
    if value in (None, ""):
        return "—"
    model_field = model._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if model_field.is_relation:
        return labels.get((field_name, value), str(value))
    return str(value)


def _relation_label(field_name, pk, labels):
    if (field_name, pk) in labels:
        return labels[(field_name, pk)]
    deleted = {
        "partners": _("partenaire supprimé (n° %(id)s)"),
        "publics": _("public supprimé (n° %(id)s)"),
        "communes": _("commune supprimée (n° %(id)s)"),
    }
    return deleted[field_name] % {"id": pk}


def _relation_changes(new, old, relations, labels):
    """What was added to and removed from each many-to-many field between two records.

    `relations` maps a record's history_id to {field: set of ids}; a record missing from it was
    written before the relations were recorded (see M2M_BASELINE_REASON): nothing is compared.
    """
    if old.history_id not in relations or new.history_id not in relations:
        return []
    changes = []
    for name in ACTION_HISTORY_M2M:
        before, after = relations[old.history_id][name], relations[new.history_id][name]
        if before == after:
            continue

        def names(pks, name=name):
            return sorted((_relation_label(name, pk, labels) for pk in pks), key=str.casefold)

        changes.append(
            Change(
                field=name,
                label=str(Action._meta.get_field(name).verbose_name),
                old=", ".join(names(before)) or "—",
                new=", ".join(names(after)) or "—",
                old_value=before,
                new_value=after,
                added=names(after - before),
                removed=names(before - after),
            )
        )
    return changes


def _changes(model, new, old, labels, relations=None):
    if old is None:
        return []
    delta = new.diff_against(old, excluded_fields=DIFF_EXCLUDED)
    changes = [
        Change(
            field=change.field,
            label=str(model._meta.get_field(change.field).verbose_name),
            old=_display(model, change.field, change.old, labels),
            new=_display(model, change.field, change.new, labels),
            old_value=change.old,
            new_value=change.new,
        )
        for change in delta.changes
    ]
    if relations is not None:
        changes += _relation_changes(new, old, relations, labels)
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


def _action_relations(records, **filters):
    """{history_id: {field: set of ids}} of an action's records, and the ids to name.

    One query per many-to-many field. Records older than the baseline record written when the
    relations started to be recorded are left out: their relations are unknown, not empty.
    """
    relations = {
        record.history_id: {name: set() for name in ACTION_HISTORY_M2M} for record in records
    }
    targets = {}
    for name in ACTION_HISTORY_M2M:
        target = Action._meta.get_field(name).m2m_reverse_field_name()
        rows = (
            apps.get_model("roadmaps", f"HistoricalAction_{name}")
            .objects.filter(**filters)
            .values_list("history_id", target)
        )
        targets[name] = set()
        for history_id, pk in rows:
            if history_id in relations:
                relations[history_id][name].add(pk)
                targets[name].add(pk)
    baselines = [
        (record.history_date, record.history_id)
        for record in records
        if record.history_change_reason == M2M_BASELINE_REASON
    ]
    if baselines:
        start = max(baselines)
        for record in records:
            if (record.history_date, record.history_id) < start:
                del relations[record.history_id]
    return relations, targets


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


# --- Versions -----------------------------------------------------------------------------


def snapshot(roadmap, actions=None, axes=None):
    """A JSON-ready copy of the roadmap's axes and actions (3 queries, none if given)."""
    if axes is None:
        axes = list(roadmap.axes.all())
    if actions is None:
        actions = list(Action.objects.for_roadmap_page(roadmap))
        counts = Action.objects.step_counts(roadmap)
        by_id = {axis.pk: axis for axis in axes}
        for action in actions:
            action.axis = by_id[action.axis_id]
            action.step_total, action.step_done = counts.get(action.pk, (0, 0))
    return {
        "axes": [{"id": axis.pk, "number": axis.number, "title": axis.title} for axis in axes],
        "actions": [
            {
                "id": action.pk,
                "axis_id": action.axis_id,
                "axis": str(action.axis),
                "code": action.code,
                "title": action.title,
                "status": action.status,
                "start_date": action.start_date.isoformat() if action.start_date else None,
                "end_date": action.end_date.isoformat() if action.end_date else None,
                "progress": action.effective_progress,
            }
            for action in actions
        ],
    }


@transaction.atomic
def validate_roadmap(*, roadmap, name, validated_on, validated_by="", by=None):
    """Mark the roadmap validated and freeze a named, dated version of it."""
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    roadmap.status = Roadmap.Status.VALIDATED
    roadmap.validated_on = validated_on
    roadmap.version += 1  # an edit form opened before would set the status back
    if validated_by:
        roadmap.validated_by = validated_by
    roadmap._history_user = by
    roadmap.save()
    return RoadmapVersion.objects.create(
        roadmap=roadmap,
        name=name,
        validated_on=validated_on,
        validated_by=validated_by,
        snapshot=snapshot(roadmap),
        created_by=by,
    )


@dataclass
class Comparison:
    added: list
    removed: list
    moved: list
    replanned: list
    status_changed: list

    @property
    def is_empty(self):
        return not any((self.added, self.removed, self.moved, self.replanned, self.status_changed))

    @property
    def count(self):
        return sum(
            len(items)
            for items in (
                self.added,
                self.removed,
                self.moved,
                self.replanned,
                self.status_changed,
            )
        )


def _date_label(iso):
    if not iso:
        return _("amélioration continue")
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")


def compare(before, after):
    """What moved between two snapshots: actions added, removed, moved, re-planned, re-statused."""
    old = {item["id"]: item for item in before.get("actions", [])}
    new = {item["id"]: item for item in after.get("actions", [])}
    labels = dict(Action.Status.choices)
    added = [new[pk] for pk in new if pk not in old]
    removed = [old[pk] for pk in old if pk not in new]
    moved, replanned, status_changed = [], [], []
    for pk in new.keys() & old.keys():
        was, now = old[pk], new[pk]
        if was["axis_id"] != now["axis_id"]:
            moved.append({**now, "before": was["axis"], "after": now["axis"]})
        if (was["start_date"], was["end_date"]) != (now["start_date"], now["end_date"]):
            replanned.append(
                {
                    **now,
                    "before": f"{_date_label(was['start_date'])} → {_date_label(was['end_date'])}",
                    "after": f"{_date_label(now['start_date'])} → {_date_label(now['end_date'])}",
                }
            )
        if was["status"] != now["status"]:
            status_changed.append(
                {
                    **now,
                    "before": str(labels.get(was["status"], was["status"])),
                    "after": str(labels.get(now["status"], now["status"])),
                }
            )
    order = {pk: index for index, pk in enumerate(new)}

    def by_code(items):
        return sorted(items, key=lambda item: order.get(item["id"], item["id"]))

    return Comparison(
        added=by_code(added),
        removed=sorted(removed, key=lambda item: item["code"]),
        moved=by_code(moved),
        replanned=by_code(replanned),
        status_changed=by_code(status_changed),
    )
