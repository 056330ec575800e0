"""The signals the portal raises itself (`manage.py raise_signals`): the findings of the
detectors (roadmaps/detectors.py) turned into signals, once per territory, rule, subject and
month.

Idempotent: a signal already raised for the month is updated when its subject is found again
with other figures (its text and evidence, while it is still open: « nouveau » or « à
examiner »), and left as it is otherwise; a second run with the same data writes nothing. One
transaction per territory (all or nothing), and a constant number of queries per territory: the
detectors' own, then one read of the month's signals and a few bulk writes.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from portal.cache import content_changed
from portal.scopes import territory_scope
from roadmaps.detectors import as_of, registered_detectors
from roadmaps.models import Signal


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


def raise_signals(*, territory, month, detectors=None):
    """Raise the signals of `territory` for `month` (its first day) from `detectors` (default:
    settings.SIGNAL_DETECTORS). Returns an Outcome; writes nothing if a detector fails."""
    detectors = registered_detectors() if detectors is None else detectors
    outcome = Outcome()
    with transaction.atomic():
        findings = {}
        for detect in detectors:
            for finding in detect(territory, month):
                findings.setdefault((detect.rule, finding.rule_key), finding)
        existing = {
            (signal.rule, signal.rule_key): signal
            for signal in Signal.objects.select_for_update().filter(
                territory=territory, period=month, rule__in=[detect.rule for detect in detectors]
            )
        }
        new, changed = [], []
        observed_on = as_of(month)
        for (rule, rule_key), finding in findings.items():
            signal = existing.get((rule, rule_key))
            if signal is None:
                new.append(
                    (
                        Signal(
                            territory=territory,
                            text=finding.text,
                            observed_on=observed_on,
                            source=Signal.Source.PORTAL,
                            naf_id=finding.naf,
                            rule=rule,
                            rule_key=rule_key,
                            period=month,
                            evidence=finding.evidence,
                        ),
                        finding,
                    )
                )
            elif signal.status in Signal.Status.open() and (
                signal.text != finding.text or signal.evidence != finding.evidence
            ):
                signal.text, signal.evidence = finding.text, finding.evidence
                signal.version += 1
                signal.updated_at = timezone.now()
                changed.append(signal)
            else:
                outcome.unchanged += 1
        if new:
            created = Signal.objects.bulk_create([signal for signal, _finding in new])
            Signal.history.bulk_history_create(created)
            for relation, ids_of in (
                (Signal.communes, lambda finding: finding.communes),
                (Signal.themes, lambda finding: finding.themes),
            ):
                through = relation.through
                field = relation.field.m2m_reverse_field_name()
                links = [
                    through(signal_id=signal.pk, **{f"{field}_id": pk})
                    for signal, (_signal, finding) in zip(created, new, strict=True)
                    for pk in ids_of(finding)
                ]
                through.objects.bulk_create(links)
        if changed:
            Signal.objects.bulk_update(changed, ["text", "evidence", "version", "updated_at"])
            Signal.history.bulk_history_create(changed, update=True)
        if new or changed:  # bulk writes send no signal: make the territory's pages stale
            content_changed(territory_scope(territory.slug))
        outcome.created, outcome.updated = len(new), len(changed)
    return outcome
