"""The data every roadmap page shares (access is roadmaps/perms.py's)."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from roadmaps.charts import mean_progress, status_counts
from roadmaps.models import Action, Axis, Roadmap


def annotate_dates(action, today):
    """Set the computed flags the templates show (never stored)."""
    action.late = action.is_late(today)
    action.due_soon = action.is_due_soon(today)
    action.end_label = action.end_date.strftime("%d/%m/%Y") if action.end_date else ""
    return action


def with_reasons(versions, slug):
    """Set on each version (newest first) `previous`, the version before it (None for the
    first one loaded), `compare_url`, its comparison with that one, and on each of its
    signals `url`, the signal's page (no query).
    Returns `versions`."""
    listing = reverse("roadmaps:versions", args=[slug])
    for version, previous in zip(versions, [*versions[1:], None], strict=False):
        version.previous = previous
        version.compare_url = (
            f"{listing}?de={previous.pk}&a={version.pk}#comparaison" if previous else ""
        )
        for signal in version.signals.all():
            signal.url = reverse("roadmaps:signal", args=[slug, signal.pk])
    return versions


def render_form(request, *, title, form, back, action=None, submit=None, status=200, intro=""):
    """The one template of the small edit pages (crispy form, cancel link)."""
    return render(
        request,
        "roadmaps/form.html",
        {
            "title": title,
            "form": form,
            "back": back,
            "action": action,
            "submit": submit,
            "intro": intro,
        },
        status=status if not form.is_bound or form.is_valid() else 400,
    )


@dataclass
class AxisSummary:
    axis: Axis
    actions: list = field(default_factory=list)

    @cached_property
    def progress(self):
        """Mean progress of the axis's actions (abandoned ones left out)."""
        return mean_progress(self.actions)


@dataclass
class Overview:
    """Everything the roadmap page and the dashboard show, from 2 queries (axes, actions)."""

    roadmap: Roadmap
    today: datetime.date
    axes: list
    actions: list

    @classmethod
    def load(cls, roadmap, today=None):
        today = today or timezone.localdate()
        axes = list(roadmap.axes.all())
        actions = list(Action.objects.for_roadmap_page(roadmap))
        counts = Action.objects.step_counts(roadmap)
        by_id = {axis.pk: axis for axis in axes}
        labels = {value: str(label) for value, label in Action.Status.choices}
        # one reverse() for all the links, and "late" computed once per action for the page
        url = reverse("roadmaps:action", args=[roadmap.territory.slug, 0]).rsplit("0/", 1)[0]
        for action in actions:
            action.axis = by_id[action.axis_id]
            action.step_total, action.step_done = counts.get(action.pk, (0, 0))
            action.url = f"{url}{action.pk}/"
            action.status_label = labels[action.status]
            annotate_dates(action, today)
        return cls(roadmap=roadmap, today=today, axes=axes, actions=actions)

    def summaries(self, actions=None):
        actions = self.actions if actions is None else actions
        summaries = {axis.pk: AxisSummary(axis) for axis in self.axes}
        for action in actions:
            summaries[action.axis_id].actions.append(action)
        return list(summaries.values())

    @cached_property
    def axis_summaries(self):
        return self.summaries()

    @cached_property
    def status_counts(self):
        return status_counts(self.actions)

    @cached_property
    def late(self):
        return [action for action in self.actions if action.late]

    @cached_property
    def due_soon(self):
        return sorted(
            (action for action in self.actions if action.due_soon),
            key=lambda action: action.end_date,
        )

    @cached_property
    def to_discuss(self):
        return [action for action in self.actions if action.to_discuss]

    @cached_property
    def pilots(self):
        partners = {a.pilot_partner.pk: a.pilot_partner for a in self.actions if a.pilot_partner}
        return sorted(partners.values(), key=lambda partner: partner.name)

    @cached_property
    def progress(self):
        return mean_progress(self.actions)
