"""History (who, when, what) that also records many-to-many fields, and the diffs that history
pages and conflict messages show. Generic: each app keeps its own labels and pages (roadmaps'
actions, companies' échanges and needs) and builds on these pieces.

django-simple-history writes the records; `save_by` / `delete_by` are the one place naming
the author. `M2MHistoricalRecords` adds the many-to-many fields to the records (one table per
field, `<app>_historical<model>_<field>`, rows `history_id` → target id) and folds a save and
the relation changes that follow it into one record (`obj.one_history_record()`).
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords


def save_by(obj, *, by):
    """Save `obj`, its history record naming `by` as the author (None: nobody, not the request's
    user). The one place that tells django-simple-history who acts: services, model methods and
    the demo pass their `by` here, never `_history_user` themselves."""
    _name_author(obj, by)
    obj.save()
    return obj


def delete_by(obj, *, by):
    """Delete `obj`, its last history record naming `by` as the author."""
    _name_author(obj, by)
    obj.delete()


def _name_author(obj, by):
    obj._history_user = by


class M2MHistoricalRecords(HistoricalRecords):
    """HistoricalRecords with many-to-many fields (`m2m_fields=[...]`).

    The library writes a record on every save and on every add, remove or clear of a tracked
    relation (a form's `set()` is a remove then an add): `obj.one_history_record()` folds a
    save and the relation changes that follow it into one record, written at the end of the
    block (inside the caller's transaction). Changes made from the other side
    (`partner.contributed_actions.add(action)`) are recorded on the objects concerned; the
    library would record them on the partner, a model without history, and fail
    (django-simple-history issue #1048). Relations set by `loaddata` (a backup restored) are not
    changes: no record.
    """

    def add_extra_methods(self, cls):
        super().add_extra_methods(cls)
        records = self

        @contextmanager
        def one_history_record(instance):
            """Saves and relation changes of the instance in the block make one record."""
            history_type = "+" if instance._state.adding else "~"
            instance.skip_history_when_saving = True
            try:
                yield
            finally:
                del instance.skip_history_when_saving
            records.create_historical_record(instance, history_type)

        cls.one_history_record = one_history_record

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw", False):
            # loaddata (a backup restored): the relations it sets next are the saved ones,
            # not a change; the library checks `raw` on saves only.
            instance._history_raw_save = True
        return super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if getattr(instance, "_history_raw_save", False):
            return None
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return None
        model = kwargs["model"]  # the model with history, whose field `attr` changed
        if action == "pre_clear":
            instance._history_cleared = list(model.objects.filter(**{attr: instance}))
            return None
        if action == "post_clear":
            changed = instance.__dict__.pop("_history_cleared", [])
        elif action in ("post_add", "post_remove"):
            changed = model.objects.filter(pk__in=pk_set)
        else:
            return None
        for obj in changed:
            self.create_historical_record(obj, "~")
        return None


def m2m_history_model(model, name):
    """The table of the many-to-many field `name` of `model`'s records (rows: history_id and
    the target's id, in the column `model._meta.get_field(name).m2m_reverse_field_name()`)."""
    return apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{name}")


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
    feminine: bool = False  # the field's targets are feminine in French (« communes »)

    @property
    def is_relation(self):
        return self.added is not None

    @property
    def summary(self):
        """ "ajouté Mission locale ; retiré Cap emploi" (a many-to-many field)."""
        return " ; ".join(
            f"{_relation_verb(added, self.feminine, len(names))} {', '.join(names)}"
            for added, names in ((True, self.added), (False, self.removed))
            if names
        )

    @property
    def signed(self):
        """ "+ France Travail, − Mission locale" (a many-to-many field)."""
        return ", ".join(
            [f"+ {name}" for name in self.added or []]
            + [f"\N{MINUS SIGN} {name}" for name in self.removed or []]
        )


def _relation_verb(added, feminine, count):
    if added:
        if feminine:
            return ngettext("ajoutée", "ajoutées", count)
        return ngettext("ajouté", "ajoutés", count)
    if feminine:
        return ngettext("retirée", "retirées", count)
    return ngettext("retiré", "retirés", count)


def display(model, field_name, value, labels=None):
    """A field's value as the history shows it: choices by label, dates in French, a relation by
    the name `labels` gives it ({(field name, id): name})."""
    if value in (None, ""):
        return "—"
    model_field = model._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if model_field.is_relation and labels:
        return labels.get((field_name, value), str(value))
    return str(value)


def field_changes(model, new, old, *, excluded, labels=None):
    """The changes of the record's own fields between two records of one object (the
    many-to-many fields are to be in `excluded`: `relation_changes` compares them without a
    query per record)."""
    delta = new.diff_against(old, excluded_fields=set(excluded))
    return [
        Change(
            field=change.field,
            label=str(model._meta.get_field(change.field).verbose_name),
            old=display(model, change.field, change.old, labels),
            new=display(model, change.field, change.new, labels),
            old_value=change.old,
            new_value=change.new,
        )
        for change in delta.changes
    ]


def load_relations(model, fields, records, *, baseline_reason=None, **filters):
    """({history_id: {field: set of ids}}, {field: set of ids to name}) for `records`.

    One query per many-to-many field, its rows filtered by `filters`. When `baseline_reason`
    is given, the records of an object older than its latest record of that change reason
    (written when the relations started to be recorded) are left out: their relations are
    unknown, not empty.
    """
    relations = {record.history_id: {name: set() for name in fields} for record in records}
    targets = {}
    for name in fields:
        target = model._meta.get_field(name).m2m_reverse_field_name()
        rows = m2m_history_model(model, name).objects.filter(**filters)
        targets[name] = set()
        for history_id, pk in rows.values_list("history_id", target):
            if history_id in relations:
                relations[history_id][name].add(pk)
                targets[name].add(pk)
    if baseline_reason is not None:
        starts = {}
        for record in records:
            if record.history_change_reason == baseline_reason:
                key = (record.history_date, record.history_id)
                starts[record.id] = max(starts.get(record.id, key), key)
        for record in records:
            start = starts.get(record.id)
            if start is not None and (record.history_date, record.history_id) < start:
                del relations[record.history_id]
    return relations, targets


def relation_changes(model, fields, new, old, relations, name_of, feminine=()):
    """What was added to and removed from each many-to-many field between two records.

    `relations` comes from `load_relations`: a record missing from it holds unknown relations,
    and nothing is compared. `name_of(field, id)` names a target (a deleted one too).
    """
    if old.history_id not in relations or new.history_id not in relations:
        return []
    changes = []
    for name in fields:
        before, after = relations[old.history_id][name], relations[new.history_id][name]
        if before == after:
            continue

        def names(pks, name=name):
            return sorted((name_of(name, pk) for pk in pks), key=str.casefold)

        changes.append(
            Change(
                field=name,
                label=str(model._meta.get_field(name).verbose_name),
                old=", ".join(names(before)) or "—",
                new=", ".join(names(after)) or "—",
                old_value=before,
                new_value=after,
                added=names(after - before),
                removed=names(before - after),
                feminine=name in feminine,
            )
        )
    return changes
