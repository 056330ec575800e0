"""Every change of the follow-up, as keyword-only functions inside one transaction: all or
nothing. The acting user (`by`) reaches django-simple-history through `save_by` / `delete_by`
only; edits claim the next version first (portal/locking.py) and a stale one writes nothing.
A save of an échange or a need and the changes of its people, partners and contacts make one
history record (`one_history_record`, portal/history.py)."""

from contextlib import nullcontext

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from companies.followup.history import changes_since
from companies.models import CompanyContact, Exchange, Need, Reminder, delete_by, save_by
from portal import locking
from portal.history import m2m_history_model


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
    _save_with_relations(obj, form, by)
    return obj


def _save_with_relations(obj, form, by):
    """Save `obj` and its many-to-many fields from `form`: one history record for both."""
    one_record = getattr(obj, "one_history_record", nullcontext)
    with one_record():
        save_by(obj, by=by)
        form.save_m2m()


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
    _save_with_relations(exchange, form, by)
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


@transaction.atomic
def delete_exchange(*, exchange, by):
    """Delete an échange; its history keeps who deleted it and when. A need detected at it
    stays, no longer tied to it."""
    delete_by(exchange, by=by)


# --- Needs --------------------------------------------------------------------------------


@transaction.atomic
def create_need(*, form, establishment, territory, by, exchange=None):
    need = form.save(commit=False)
    need.establishment = establishment
    need.territory = territory
    need.exchange = exchange
    need.created_by = by
    _save_with_relations(need, form, by)
    return need


@transaction.atomic
def save_need(*, form, expected_version, by):
    changed = form.has_changed()
    need = _save_edit(form, expected_version, by)
    if changed:
        _touch(need)
    return need


@transaction.atomic
def delete_need(*, need, by):
    """Delete a need and its notes; its history keeps who deleted it and when."""
    delete_by(need, by=by)


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
    """Delete a contact everywhere: the row, its place among the people met at échanges (now
    and in the échanges' history records), and its own history records (personal data is not
    kept once deleted). No échange gets a record for it: the contact leaves no trace."""
    pk = contact.pk
    contact.delete()  # and the échanges' rows naming it (no signal: no history record)
    CompanyContact.history.filter(id=pk).delete()
    m2m_history_model(Exchange, "contacts").objects.filter(companycontact_id=pk).delete()


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
