"""An action's page (timeline and history) and the coordinators' forms that change it."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.perms import needs_visible_to
from portal.submissions import create_once
from roadmaps import metrics
from roadmaps.forms import (
    ActionForm,
    IndicatorForm,
    IndicatorValueForm,
    MoveActionForm,
    ProgressUpdateForm,
    StepForm,
)
from roadmaps.models import Action, IndicatorValue
from roadmaps.perms import (
    get_action_for_user,
    get_action_rw_for_user,
    get_axis_rw_for_user,
    get_indicator_rw_for_user,
    get_step_rw_for_user,
)
from roadmaps.services import history, writes
from roadmaps.views import public
from roadmaps.views.common import annotate_dates, render_form


@public.public_variant(public.action_page)
def action_detail(request, slug, pk):
    action, can_edit = get_action_for_user(request, slug, pk)
    roadmap = action.axis.roadmap
    steps = list(action.steps.all())
    action.step_total = len(steps)
    action.step_done = sum(step.done for step in steps)
    annotate_dates(action, timezone.localdate())
    indicators = list(
        action.indicators.prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("date", "pk"))
        )
    )
    registry = metrics.registry()
    for indicator in indicators:
        indicator.metric_label = metrics.label_of(indicator.metric, registry)
        indicator.ratio = indicator.target_ratio()
    context = {
        "territory": roadmap.territory,
        "roadmap": roadmap,
        "action": action,
        "can_edit": can_edit,
        "today": timezone.localdate(),
        "steps": steps,
        "indicators": indicators,
        "updates": list(action.updates.select_related("author")),
        "partners": list(action.partners.all()),
        "publics": list(action.publics.all()),
        "communes": list(action.communes.all()),
        "history": history.action_history(action),
        # the companies' needs linked to the action (roadmaps.NeedLink) that the user may read
        "needs": list(
            needs_visible_to(request, roadmap.territory)
            .filter(roadmap_link__action=action)
            .select_related("establishment__legal_unit")
            .order_by("status", "pk")
        ),
        # the signaux faibles this action takes into account
        "signals": list(action.signals.order_by("-observed_on", "-pk")),
    }
    if can_edit:
        context |= {
            "progress_form": ProgressUpdateForm(
                initial={"date": timezone.localdate()}, computed=bool(steps)
            ),
            "step_form": StepForm(action=action),
            "progress_switch": progress_switch_notice(action, bool(steps)),
            "move_form": MoveActionForm(roadmap=roadmap, initial={"axis": action.axis_id}),
            "indicator_form": IndicatorForm(),
            "value_form": IndicatorValueForm(initial={"date": timezone.localdate()}),
        }
    return render(request, "roadmaps/action_detail.html", context)


def action_create(request, slug, number):
    axis = get_axis_rw_for_user(request, slug, number)
    roadmap = axis.roadmap
    form = ActionForm(request.POST or None, roadmap=roadmap, initial={"axis": axis})
    if form.is_valid():

        def create():
            action = writes.save_new_action(
                form=form, axis=form.cleaned_data["axis"], by=request.user
            )
            messages.success(request, _("L'action %s est ajoutée.") % action.code)
            return redirect(action)

        return create_once(request, create)
    return render_form(
        request,
        title=_("Ajouter une action à « %s »") % axis,
        form=form,
        back=axis.get_absolute_url(),
    )


def action_update(request, slug, pk):
    """Edit an action; a save based on an outdated version is refused (optimistic locking)."""
    action = get_action_rw_for_user(request, slug, pk)
    roadmap = action.axis.roadmap
    form = ActionForm(request.POST or None, instance=action, roadmap=roadmap)
    conflict = error = None
    if form.is_valid():
        expected = form.cleaned_data["version"]  # None (missing, invalid): refused as stale
        try:
            action = writes.save_action(form=form, expected_version=expected, by=request.user)
        except writes.ConcurrentEdit as refused:
            error = refused
            conflict = error.changes
            fresh = Action.objects.get(pk=action.pk)
            data = _merge_after_conflict(form, fresh, conflict, roadmap)
            form = ActionForm(data, instance=fresh, roadmap=roadmap)
            if expected is not None and form.is_valid() and not form.has_changed():
                # The stale form asks for exactly what is stored: the same person's first save
                # (a double click, a resend). Nothing to write, nothing to report.
                messages.success(request, _("L'action %s est enregistrée.") % fresh.code)
                return redirect(fresh)
            form.is_valid()
            messages.error(request, _conflict_message(error, request.user))
        else:
            messages.success(request, _("L'action %s est enregistrée.") % action.code)
            return redirect(action)
    response = render(
        request,
        "roadmaps/action_form.html",
        {
            "form": form,
            "action": action,
            "conflict": conflict,
            "conflict_by_self": bool(error and error.authors == {request.user.pk}),
            "unknown_version": bool(error and error.unknown_version),
            "roadmap": roadmap,
        },
        status=409 if conflict is not None else (400 if form.is_bound else 200),
    )
    return response


def _conflict_message(error, user):
    """Why nothing was saved, naming the right person: someone else, or the user themself."""
    if error.unknown_version:
        return _(
            "Ce formulaire ne dit pas de quelle version de l'action il part : rien n'est "
            "enregistré, pour ne rien écraser. Le formulaire montre votre saisie ; vérifiez-la "
            "par rapport à l'action enregistrée, puis enregistrez de nouveau."
        )
    if error.authors == {user.pk}:
        return _(
            "Vous avez vous-même enregistré d'autres modifications de cette action depuis "
            "l'ouverture de ce formulaire (dans un autre onglet ou par un envoi précédent) : "
            "rien n'est enregistré. Le formulaire reprend ces modifications et votre saisie ; "
            "là où les deux diffèrent, c'est votre saisie qui est affichée. Vérifiez, puis "
            "enregistrez de nouveau."
        )
    return _(
        "Quelqu'un a modifié cette action pendant que vous la modifiiez : rien "
        "n'est enregistré. Le formulaire reprend ses modifications et les vôtres ; "
        "là où vous avez modifié le même champ, c'est votre saisie qui est "
        "affichée. Vérifiez, puis enregistrez de nouveau."
    )


def _merge_after_conflict(form, fresh, changes, roadmap):
    """The user's input plus the other person's changes on the fields the user left alone.

    The returned data carries the current version: saving it again is a deliberate choice.
    """
    data = form.data.copy()
    current = ActionForm(instance=fresh, roadmap=roadmap)
    for change in changes:
        name = change.field
        if name not in current.fields or name not in form.cleaned_data:
            continue
        mine = form.cleaned_data[name]
        mine = {obj.pk for obj in mine} if change.is_relation else getattr(mine, "pk", mine)
        if mine != change.old_value and not (mine in ("", None) and change.old_value in ("", None)):
            continue  # the user changed this field too: keep their input
        value = current[name].value()
        if change.is_relation:
            data.setlist(name, [str(pk) for pk in value])
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
            else:
                data.pop(name, None)
        else:
            data[name] = "" if value is None else str(value)
    data["version"] = fresh.version
    return data


@require_POST
def action_move_axis(request, slug, pk):
    action = get_action_rw_for_user(request, slug, pk)
    form = MoveActionForm(request.POST, roadmap=action.axis.roadmap)
    if not form.is_valid():
        return render_form(
            request,
            title=_("Déplacer l'action %s") % action.code,
            form=form,
            back=action.get_absolute_url(),
        )
    action = writes.move_action_to_axis(
        action=action, axis=form.cleaned_data["axis"], by=request.user
    )
    messages.success(request, _("L'action est maintenant l'action %s.") % action.code)
    return redirect(action)


@require_POST
def action_move(request, slug, pk, direction):
    action = get_action_rw_for_user(request, slug, pk)
    writes.move_action(action=action, direction=-1 if direction == "monter" else 1, by=request.user)
    return redirect(action.axis)


def progress_switch_notice(action, has_steps):
    """What adding the first step will do to the progress, said before it happens ("" once the
    action has steps)."""
    if has_steps:
        return ""
    return _(
        "L'avancement de cette action sera désormais calculé à partir des étapes "
        "(actuellement %(progress)s %%)."
    ) % {"progress": action.progress}


def step_create(request, slug, pk):
    action = get_action_rw_for_user(request, slug, pk)
    form = StepForm(request.POST or None, action=action)
    if form.is_valid():

        def create():
            writes.add_step(form=form, action=action, by=request.user)
            messages.success(request, _("L'étape est ajoutée."))
            return redirect(action)

        return create_once(request, create)
    return render_form(
        request,
        title=_("Ajouter une étape"),
        form=form,
        back=action.get_absolute_url(),
        action=action,
        intro=progress_switch_notice(action, action.steps.exists()),
    )


@require_POST
def step_mark(request, slug, pk, step_pk):
    """Mark a step done (`done=1`) or to do (`done=0`): the POST says which, so a double click
    or a resent form changes nothing more."""
    action, step = get_step_rw_for_user(request, slug, pk, step_pk)
    done = {"1": True, "0": False}.get(request.POST.get("done", ""))
    if done is None:
        return HttpResponseBadRequest(_("Indiquez si l'étape est faite (1) ou à faire (0)."))
    writes.mark_step(step=step, done=done, by=request.user)
    return redirect(action.get_absolute_url() + "#etapes")


def progress_create(request, slug, pk):
    action = get_action_rw_for_user(request, slug, pk)
    form = ProgressUpdateForm(
        request.POST or None,
        initial={"date": timezone.localdate()},
        computed=action.steps.exists(),
    )
    if form.is_valid():

        def create():
            writes.record_progress(action=action, by=request.user, **form.cleaned_data)
            messages.success(request, _("Le point d'étape est enregistré."))
            return redirect(action)

        return create_once(request, create)
    return render_form(
        request,
        title=_("Ajouter un point d'étape"),
        form=form,
        back=action.get_absolute_url(),
        action=action,
    )


def indicator_create(request, slug, pk):
    action = get_action_rw_for_user(request, slug, pk)
    form = IndicatorForm(request.POST or None)
    if form.is_valid():

        def create():
            writes.create_indicator(form=form, action=action, by=request.user)
            messages.success(request, _("L'indicateur est ajouté."))
            return redirect(action.get_absolute_url() + "#indicateurs")

        return create_once(request, create)
    return render_form(
        request,
        title=_("Ajouter un indicateur"),
        form=form,
        back=action.get_absolute_url(),
        action=action,
    )


def indicator_value_create(request, slug, pk, indicator_pk):
    action, indicator = get_indicator_rw_for_user(request, slug, pk, indicator_pk)
    form = IndicatorValueForm(
        request.POST or None, initial={"date": timezone.localdate()}, indicator=indicator
    )
    if form.is_valid():

        def create():
            writes.add_indicator_value(form=form, indicator=indicator, by=request.user)
            messages.success(request, _("La valeur est enregistrée."))
            return redirect(action.get_absolute_url() + "#indicateurs")

        return create_once(request, create)
    return render_form(
        request,
        title=_("Nouvelle valeur de « %s »") % indicator,
        form=form,
        back=action.get_absolute_url(),
        action=action,
    )
