"""Every change of the follow-up, as keyword-only functions inside one transaction: all or
nothing. The acting user (`by`) reaches django-simple-history through `save_by` only; edits
claim the next version first (portal/locking.py) and a stale one writes nothing."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import CompanyContact, Exchange, Need, Reminder, save_by
from portal import locking

HIDDEN_FIELDS = {"version", "id", "establishment", "territory"}


class ConcurrentEdit(Exception):
    """The record was changed since the form was opened, or the form did not say which
    version it started from. `changes`: what changed since (Change list); `authors`: ids of
    who saved since; `unknown_version`: the form carried no valid version."""

    def __init__(self, obj, changes=(), *, authors=frozenset(), unknown_version=False):
        super().__init__("concurrent edit")
        self.obj = obj
        self.changes = list(changes)
        self.authors = authors
        self.unknown_version = unknown_version


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


def display(model, name, value):
    if value in (None, ""):
        return "—"
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def record_changes(model, new, old, hidden=()):
    """The field changes between two historical records of one object (many-to-many fields are
    not part of the records)."""
    if old is None:
        return []
    delta = new.diff_against(old, excluded_fields=set(HIDDEN_FIELDS) | set(hidden))
    return [
        Change(
            field=change.field,
            label=str(model._meta.get_field(change.field).verbose_name),
            old=display(model, change.field, change.old),
            new=display(model, change.field, change.new),
        )
        for change in delta.changes
        if change.field in {field.name for field in model._meta.concrete_fields}
    ]


def changes_since(obj, version):
    """(changes, authors) made to `obj` after the state of `version`."""
    records = list(obj.history.filter(version__gte=version).order_by("history_date", "history_id"))
    base = next((record for record in reversed(records) if record.version == version), None)
    if base is None or records[-1] is base:
        return [], frozenset()
    authors = frozenset(record.history_user_id for record in records if record.version > version)
    return record_changes(type(obj), records[-1], base), authors


def _save_edit(form, expected_version, by):
    """Save an edited record from a valid form with a `version` field; an untouched form
    writes nothing; a stale or missing version raises ConcurrentEdit."""
    if not form.has_changed():
        return form.instance
    obj = form.save(commit=False)
    model = type(obj)
    if not locking.claim(model.objects, obj.pk, expected_version):
        if expected_version is None:
            raise ConcurrentEdit(obj, unknown_version=True)
        changes, authors = changes_since(obj, expected_version)
        raise ConcurrentEdit(obj, changes, authors=authors)
    obj.version = expected_version + 1
    save_by(obj, by=by)
    form.save_m2m()
    return obj


def _touch(need):
    """Mark activity on a need (« à relancer » counts from here): no history record."""
    Need.objects.filter(pk=need.pk).update(last_activity_at=timezone.now())


# --- Échanges -----------------------------------------------------------------------------


@transaction.atomic
def create_exchange(*, form, establishment, territory, by, need_form=None):
    """Save a new échange from a valid ExchangeForm, and the need detected with it when
    `need_form` (a valid ExchangeNeedForm) says so: both or neither."""
    exchange = form.save(commit=False)
    exchange.establishment = establishment
    exchange.territory = territory
    exchange.created_by = by
    save_by(exchange, by=by)
    form.save_m2m()
    need = None
    if need_form is not None and need_form.cleaned_data.get("detected"):
        need = need_form.save(commit=False)
        need.establishment = establishment
        need.territory = territory
        need.exchange = exchange
        need.created_by = by
        save_by(need, by=by)
    return exchange, need


@transaction.atomic
def save_exchange(*, form, expected_version, by):
    return _save_edit(form, expected_version, by)


# --- Needs --------------------------------------------------------------------------------


@transaction.atomic
def create_need(*, form, establishment, territory, by, exchange=None):
    need = form.save(commit=False)
    need.establishment = establishment
    need.territory = territory
    need.exchange = exchange
    need.created_by = by
    save_by(need, by=by)
    form.save_m2m()
    return need


@transaction.atomic
def save_need(*, form, expected_version, by):
    changed = form.has_changed()
    need = _save_edit(form, expected_version, by)
    if changed:
        _touch(need)
    return need


@transaction.atomic
def add_need_note(*, form, need, by):
    note = form.save(commit=False)
    note.need = need
    note.author = by
    note.save()
    _touch(need)
    return note


# --- Rappels ------------------------------------------------------------------------------


@transaction.atomic
def create_reminder(*, form, establishment, territory, by):
    reminder = form.save(commit=False)
    reminder.establishment = establishment
    reminder.territory = territory
    reminder.created_by = by
    return save_by(reminder, by=by)


@transaction.atomic
def mark_reminder(*, reminder, done, by):
    """Mark a rappel done or to do; saying which makes a repeated click harmless."""
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.done != done:
        reminder.done = done
        save_by(reminder, by=by)
    return reminder


# --- Contacts at the company --------------------------------------------------------------


@transaction.atomic
def create_contact(*, form, establishment, territory, by):
    contact = form.save(commit=False)
    contact.establishment = establishment
    contact.territory = territory
    return save_by(contact, by=by)


@transaction.atomic
def save_contact(*, form, expected_version, by):
    return _save_edit(form, expected_version, by)


@transaction.atomic
def delete_contact(*, contact):
    """Delete a contact everywhere: the row, its place among the people met at échanges, and
    its history records (personal data is not kept once deleted)."""
    pk = contact.pk
    contact.exchanges.clear()
    contact.delete()
    CompanyContact.history.filter(id=pk).delete()


CONTACT_RETENTION_YEARS = 3


def contacts_to_purge(today=None):
    """Contacts at companies kept longer than the privacy page says: added more than three
    years ago, and no échange of their territory with their establishment for three years."""
    today = today or timezone.localdate()
    limit = today.replace(year=today.year - CONTACT_RETENTION_YEARS)
    recent = Exchange.objects.filter(
        establishment_id=OuterRef("establishment_id"),
        territory_id=OuterRef("territory_id"),
        date__gte=limit,
    )
    return CompanyContact.objects.filter(created_at__date__lt=limit).exclude(Exists(recent))


@transaction.atomic
def purge_contacts(*, today=None):
    """Delete everywhere the contacts `contacts_to_purge` finds; returns how many."""
    contacts = list(contacts_to_purge(today))
    for contact in contacts:
        delete_contact(contact=contact)
    return len(contacts)
