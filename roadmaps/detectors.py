"""The signals the portal raises itself, each month (`manage.py raise_signals`).

A detector is a function `detector(territory, month)` (`month`: the first day of the month)
returning the findings of that month: `Finding(rule_key, text, evidence, …)`, one per subject
(a commune and a need, a métier, a theme…). It runs a constant number of queries whatever the
territory's size, and writes nothing: `roadmaps.services.raised_signals` turns the findings into
signals, once per rule, subject and month.

Detectors are named by `settings.SIGNAL_DETECTORS` (dotted paths, like `HOME_PANELS`): those
reading referents' data live in `referents/detectors.py` (roadmaps never imports referents,
DESIGN.md); those reading companies and partners live here, through their query functions.

`evidence` is what the signal's page shows as a small table, through the include
"roadmaps/signals/_evidence.html" (with `signal`): `evidence_table(caption=…, columns=[…],
rows=[[…]], numeric=[column indexes])`, texts already written in French when the signal is
raised (a record of what was seen then).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from companies.followup.queries import division_labels, open_recruitment_needs
from partners.models import Partner
from portal.text import normalize

# Thresholds (per territory and month).
JOB_ESTABLISHMENTS = 3  # establishments with open recruitment needs for one métier
SECTOR_ESTABLISHMENTS = 5  # … in one NAF division
UNVERIFIED_PARTNERS = 3  # partner records past their check date in one theme category


@dataclass
class Finding:
    """What a detector saw about one subject in one month. `communes`, `themes` (ids) and `naf`
    (a NAF code) are set on the signal, so that the trends count it where it belongs."""

    rule_key: str
    text: str
    evidence: dict
    communes: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    naf: str | None = None


def detector(rule, label):
    """Mark a function as the detector of `rule` (stored in Signal.rule, ≤ 40 characters)."""

    def register(function):
        function.rule = rule
        function.label = label
        return function

    return register


def registered_detectors():
    """The detectors named by settings.SIGNAL_DETECTORS, in order."""
    return [import_string(path) for path in settings.SIGNAL_DETECTORS]


@cache
def _labels(paths):
    return {function.rule: function.label for function in map(import_string, paths)}


def rule_label(rule):
    """The label of a rule (« Commune sans référent »), or the rule itself if unknown."""
    return _labels(tuple(settings.SIGNAL_DETECTORS)).get(rule, rule)


def month_bounds(month):
    """(first day, last day) of `month`."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def as_of(month, today=None):
    """The day a rule on a state (référents in office, records to verify) looks at: the last
    day of the month, or today for the current month."""
    today = today or timezone.localdate()
    return min(month_bounds(month)[1], today)


def moment_of(day):
    """The end of `day`, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def month_label(month):
    """« octobre 2026 »."""
    return date_format(month, "F Y")


def evidence_table(*, caption, columns, rows, numeric=()):
    """The evidence of a signal: a table, stored as JSON (plain strings and numbers)."""
    return {
        "caption": str(caption),
        "columns": [str(column) for column in columns],
        "rows": [[cell if isinstance(cell, int) else str(cell) for cell in row] for row in rows],
        "numeric": sorted(numeric),
    }


# Companies: open recruitment needs piling up for one métier or one sector.


@detector("recrutements-en-attente", gettext_lazy("Recrutements en attente"))
def recruitment_piling_up(territory, month):
    """Open recruitment needs at the end of the month: one finding per métier sought by at
    least JOB_ESTABLISHMENTS establishments, one per NAF division with at least
    SECTOR_ESTABLISHMENTS establishments, when at least one of their needs was detected during
    the month (needs that merely stay open were signalled the month they piled up). Two queries:
    the needs, the divisions' labels."""
    day = as_of(month)
    rows = open_recruitment_needs(territory=territory, since=month, until=day)
    labels = division_labels({row["division"] for row in rows if row["division"]})
    jobs, sectors, spellings = defaultdict(list), defaultdict(list), defaultdict(dict)
    for row in rows:
        key = normalize(row["job"]).strip()
        if key:
            jobs[key].append(row)
            spellings[key][row["job"]] = spellings[key].get(row["job"], 0) + row["needs"]
        if row["division"]:
            sectors[row["division"]].append(row)
    findings = []
    end = date_format(day, "j F Y")
    for key, job_rows in sorted(jobs.items()):
        establishments = {row["establishment_id"] for row in job_rows}
        if len(establishments) < JOB_ESTABLISHMENTS or not _new(job_rows):
            continue
        job = max(sorted(spellings[key]), key=lambda spelling: spellings[key][spelling]).strip()
        by_sector = _totals(job_rows, lambda row: _sector(row["division"], labels))
        needs = sum(row["needs"] for row in job_rows)
        positions = sum(row["positions"] or 0 for row in job_rows)
        text = ngettext(
            "%(count)d établissement recherche « %(job)s » : %(needs)s, %(positions)s "
            "(besoins de recrutement ouverts au %(date)s).",
            "%(count)d établissements recherchent « %(job)s » : %(needs)s, %(positions)s "
            "(besoins de recrutement ouverts au %(date)s).",
            len(establishments),
        ) % {
            "count": len(establishments),
            "job": job,
            "needs": _needs(needs),
            "positions": _positions(positions),
            "date": end,
        }
        text += " " + _detected_in(_new(job_rows), month)
        findings.append(
            Finding(
                rule_key=f"metier:{key}"[:200],
                text=text,
                evidence=evidence_table(
                    caption=_("Besoins de recrutement ouverts « %(job)s », par secteur")
                    % {"job": job},
                    columns=[_("Secteur"), _("Établissements"), _("Besoins"), _("Postes")],
                    rows=by_sector,
                    numeric=[1, 2, 3],
                ),
            )
        )
    for division, sector_rows in sorted(sectors.items()):
        establishments = {row["establishment_id"] for row in sector_rows}
        if len(establishments) < SECTOR_ESTABLISHMENTS or not _new(sector_rows):
            continue
        sector = _sector(division, labels)
        by_job = _totals(sector_rows, lambda row: row["job"].strip() or _("Métier non précisé"))
        text = ngettext(
            "%(count)d établissement du secteur « %(sector)s » a des besoins de recrutement "
            "ouverts au %(date)s : %(needs)s, %(positions)s.",
            "%(count)d établissements du secteur « %(sector)s » ont des besoins de recrutement "
            "ouverts au %(date)s : %(needs)s, %(positions)s.",
            len(establishments),
        ) % {
            "count": len(establishments),
            "sector": sector,
            "date": end,
            "needs": _needs(sum(row["needs"] for row in sector_rows)),
            "positions": _positions(sum(row["positions"] or 0 for row in sector_rows)),
        }
        text += " " + _detected_in(_new(sector_rows), month)
        findings.append(
            Finding(
                rule_key=f"naf:{division}",
                text=text,
                evidence=evidence_table(
                    caption=_("Besoins de recrutement ouverts du secteur, par métier"),
                    columns=[_("Métier"), _("Établissements"), _("Besoins"), _("Postes")],
                    rows=by_job,
                    numeric=[1, 2, 3],
                ),
                naf=division if division in labels else None,
            )
        )
    return findings


def _new(rows):
    return sum(row["new"] for row in rows)


def _detected_in(count, month):
    return ngettext(
        "Dont %(count)d détecté en %(month)s.", "Dont %(count)d détectés en %(month)s.", count
    ) % {"count": count, "month": month_label(month)}


def _sector(division, labels):
    if not division:
        return _("Activité non renseignée")
    return f"{division} — {labels.get(division, '')}".strip(" —")


def _needs(count):
    return ngettext("%(count)d besoin", "%(count)d besoins", count) % {"count": count}


def _positions(count):
    return ngettext("%(count)d poste", "%(count)d postes", count) % {"count": count}


def _totals(rows, label_of):
    """[[label, establishments, needs, positions]] by label, most establishments first."""
    groups = defaultdict(lambda: [set(), 0, 0])
    for row in rows:
        group = groups[label_of(row)]
        group[0].add(row["establishment_id"])
        group[1] += row["needs"]
        group[2] += row["positions"] or 0
    table = [
        [label, len(ids), needs, positions] for label, (ids, needs, positions) in groups.items()
    ]
    return sorted(table, key=lambda line: (-line[1], line[0]))


# Partners: records long unverified in one theme.


@detector("fiches-a-verifier", gettext_lazy("Fiches partenaires à vérifier"))
def unverified_partners(territory, month):
    """The territory's partner records past their check date at the end of the month (never
    verified, or verified longer ago than their check interval), by theme category: one finding
    per category with at least UNVERIFIED_PARTNERS records, one of which fell due during the
    month (created then if never verified): records that merely stay due were signalled the
    month the category reached the threshold. One query."""
    day = as_of(month)
    due = Partner.objects.filter(territory=territory).due_for_review(moment_of(day))
    links = (
        Partner.themes.through.objects.filter(partner__in=due)
        .annotate(
            category=Coalesce("theme__parent_id", "theme_id"),
            category_slug=Coalesce("theme__parent__slug", "theme__slug"),
            category_label=Coalesce("theme__parent__label", "theme__label"),
        )
        .values(
            "category",
            "category_slug",
            "category_label",
            "partner_id",
            "partner__name",
            "partner__verified_at",
            "partner__check_interval",
            "partner__created_at",
        )
        .order_by()
        .distinct()
    )
    categories = defaultdict(dict)
    for link in links:
        categories[(link["category"], link["category_slug"], link["category_label"])][
            link["partner_id"]
        ] = link
    findings = []
    end = date_format(day, "j F Y")
    for (category, slug, label), partners in sorted(categories.items(), key=lambda i: i[0][2]):
        records = [
            Partner(
                name=link["partner__name"],
                verified_at=link["partner__verified_at"],
                check_interval=link["partner__check_interval"],
                created_at=link["partner__created_at"],
            )
            for link in sorted(partners.values(), key=_oldest_first)
        ]
        fell_due = [
            timezone.localdate(record.next_check or record.created_at) for record in records
        ]
        if len(records) < UNVERIFIED_PARTNERS or not any(
            month <= due_on <= day for due_on in fell_due
        ):
            continue
        rows = []
        for record in records:
            verified, due_on = _("jamais"), _("sa création")
            if record.verified_at:
                verified = date_format(timezone.localtime(record.verified_at), "j F Y")
                due_on = date_format(timezone.localtime(record.next_check), "j F Y")
            rows.append([record.name, verified, due_on])
        text = ngettext(
            "%(count)d fiche partenaire de la thématique « %(theme)s » n'a pas été vérifiée dans "
            "le délai prévu (au %(date)s).",
            "%(count)d fiches partenaires de la thématique « %(theme)s » n'ont pas été vérifiées "
            "dans le délai prévu (au %(date)s).",
            len(partners),
        ) % {"count": len(partners), "theme": label, "date": end}
        findings.append(
            Finding(
                rule_key=slug,
                text=text,
                evidence=evidence_table(
                    caption=_("Fiches à vérifier, la plus ancienne d'abord"),
                    columns=[_("Partenaire"), _("Dernière vérification"), _("À vérifier depuis")],
                    rows=rows,
                ),
                themes=[category],
            )
        )
    return findings


def _oldest_first(link):
    verified = link["partner__verified_at"]
    return (verified is not None, verified or 0, link["partner__name"])
