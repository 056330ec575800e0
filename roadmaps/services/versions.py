"""Versions of a roadmap: frozen at each validation or revision (a snapshot of the whole
roadmap, with the decision and the signals that led to it) and compared.

A snapshot is JSON. Format 2 (`"format": 2`) holds the roadmap's title and period, its
diagnostic text and indicators, its stakes and objectives, its axes, its actions (dates, status,
pilot, partners, description) and their indicators with baseline and target. Format 1, the
versions frozen before, held the axes and the actions only: the parts it lacks are « non
enregistré dans cette version » in a comparison, and a field one side lacks is not compared.
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roadmaps.models import Action, Indicator, Roadmap, RoadmapVersion, decimal_label, save_by

FORMAT = 2


def _iso(day):
    return day.isoformat() if day else None


def _number(value):
    return None if value is None else str(value)


def snapshot(roadmap, actions=None, axes=None):
    """A JSON-ready copy of the whole roadmap, in 6 queries whatever its size: diagnostic
    indicators, axes, actions with their pilot, step counts, contributing partners, indicators.

    Given the `actions` and `axes` a page has loaded (`Action.objects.for_roadmap_page`), it
    copies those and the roadmap's own texts without a query, and says it is `partial`: the
    diagnostic indicators, the actions' descriptions and partners and the action indicators are
    left out, and a comparison leaves them out too (the dashboard's « what moved »)."""
    partial = actions is not None
    if axes is None:
        axes = list(roadmap.axes.all())
    partners = {}
    if actions is None:
        actions = list(
            Action.objects.filter(axis__roadmap=roadmap)
            .select_related("pilot_partner")
            .order_by("axis__number", "number")
        )
        counts = Action.objects.step_counts(roadmap)
        by_id = {axis.pk: axis for axis in axes}
        for action in actions:
            action.axis = by_id[action.axis_id]
            action.step_total, action.step_done = counts.get(action.pk, (0, 0))
        rows = (
            Action.partners.through.objects.filter(action__axis__roadmap=roadmap)
            .order_by("partner__name")
            .values_list("action_id", "partner__name")
        )
        for action_id, name in rows:
            partners.setdefault(action_id, []).append(name)
    data = {
        "format": FORMAT,
        "roadmap": {
            "title": roadmap.title,
            "period": roadmap.period,
            "axis_label": roadmap.axis_label,
        },
        "diagnostic": roadmap.diagnostic,
        "stakes": roadmap.stakes,
        "objectives": roadmap.objectives,
        "axes": [
            {
                "id": axis.pk,
                "number": axis.number,
                "title": axis.title,
                "objectives": axis.objectives,
            }
            for axis in axes
        ],
        "actions": [],
    }
    for action in actions:
        row = {
            "id": action.pk,
            "axis_id": action.axis_id,
            "axis": str(action.axis),
            "code": action.code,
            "title": action.title,
            "status": action.status,
            "start_date": _iso(action.start_date),
            "end_date": _iso(action.end_date),
            "progress": action.effective_progress,
            "pilot": action.pilot_label,
        }
        if not partial:
            row["description"] = action.description
            row["partners"] = partners.get(action.pk, [])
        data["actions"].append(row)
    if partial:
        data["partial"] = True
        return data
    data["facts"] = [
        {
            "id": fact.pk,
            "label": fact.label,
            "value": _number(fact.value),
            "unit": fact.unit,
            "year": fact.year,
            "source": fact.source,
        }
        for fact in roadmap.facts.all()
    ]
    codes = {action.pk: action.code for action in actions}
    data["indicators"] = [
        {
            "id": indicator.pk,
            "action_id": indicator.action_id,
            "action": codes.get(indicator.action_id, ""),
            "label": indicator.label,
            "unit": indicator.unit,
            "baseline": _number(indicator.baseline),
            "target": _number(indicator.target),
        }
        for indicator in Indicator.objects.filter(action__axis__roadmap=roadmap).order_by(
            "action__axis__number", "action__number", "pk"
        )
    ]
    return data


@transaction.atomic
def validate_roadmap(
    *, roadmap, name, validated_on, validated_by="", summary="", signals=(), by=None
):
    """Mark the roadmap validated and freeze a named, dated version of it: its first
    validation or a revision, with the decision (`summary`) and the signals that led to it
    (signals of the roadmap's territory: the form offers no other)."""
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    roadmap.status = Roadmap.Status.VALIDATED
    roadmap.validated_on = validated_on
    roadmap.version += 1  # an edit form opened before would set the status back
    if validated_by:
        roadmap.validated_by = validated_by
    save_by(roadmap, by=by)
    version = RoadmapVersion.objects.create(
        roadmap=roadmap,
        name=name,
        validated_on=validated_on,
        validated_by=validated_by,
        summary=summary,
        snapshot=snapshot(roadmap),
        created_by=by,
    )
    if signals:
        if any(signal.territory_id != roadmap.territory_id for signal in signals):
            raise ValueError("a signal of another territory")
        version.signals.set(signals)
    return version


# --- Comparison -------------------------------------------------------------------------------


@dataclass
class Change:
    """One change, said in French: `text`, and the values `before` and `after` when they are
    short, or `diff` (paragraphs, see `text_diff`) for a text. `kind` names the sort of change
    (`axis_renamed`, `fact_value`…) for the page's styles and the tests."""

    kind: str
    text: str
    before: str = ""
    after: str = ""
    diff: list | None = None


@dataclass
class Part:
    """One part of the roadmap (diagnostic, stakes, axes…) and what changed in it; `note` says
    it cannot be compared, when a version was frozen before it was recorded."""

    key: str
    title: str
    changes: list = field(default_factory=list)
    note: str = ""

    @property
    def count_label(self):
        count = len(self.changes)
        if not count:
            return _("aucun changement")
        return ngettext("%(count)s changement", "%(count)s changements", count) % {"count": count}


@dataclass
class Comparison:
    parts: list
    # The actions added, removed, moved, re-planned and re-statused (dicts of the snapshot,
    # with `before` and `after` labels), as lists for the pages that count them.
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    replanned: list = field(default_factory=list)
    status_changed: list = field(default_factory=list)

    @property
    def changes(self):
        return [change for part in self.parts for change in part.changes]

    @property
    def is_empty(self):
        return not self.changes

    @property
    def count(self):
        return len(self.changes)

    @property
    def kinds(self):
        return {change.kind for change in self.changes}

    def part(self, key):
        return next(part for part in self.parts if part.key == key)


def _date_label(iso):
    if not iso:
        return _("amélioration continue")
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _dates_label(item):
    """« du 01/04/2022 au 31/12/2022 »: the arrow of a change stays between the two periods."""
    return _("du %(start)s au %(end)s") % {
        "start": _date_label(item["start_date"]),
        "end": _date_label(item["end_date"]),
    }


def _figure(value, unit=""):
    """A stored number ("12.50") with its unit, as French text: "12,5 %"."""
    if value is None:
        return "—"
    return f"{decimal_label(Decimal(value))} {unit}".strip()


def _or_none(text):
    return text or _("aucun")


def _paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


WORD = re.compile(r"\w+\s*|[^\w\s]+\s*")


def _word_diff(before, after):
    """[(op, words)] where op is "same", "removed" or "added", from one text to the other:
    words and punctuation compared, each run with its spaces, so that the runs put end to end
    give the text back."""
    old, new = WORD.findall(before.strip()), WORD.findall(after.strip())
    runs = []
    matcher = difflib.SequenceMatcher(
        a=[token.strip() for token in old], b=[token.strip() for token in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(new[j1:j2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(new[j1:j2])))
    return runs


def text_diff(before, after):
    """What changed from one text to the other, paragraph by paragraph (difflib): a list of
    {"op": "added" | "removed" | "changed", "text", "words"}; "words" of a changed paragraph
    are [(op, words)] runs, op "same", "removed" or "added". Unchanged paragraphs are left out."""
    old, new = _paragraphs(before), _paragraphs(after)
    result = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        result += _paragraphs_diff(old[i1:i2], new[j1:j2])
    return result


def _paragraphs_diff(removed, added):
    """Paragraphs replaced by others: one reworded (half its words kept at least) shows its
    words, in the order of the new text; the others are removed or added."""
    pairs, start = {}, 0
    for i, was in enumerate(removed):
        j = next((j for j in range(start, len(added)) if _similar(was, added[j])), None)
        if j is not None:
            pairs[j], start = i, j + 1
    result, done = [], 0
    for j, now in enumerate(added):
        if j not in pairs:
            result.append({"op": "added", "text": now, "words": []})
            continue
        i = pairs[j]
        result += [{"op": "removed", "text": was, "words": []} for was in removed[done:i]]
        result.append({"op": "changed", "text": now, "words": _word_diff(removed[i], now)})
        done = i + 1
    result += [{"op": "removed", "text": was, "words": []} for was in removed[done:]]
    return result


def _similar(before, after):
    return difflib.SequenceMatcher(a=before.split(), b=after.split()).ratio() >= 0.5


def _text_change(kind, text, before, after):
    """A Change for a free text, or None when its words are the same."""
    if (before or "").split() == (after or "").split():
        return None
    return Change(kind, text, diff=text_diff(before, after))


def _matched(old_rows, new_rows, key=None):
    """Pairs (old, new) of rows of the same object: the same id, else the same `key` (a figure
    deleted and typed again). Returns (pairs, removed, added)."""
    old = {row["id"]: row for row in old_rows}
    new = {row["id"]: row for row in new_rows}
    pairs = [(old[pk], new[pk]) for pk in new if pk in old]
    removed = {pk: row for pk, row in old.items() if pk not in new}
    added = []
    for pk, row in new.items():
        if pk in old:
            continue
        twin = next((o for o in removed.values() if key and o.get(key) == row.get(key)), None)
        if twin is None:
            added.append(row)
        else:
            pairs.append((removed.pop(twin["id"]), row))
    return pairs, list(removed.values()), added


def _general(old, new):
    changes = []
    was, now = old["roadmap"], new["roadmap"]
    if was["title"] != now["title"]:
        changes.append(Change("title", _("Titre"), was["title"], now["title"]))
    if was["period"] != now["period"]:
        changes.append(
            Change("period", _("Période"), _or_none(was["period"]), _or_none(now["period"]))
        )
    return changes


def _fact_figure(row):
    figure = _figure(row["value"], row["unit"])
    return f"{figure} ({row['year']})" if row.get("year") else figure


def _diagnostic(old, new):
    changes = []
    if "diagnostic" in old and "diagnostic" in new:
        change = _text_change(
            "diagnostic_text", _("Texte du diagnostic"), old["diagnostic"], new["diagnostic"]
        )
        changes += [change] if change else []
    if "facts" not in old or "facts" not in new:
        return changes
    pairs, removed, added = _matched(old["facts"], new["facts"], key="label")
    for row in added:
        text = _("Indicateur ajouté : %(label)s") % {"label": row["label"]}
        changes.append(Change("fact_added", text, after=_fact_figure(row)))
    for row in removed:
        text = _("Indicateur retiré : %(label)s") % {"label": row["label"]}
        changes.append(Change("fact_removed", text, before=_fact_figure(row)))
    for was, now in pairs:
        if was["label"] != now["label"]:
            text = _("Indicateur renommé")
            changes.append(Change("fact_renamed", text, was["label"], now["label"]))
        if _fact_figure(was) != _fact_figure(now):
            text = _("%(label)s : valeur") % {"label": now["label"]}
            changes.append(Change("fact_value", text, _fact_figure(was), _fact_figure(now)))
        if was["source"] != now["source"]:
            text = _("%(label)s : source") % {"label": now["label"]}
            changes.append(
                Change("fact_source", text, _or_none(was["source"]), _or_none(now["source"]))
            )
    return changes


def _free_text(key, kind, label):
    def compare(old, new):
        change = _text_change(kind, label, old[key], new[key])
        return [change] if change else []

    return compare


def _axis_label(snap):
    value = snap.get("roadmap", {}).get("axis_label", Roadmap.AxisLabel.AXIS)
    if value not in Roadmap.AxisLabel.values:
        value = Roadmap.AxisLabel.AXIS
    return Roadmap.AxisLabel(value)


def _axes(old, new):
    label = str(_axis_label(new).label).capitalize()
    pairs, removed, added = _matched(old["axes"], new["axes"], key="title")
    changes = []
    for row in added:
        text = _("%(label)s %(number)s ajouté : %(title)s")
        changes.append(Change("axis_added", text % {"label": label, **row}))
    for row in removed:
        text = _("%(label)s %(number)s retiré : %(title)s")
        changes.append(Change("axis_removed", text % {"label": label, **row}))
    for was, now in sorted(pairs, key=lambda pair: pair[1]["number"]):
        names = {"label": label, "number": now["number"], "title": now["title"]}
        if was["title"] != now["title"]:
            text = _("%(label)s %(number)s renommé") % names
            changes.append(Change("axis_renamed", text, was["title"], now["title"]))
        if was["number"] != now["number"]:
            text = _("%(label)s « %(title)s » : numéro") % names
            changes.append(Change("axis_renumbered", text, str(was["number"]), str(now["number"])))
        if "objectives" in was and "objectives" in now:
            text = _("%(label)s %(number)s : objectifs") % names
            change = _text_change("axis_objectives", text, was["objectives"], now["objectives"])
            changes += [change] if change else []
    return changes


def _actions(old_snap, new_snap, comparison):
    old = {item["id"]: item for item in old_snap["actions"]}
    new = {item["id"]: item for item in new_snap["actions"]}
    labels = dict(Action.Status.choices)
    order = {pk: index for index, pk in enumerate(new)}
    changes = []
    comparison.added = [new[pk] for pk in new if pk not in old]
    comparison.removed = sorted(
        (old[pk] for pk in old if pk not in new), key=lambda item: item["code"]
    )
    for item in comparison.added:
        text = _("Action ajoutée : %(code)s %(title)s") % item
        changes.append(Change("action_added", text))
    for item in comparison.removed:
        text = _("Action retirée : %(code)s %(title)s") % item
        changes.append(Change("action_removed", text))
    for pk in sorted(new.keys() & old.keys(), key=order.get):
        changes += _action_changes(old[pk], new[pk], comparison, labels)
    return changes


def _action_changes(was, now, comparison, labels):
    """What changed in one action kept from one snapshot to the other."""
    name = f"{now['code']} {now['title']}"
    changes = []

    def said(kind, label, before, after):
        return Change(kind, f"{name} : {label}", before, after)

    if was["title"] != now["title"]:
        changes.append(said("action_renamed", _("intitulé"), was["title"], now["title"]))
    if was["axis_id"] != now["axis_id"]:
        comparison.moved.append({**now, "before": was["axis"], "after": now["axis"]})
        changes.append(said("action_moved", _("déplacée"), was["axis"], now["axis"]))
    if (was["start_date"], was["end_date"]) != (now["start_date"], now["end_date"]):
        before, after = _dates_label(was), _dates_label(now)
        comparison.replanned.append({**now, "before": before, "after": after})
        changes.append(said("action_replanned", _("replanifiée"), before, after))
    if was["status"] != now["status"]:
        before = str(labels.get(was["status"], was["status"]))
        after = str(labels.get(now["status"], now["status"]))
        comparison.status_changed.append({**now, "before": before, "after": after})
        changes.append(said("action_status", _("statut"), before, after))
    if "pilot" in was and "pilot" in now and was["pilot"] != now["pilot"]:
        before, after = _or_none(was["pilot"]), _or_none(now["pilot"])
        changes.append(said("action_pilot", _("pilote"), before, after))
    if "partners" in was and "partners" in now and was["partners"] != now["partners"]:
        before, after = ", ".join(was["partners"]), ", ".join(now["partners"])
        changes.append(said("action_partners", _("partenaires"), _or_none(before), _or_none(after)))
    if "description" in was and "description" in now:
        label = f"{name} : {_('description')}"
        change = _text_change("action_description", label, was["description"], now["description"])
        changes += [change] if change else []
    return changes


def _indicator_name(row):
    return f"{row['action']} {row['label']}" if row.get("action") else row["label"]


def _indicators(old, new):
    pairs, removed, added = _matched(old["indicators"], new["indicators"])
    changes = []
    for row in added:
        text = _("Indicateur ajouté : %(name)s") % {"name": _indicator_name(row)}
        target = _("cible %(target)s") % {"target": _figure(row["target"], row["unit"])}
        changes.append(Change("indicator_added", text, after=target))
    for row in removed:
        text = _("Indicateur retiré : %(name)s") % {"name": _indicator_name(row)}
        changes.append(Change("indicator_removed", text))
    for was, now in pairs:
        name = _indicator_name(now)
        if (was["label"], was["unit"]) != (now["label"], now["unit"]):
            text = _("%(name)s : libellé") % {"name": name}
            before = f"{was['label']} ({was['unit']})" if was["unit"] else was["label"]
            after = f"{now['label']} ({now['unit']})" if now["unit"] else now["label"]
            changes.append(Change("indicator_renamed", text, before, after))
        if was["baseline"] != now["baseline"]:
            text = _("%(name)s : valeur de départ") % {"name": name}
            before, after = (
                _figure(was["baseline"], was["unit"]),
                _figure(now["baseline"], now["unit"]),
            )
            changes.append(Change("indicator_baseline", text, before, after))
        if was["target"] != now["target"]:
            text = _("%(name)s : cible") % {"name": name}
            before, after = _figure(was["target"], was["unit"]), _figure(now["target"], now["unit"])
            changes.append(Change("indicator_target", text, before, after))
    return changes


def _parts():
    """(key, title, what the part needs in a snapshot, how it compares)."""
    return [
        ("general", _("Titre et période"), ["roadmap"], _general),
        ("diagnostic", _("Diagnostic"), ["diagnostic", "facts"], _diagnostic),
        ("stakes", _("Enjeux"), ["stakes"], _free_text("stakes", "stakes", _("Texte des enjeux"))),
        (
            "objectives",
            _("Objectifs"),
            ["objectives"],
            _free_text("objectives", "objectives", _("Texte des objectifs")),
        ),
        ("axes", None, ["axes"], _axes),
        ("actions", _("Actions"), ["actions"], None),
        ("indicators", _("Indicateurs des actions"), ["indicators"], _indicators),
    ]


def compare(before, after):
    """What changed from one snapshot to the other, part by part (Comparison).

    A part neither side recorded in full is noted « non enregistré » (a version frozen in
    format 1); a part a `partial` snapshot leaves out is left out."""
    comparison = Comparison(parts=[])
    for key, title, needs, function in _parts():
        if title is None:
            title = str(_axis_label(after).plural()).capitalize()
        lacking = [
            side
            for side, snap in (("before", before), ("after", after))
            if not any(name in snap for name in needs)
        ]
        partial = [side for side in lacking if (before, after)[side == "after"].get("partial")]
        if partial:
            continue
        part = Part(key, title)
        if lacking:
            part.note = {
                ("before",): _("Non enregistré dans la version de départ."),
                ("after",): _("Non enregistré dans la version d'arrivée."),
            }.get(tuple(lacking), _("Non enregistré dans ces versions."))
        elif key == "actions":
            part.changes = _actions(before, after, comparison)
        else:
            part.changes = function(before, after)
        comparison.parts.append(part)
    return comparison
