"""Validated versions of a roadmap: frozen (a snapshot of its axes and actions) and compared."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from roadmaps.models import Action, Roadmap, RoadmapVersion, save_by


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
    save_by(roadmap, by=by)
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
