"""Every change the roadmap pages make, as keyword-only functions inside one transaction: all or
nothing. The acting user (`by`) reaches django-simple-history through `save_by` only."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import locking
from roadmaps.models import Action, Axis, NeedLink, Roadmap, Step, delete_by, save_by
from roadmaps.services.history import changes_since
from roadmaps.services.publication import PUBLICATION_FIELDS


class ConcurrentEdit(Exception):
    """The object (an action, a roadmap) was changed since the form was opened (by someone
    else, or by the same person in another tab or an earlier send), or the form did not say
    which version it started from.

    `changes`: what changed since that version; `authors`: the ids of who saved since;
    `unknown_version`: the form carried no (valid) version.
    """

    def __init__(self, obj, changes, *, authors=frozenset(), unknown_version=False):
        super().__init__("concurrent edit")
        self.obj = obj
        self.changes = changes
        self.authors = authors
        self.unknown_version = unknown_version


# --- Roadmap and its diagnostic -----------------------------------------------------------


@transaction.atomic
def save_roadmap(*, form, territory, expected_version, by):
    """Create the territory's roadmap from a valid RoadmapForm, or save the edited one.

    An untouched edit writes nothing. An edit claims the next version first
    (portal/locking.py): one based on an older version, or on none, writes nothing and raises
    ConcurrentEdit."""
    editing = form.instance.pk is not None
    if editing and not form.has_changed():
        return form.instance
    if editing and not locking.claim(Roadmap.objects, form.instance.pk, expected_version):
        raise ConcurrentEdit(form.instance, [], unknown_version=expected_version is None)
    roadmap = form.save(commit=False)
    roadmap.territory = territory
    if editing:
        roadmap.version = expected_version + 1
        # The publication is not the form's: keep what is stored now (the claim above locks
        # the row), not what was read before, so that an edit never republishes a roadmap.
        stored = Roadmap.objects.filter(pk=roadmap.pk).values(*PUBLICATION_FIELDS).get()
        for name, value in stored.items():
            setattr(roadmap, name, value)
    return save_by(roadmap, by=by)


@transaction.atomic
def save_diagnostic(*, formset, roadmap):
    """Write the rows of a valid DiagnosticIndicatorFormSet that changed, added or deleted
    (the diagnostic's figures have no history: no author to record)."""
    for indicator in formset.save(commit=False):
        indicator.roadmap = roadmap
        indicator.save()
    for indicator in formset.deleted_objects:
        indicator.delete()


# --- Axes ---------------------------------------------------------------------------------


@transaction.atomic
def create_axis(*, roadmap, title, objectives="", by=None):
    number = (roadmap.axes.aggregate(last=Max("number"))["last"] or 0) + 1
    axis = Axis(roadmap=roadmap, number=number, title=title, objectives=objectives)
    save_by(axis, by=by)
    return axis


@transaction.atomic
def update_axis(*, form, by):
    """Save an edited axis from a valid AxisForm; an untouched form writes nothing."""
    if not form.has_changed():
        return form.instance
    return save_by(form.save(commit=False), by=by)


def _swap_numbers(first, second, by):
    """Swap the numbers of two rows under a unique (parent, number) constraint."""
    model = type(first)
    first_number, second_number = first.number, second.number
    model.objects.filter(pk=first.pk).update(number=0)  # temporary, not a real change
    for obj, number in ((second, first_number), (first, second_number)):
        obj.number = number
        if isinstance(obj, Action):
            obj.version += 1
        save_by(obj, by=by)


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
        save_by(action, by=by)


@transaction.atomic
def save_new_action(*, form, axis, by=None):
    """Save a new action from a valid ActionForm, numbered last in its axis."""
    action = form.save(commit=False)
    action.axis = axis
    action.number = _next_action_number(axis)
    with action.one_history_record():  # the action and its partners, publics, communes
        save_by(action, by=by)
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
    # One historical record for the row and its partners, publics and communes, written only
    # once the version was claimed: a refused save (above) records nothing.
    with action.one_history_record():
        save_by(action, by=by)
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
    save_by(action, by=by)
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
    save_by(step, by=by)
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
            save_by(action, by=by)
    return step


@transaction.atomic
def mark_step(*, step, done, by=None):
    """Mark a step done or to do. Saying which (never "the other state") makes a repeated
    click harmless: a step already in that state is left alone, with no history record."""
    step = Step.objects.select_for_update().get(pk=step.pk)
    if step.done != done:
        step.done = done
        save_by(step, by=by)
    return step


# --- Indicators ---------------------------------------------------------------------------


@transaction.atomic
def create_indicator(*, form, action, by):
    """Add an indicator to the action from a valid IndicatorForm."""
    indicator = form.save(commit=False)
    indicator.action = action
    return save_by(indicator, by=by)


@transaction.atomic
def add_indicator_value(*, form, indicator, by):
    """Record a value of the indicator from a valid IndicatorValueForm (values have no
    history: `recorded_by` names who gave it)."""
    value = form.save(commit=False)
    value.indicator = indicator
    value.recorded_by = by
    value.save()
    return value


# --- Links from companies' needs ----------------------------------------------------------


@transaction.atomic
def link_need(*, need, action, by):
    """Relate a company's need to a roadmap action (None: no action); the same action again
    writes nothing."""
    link = NeedLink.objects.select_for_update().filter(need=need).first()
    if action is None:
        if link is not None:
            delete_by(link, by=by)
        return None
    if link is not None and link.action_id == action.pk:
        return link
    link = link or NeedLink(need=need)
    link.action = action
    return save_by(link, by=by)
