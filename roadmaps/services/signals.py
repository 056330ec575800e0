"""Every change to the signaux faibles, as keyword-only functions inside one transaction: all or
nothing. A change that touches the signal claims its next version (portal/locking.py), so that
an edit form opened before a triage (or another edit) is refused, never silently overwritten;
each makes one history record (the row and its communes, themes, partners and actions)."""

from django.db import transaction
from django.utils import timezone

from portal import locking
from roadmaps.models import Signal, save_by
from roadmaps.services import writes


class ConcurrentEdit(writes.ConcurrentEdit):
    """The signal changed since the form was opened (or the form did not say from which
    version it started): nothing was written."""


def _claim(signal, expected_version):
    if not locking.claim(Signal.objects, signal.pk, expected_version):
        raise ConcurrentEdit(signal, [], unknown_version=expected_version is None)
    signal.version = expected_version + 1


@transaction.atomic
def create_signal(*, form, territory, by):
    """Record a signal from a valid SignalForm, by a member of `territory`."""
    signal = form.save(commit=False)
    signal.territory = territory
    signal.author = by
    with signal.one_history_record():
        save_by(signal, by=by)
        form.save_m2m()
    return signal


@transaction.atomic
def update_signal(*, form, expected_version, by):
    """Save an edited signal unless it changed since `expected_version`; an untouched form
    writes nothing."""
    if not form.has_changed():
        return form.instance
    signal = form.save(commit=False)
    _claim(signal, expected_version)
    with signal.one_history_record():
        save_by(signal, by=by)
        form.save_m2m()
    return signal


def _triaged(signal, by):
    signal.triaged_by = by
    signal.triaged_at = timezone.now()


@transaction.atomic
def triage_signal(*, signal, status, expected_version, by, actions=None, roadmap=None, reason=""):
    """Move a signal to `status`. « Pris en compte » links it to `actions` (of the current
    `roadmap`: the links to the actions of earlier roadmaps are kept); « classé » keeps the
    `reason`; the reason of an earlier classement is cleared when the signal leaves it. The
    form checked the rules (at least one action, a reason)."""
    _claim(signal, expected_version)
    signal.status = status
    signal.filed_reason = reason if status == Signal.Status.FILED else ""
    _triaged(signal, by)
    with signal.one_history_record():
        save_by(signal, by=by)
        if actions is not None and roadmap is not None:
            kept = signal.actions.exclude(axis__roadmap=roadmap)
            signal.actions.set([*kept, *actions])
    return signal


@transaction.atomic
def signal_to_action(*, signal, form, expected_version, by):
    """Turn a signal into a new action in one step: the action (a valid SignalActionForm,
    through the roadmap's own creation service), the link, the status « pris en compte »."""
    _claim(signal, expected_version)
    action = writes.save_new_action(form=form, axis=form.cleaned_data["axis"], by=by)
    signal.status = Signal.Status.TAKEN
    signal.filed_reason = ""
    _triaged(signal, by)
    with signal.one_history_record():
        save_by(signal, by=by)
        signal.actions.add(action)
    return action


@transaction.atomic
def group_signal(*, signal, lead, by):
    """Group `signal` (and the signals grouped into it) into `lead`, a signal of the same
    territory; each keeps its author and date. Groups stay one level deep: grouping into a
    signal that is itself grouped joins its lead."""
    if lead.territory_id != signal.territory_id or lead.pk == signal.pk:
        raise ValueError("a signal of another territory, or itself")
    lead = Signal.objects.select_for_update().get(pk=lead.grouped_into_id or lead.pk)
    if lead.pk == signal.pk:
        return signal
    members = list(Signal.objects.select_for_update().filter(grouped_into=signal))
    for member in [signal, *members]:
        member.grouped_into = lead
        member.version += 1
        save_by(member, by=by)
    return lead


@transaction.atomic
def ungroup_signal(*, signal, by):
    """Take a signal out of its group: it is a signal of its own again."""
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if signal.grouped_into_id is None:
        return signal
    signal.grouped_into = None
    signal.version += 1
    return save_by(signal, by=by)
