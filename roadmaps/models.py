"""A territory's feuille de route: phases, axes, actions, steps, indicators, updates, versions.

"En retard" and the progress derived from steps are computed, never stored. Every change to a
roadmap, an axis, an action or a step is recorded by django-simple-history (who, when, what);
an action's record also holds its partners, publics and communes at that moment.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.history import M2MHistoricalRecords, delete_by, save_by  # noqa: F401 (re-exported)
from portal.models import Commune, Territory


def decimal_label(value):
    """A number as French text without useless zeros: 12.50 → "12,5" (None → "—")."""
    if value is None:
        return "—"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


LONG_TEXT = 5000  # characters accepted in a free-text field (forms refuse more)
DUE_SOON_DAYS = 30

# The many-to-many fields of an action kept in its history (tables roadmaps_historicalaction_*).
ACTION_HISTORY_M2M = ["partners", "publics", "communes"]
# The change reason of the record that migration 0002 added to each action that had partners,
# publics or communes: their state when they started to be recorded. Records before it hold no
# relations (unknown, not empty): the history compares relations from this record on only.
M2M_BASELINE_REASON = "début du suivi des partenaires, publics et communes"


class RoadmapQuerySet(models.QuerySet):
    def published(self):
        """The current roadmaps visitors may read: published and not a draft (a roadmap put
        back into construction is no longer public, whatever its publication says)."""
        return self.filter(is_current=True, is_published=True).exclude(status=Roadmap.Status.DRAFT)


class Roadmap(models.Model):
    class Status(models.TextChoices):
        DRAFT = "brouillon", _("en construction")
        VALIDATED = "validee", _("validée")
        ARCHIVED = "archivee", _("archivée")

    class AxisLabel(models.TextChoices):
        AXIS = "axe", _("axe")
        WORKSTREAM = "chantier", _("chantier clé")

        def plural(self):
            return {"axe": _("axes"), "chantier": _("chantiers clés")}[self.value]

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="roadmaps"
    )
    title = models.CharField(_("titre"), max_length=200)
    period = models.CharField(
        _("période"), max_length=100, blank=True, help_text=_("Par exemple : 2022-2026.")
    )
    work_started_on = models.DateField(_("travaux commencés le"), null=True, blank=True)
    diagnostic = models.TextField(_("diagnostic"), max_length=LONG_TEXT, blank=True)
    stakes = models.TextField(_("enjeux"), max_length=LONG_TEXT, blank=True)
    objectives = models.TextField(_("objectifs"), max_length=LONG_TEXT, blank=True)
    axis_label = models.CharField(
        _("nom des axes"), max_length=10, choices=AxisLabel, default=AxisLabel.AXIS
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.DRAFT)
    is_current = models.BooleanField(_("feuille de route en cours"), default=True)
    validated_by = models.CharField(
        _("validée par"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : conseil communautaire."),
    )
    validated_on = models.DateField(_("validée le"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Publication (roadmaps/services/publication.py): visitors read the published roadmap
    # (roadmaps/public.py), never a draft; the budget only when the coordination says so.
    is_published = models.BooleanField(_("publiée"), default=False, editable=False)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, editable=False)
    budget_public = models.BooleanField(
        _("budget public"),
        default=False,
        editable=False,
        help_text=_("Montrer le budget et les financeurs des actions aux visiteurs."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    history = HistoricalRecords()
    objects = RoadmapQuerySet.as_manager()
    # portal/scopes.py: a change to any roadmap (published, put back into construction…)
    # stales the list of published roadmaps, which shows their own columns only.
    cache_scopes_shown = ("roadmaps",)

    class Meta:
        verbose_name = _("feuille de route")
        verbose_name_plural = _("feuilles de route")
        ordering = ["territory__name", "-is_current", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory"],
                condition=Q(is_current=True),
                name="roadmaps_roadmap_one_current_per_territory",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.territory})"

    def get_absolute_url(self):
        return reverse("roadmaps:detail", args=[self.territory.slug])

    @classmethod
    def current_for(cls, territory):
        """The territory's current roadmap, or None."""
        return cls.objects.filter(territory=territory, is_current=True).first()

    @property
    def is_public(self):
        return self.is_current and self.is_published and self.status != Roadmap.Status.DRAFT

    @property
    def axis_label_singular(self):
        return self.AxisLabel(self.axis_label).label

    @property
    def axis_label_plural(self):
        return self.AxisLabel(self.axis_label).plural()


class DiagnosticIndicator(models.Model):
    """A figure of the diagnostic: taux de chômage, part des non-diplômés…"""

    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("feuille de route"), on_delete=models.CASCADE, related_name="facts"
    )
    label = models.CharField(_("libellé"), max_length=200)
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=30, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("indicateur du diagnostic")
        verbose_name_plural = _("indicateurs du diagnostic")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.label} : {self.value} {self.unit}".strip()


class Axis(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("feuille de route"), on_delete=models.CASCADE, related_name="axes"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=300)
    objectives = models.TextField(_("objectifs"), max_length=LONG_TEXT, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        ordering = ["roadmap", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "number"], name="roadmaps_axis_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return (
            reverse("roadmaps:detail", args=[self.roadmap.territory.slug]) + f"#axe-{self.number}"
        )


# What the roadmap page, the dashboard, the exports and the snapshots read of each action.
OVERVIEW_FIELDS = [
    "axis",
    "number",
    "title",
    "status",
    "priority",
    "progress",
    "start_date",
    "end_date",
    "pilot_partner__name",
    "pilot_partner__slug",
    "pilot_name",
    "coordinator",  # whole user row: portal.audit reads every field of loaded users
    "budget",
    "funders",
    "to_discuss",
]


class ActionQuerySet(models.QuerySet):
    def with_step_counts(self):
        return self.annotate(
            step_total=Count("steps"), step_done=Count("steps", filter=Q(steps__done=True))
        )

    def for_roadmap_page(self, roadmap):
        """All actions of a roadmap with their pilot and coordinator, in one query.

        Step counts come from `step_counts()` (one more query, cheaper than a GROUP BY here).
        """
        return (
            self.filter(axis__roadmap=roadmap)
            .select_related("pilot_partner", "coordinator")
            .only(*OVERVIEW_FIELDS)
            .order_by("axis__number", "number")
        )

    def step_counts(self, roadmap):
        """{action id: (steps, steps done)} for a roadmap's actions that have steps."""
        rows = (
            Step.objects.filter(action__axis__roadmap=roadmap)
            .order_by()
            .values("action_id")
            .annotate(total=Count("pk"), done=Count("pk", filter=Q(done=True)))
            .values_list("action_id", "total", "done")
        )
        return {action_id: (total, done) for action_id, total, done in rows}

    def late(self, today=None):
        today = today or timezone.localdate()
        return self.filter(end_date__lt=today).exclude(status__in=Action.Status.closed())


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "a_venir", _("à venir")
        IN_PROGRESS = "en_cours", _("en cours")
        DONE = "realise", _("réalisée")
        PAUSED = "en_pause", _("en pause")
        BLOCKED = "bloque", _("bloquée")
        ABANDONED = "abandonne", _("abandonnée")

        @classmethod
        def closed(cls):
            return [cls.DONE, cls.ABANDONED]

        @property
        def css(self):
            return self.value.replace("_", "-")

    class Priority(models.TextChoices):
        HIGH = "haute", _("élevée")
        MEDIUM = "moyenne", _("moyenne")
        LOW = "basse", _("basse")

    axis = models.ForeignKey(
        Axis, verbose_name=_("axe"), on_delete=models.PROTECT, related_name="actions"
    )
    number = models.PositiveSmallIntegerField(_("numéro dans l'axe"))
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    expected_results = models.TextField(_("résultats attendus"), max_length=LONG_TEXT, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PLANNED)
    priority = models.CharField(
        _("priorité"), max_length=10, choices=Priority, default=Priority.MEDIUM
    )
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"),
        default=0,
        help_text=_("De 0 à 100. Calculé à partir des étapes quand l'action en a."),
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(
        _("fin"), null=True, blank=True, help_text=_("Laisser vide pour une amélioration continue.")
    )
    pilot_partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partenaire pilote"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="piloted_actions",
    )
    pilot_name = models.CharField(
        _("personne pilote"),
        max_length=200,
        blank=True,
        help_text=_("Une personne nommée, qui n'a pas besoin d'un compte."),
    )
    partners = models.ManyToManyField(
        "partners.Partner",
        verbose_name=_("partenaires contributeurs"),
        blank=True,
        related_name="contributed_actions",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordination en charge"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_actions",
    )
    publics = models.ManyToManyField("partners.Public", verbose_name=_("publics visés"), blank=True)
    communes = models.ManyToManyField(
        Commune,
        verbose_name=_("communes concernées"),
        blank=True,
        help_text=_("Toutes les communes du territoire si aucune n'est choisie."),
    )
    budget = models.DecimalField(
        _("budget (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    funders = models.CharField(_("financeurs"), max_length=300, blank=True)
    to_discuss = models.BooleanField(
        _("à discuter"),
        default=False,
        help_text=_("À mettre à l'ordre du jour de la prochaine rencontre du réseau."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    history = M2MHistoricalRecords(
        excluded_fields=["created_at", "updated_at"], m2m_fields=ACTION_HISTORY_M2M
    )
    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["axis__roadmap", "axis__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "number"], name="roadmaps_action_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="roadmaps_action_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="roadmaps_action_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("roadmaps:action", args=[self.axis.roadmap.territory.slug, self.pk])

    @property
    def code(self):
        return f"{self.axis.number}.{self.number}"

    @property
    def is_continuous(self):
        return self.end_date is None

    @property
    def is_closed(self):
        return self.status in Action.Status.closed()

    def is_late(self, today=None):
        """End date passed and neither done nor abandoned (computed, never stored)."""
        today = today or timezone.localdate()
        return bool(self.end_date and self.end_date < today and not self.is_closed)

    def is_due_soon(self, today=None):
        today = today or timezone.localdate()
        return bool(
            self.end_date
            and today <= self.end_date <= today + datetime.timedelta(days=DUE_SOON_DAYS)
            and not self.is_closed
        )

    @property
    def effective_progress(self):
        """Share of done steps when the action has steps, else the progress entered by hand.

        Uses the `step_total`/`step_done` annotations when present (no query), else counts.
        """
        total = getattr(self, "step_total", None)
        done = getattr(self, "step_done", None)
        if total is None:
            steps = list(self.steps.all())
            total, done = len(steps), sum(step.done for step in steps)
        if total:
            return round(100 * done / total)
        return self.progress

    @property
    def status_css(self):
        return self.status.replace("_", "-")

    @property
    def pilot_label(self):
        parts = [str(self.pilot_partner) if self.pilot_partner_id else "", self.pilot_name]
        return " — ".join(part for part in parts if part)

    def record_progress(self, *, by, note, date=None, status="", progress=None):
        """Add a point d'étape; it may change the status and the hand-entered progress."""
        update = self.updates.create(
            author=by,
            date=date or timezone.localdate(),
            note=note,
            status=status,
            progress=progress,
        )
        changed = False
        if status and status != self.status:
            self.status = status
            changed = True
        if progress is not None and progress != self.progress:
            self.progress = progress
            changed = True
        if self.status == Action.Status.DONE and self.progress != 100:
            self.progress = 100
            changed = True
        if changed:
            self.version += 1
            save_by(self, by=by)
        return update


class Step(models.Model):
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="steps"
    )
    title = models.CharField(_("intitulé"), max_length=300)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    done = models.BooleanField(_("faite"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    """An indicator of an action: a baseline, a target and measured values over time.

    Its values are entered by hand, or, when `metric` names one of the portal's metrics
    (roadmaps/metrics.py, `settings.INDICATOR_METRICS`), computed from the portal's own data
    once a month by `manage.py record_indicators` (one value per month, dated the first day of
    the month it measures). `metric` stores the metric's slug: its choices come from the
    registry, checked by the form, so that this model imports no app above it."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="indicators"
    )
    label = models.CharField(_("libellé"), max_length=200)
    unit = models.CharField(_("unité"), max_length=30, blank=True)
    baseline = models.DecimalField(
        _("valeur de départ"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("cible"), max_digits=12, decimal_places=2, null=True, blank=True)
    metric = models.CharField(
        _("calcul"),
        max_length=40,
        blank=True,
        help_text=_(
            "Vide : valeurs saisies à la main. Sinon, calculées chaque mois par le portail."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["pk"]

    def __str__(self):
        return self.label

    @property
    def is_computed(self):
        return bool(self.metric)

    def latest_value(self):
        """The most recent measured value (uses prefetched `values` when present)."""
        values = list(self.values.all())
        return max(values, key=lambda value: (value.date, value.pk)) if values else None

    def target_ratio(self):
        """Percentage of the way from baseline to target reached by the latest value (0–100)."""
        latest = self.latest_value()
        if latest is None or self.target is None:
            return None
        start = self.baseline or 0
        if self.target == start:
            return 100
        ratio = (latest.value - start) / (self.target - start) * 100
        return max(0, min(100, round(ratio)))


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicateur"), on_delete=models.CASCADE, related_name="values"
    )
    date = models.DateField(_("date de la mesure"))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Recorded by `record_indicators` (one per indicator and month, re-running updates it).
    computed = models.BooleanField(_("calculée par le portail"), default=False, editable=False)

    class Meta:
        verbose_name = _("valeur mesurée")
        verbose_name_plural = _("valeurs mesurées")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"],
                condition=Q(computed=True),
                name="roadmaps_indicatorvalue_one_computed_per_month",
            ),
        ]

    def __str__(self):
        return f"{self.value} ({self.date:%d/%m/%Y})"


class ProgressUpdate(models.Model):
    """A point d'étape: a dated note that may change the action's status and progress."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=LONG_TEXT)
    status = models.CharField(_("nouveau statut"), max_length=10, choices=Action.Status, blank=True)
    progress = models.PositiveSmallIntegerField(_("nouvel avancement (%)"), null=True, blank=True)
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("point d'étape")
        verbose_name_plural = _("points d'étape")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="roadmaps_progressupdate_progress_at_most_100",
            ),
        ]

    def __str__(self):
        return f"{self.action.code} — {self.date:%d/%m/%Y}"


class RoadmapVersion(models.Model):
    """A frozen, named, dated copy of the whole roadmap (roadmaps/services/versions.py), taken
    when it is validated: the first validation, then each revision. A version records why: the
    committee decision (`validated_on`, `validated_by`: the date and the body, `summary`) and
    the signals faibles that led to it."""

    roadmap = models.ForeignKey(
        Roadmap,
        verbose_name=_("feuille de route"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    name = models.CharField(_("nom"), max_length=200)
    validated_on = models.DateField(_("validée le"))
    validated_by = models.CharField(_("validée par"), max_length=200, blank=True)
    summary = models.TextField(
        _("décision"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("Ce que l'instance a décidé, et pourquoi."),
    )
    signals = models.ManyToManyField(
        "Signal",
        verbose_name=_("signaux à l'origine de la révision"),
        blank=True,
        related_name="revisions",
    )
    snapshot = models.JSONField(_("contenu figé"), default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistrée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-validated_on", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.validated_on:%d/%m/%Y})"


class NeedLink(models.Model):
    """The roadmap action that a need or project detected at a company relates to (« un
    besoin de recrutement en usinage → action 3.2, BTS avec le CFAI »). Stored here, above
    companies (DESIGN.md): companies knows nothing of roadmaps, and shows the link through the
    panel roadmaps provides (roadmaps/panels.py)."""

    need = models.OneToOneField(
        "companies.Need",
        verbose_name=_("besoin ou projet"),
        on_delete=models.CASCADE,
        related_name="roadmap_link",
    )
    action = models.ForeignKey(
        Action,
        verbose_name=_("action de la feuille de route"),
        on_delete=models.CASCADE,
        related_name="need_links",
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("lien d'un besoin d'entreprise à une action")
        verbose_name_plural = _("liens des besoins d'entreprises aux actions")

    def __str__(self):
        return f"{self.need} → {self.action}"


SIGNAL_HISTORY_M2M = ["communes", "themes", "partners", "actions"]


class SignalQuerySet(models.QuerySet):
    def of_territory(self, territory):
        return self.filter(territory=territory)

    def leading(self):
        """Signals not grouped into another one (a group is shown, triaged, counted once)."""
        return self.filter(grouped_into__isnull=True)

    def to_examine(self):
        """What the next rendez-vous du réseau looks at, beside the actions « à discuter »."""
        return self.leading().filter(status=Signal.Status.TO_EXAMINE)

    def raised_by_people(self):
        return self.filter(rule="")

    def open_counts(self):
        """{"new": …, "to_examine": …}: the groups waiting to be triaged and to be examined
        at the next rendez-vous (one query)."""
        return self.leading().aggregate(
            new=Count("pk", filter=Q(status=Signal.Status.NEW)),
            to_examine=Count("pk", filter=Q(status=Signal.Status.TO_EXAMINE)),
        )

    def raised_by_portal(self):
        return self.exclude(rule="")


class Signal(models.Model):
    """A signal faible: something the network saw first (a company that stops hiring, three
    employers looking for welders, a closure announced, a service no partner offers), recorded
    by a member of the territory in under a minute, or raised by the portal itself each month
    (`rule` set, with its `evidence`). It states facts, never a person's identity.

    Coordinators triage it: nouveau → à examiner (on the next rendez-vous' agenda) → pris en
    compte (linked to roadmap actions) or classé (with a reason). Several signals about the same
    thing are grouped into one (`grouped_into`); each keeps its author and date. Links to an
    establishment and to partners are stored here, above companies and partners (DESIGN.md).
    """

    class Status(models.TextChoices):
        NEW = "nouveau", _("nouveau")
        TO_EXAMINE = "a_examiner", _("à examiner")
        TAKEN = "pris_en_compte", _("pris en compte")
        FILED = "classe", _("classé")

        @classmethod
        def open(cls):
            return [cls.NEW, cls.TO_EXAMINE]

        @property
        def css(self):
            return self.value.replace("_", "-")

    class Source(models.TextChoices):
        EXCHANGE = "echange", _("échange avec une entreprise")
        MEETING = "rendez_vous", _("rendez-vous du réseau")
        INTERVIEW = "entretien", _("entretien d'orientation")
        PARTNER = "partenaire", _("partenaire")
        PRESS = "presse", _("presse")
        OTHER = "autre", _("autre")
        PORTAL = "portail", _("relevé par le portail")

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="signals"
    )
    text = models.TextField(
        _("ce qui a été observé"),
        max_length=1000,
        help_text=_("Des faits, jamais l'identité d'une personne."),
    )
    observed_on = models.DateField(_("observé le"))
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes concernées"), blank=True, related_name="+"
    )
    naf = models.ForeignKey(
        "companies.NafCode",
        verbose_name=_("secteur (NAF)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Une section ou une division de la NAF."),
    )
    sector = models.CharField(
        _("filière du territoire"),
        max_length=200,
        blank=True,
        help_text=_("L'une des filières que le territoire s'est données."),
    )
    themes = models.ManyToManyField(
        "partners.Theme", verbose_name=_("thématiques"), blank=True, related_name="+"
    )
    source = models.CharField(_("d'où vient-il"), max_length=12, choices=Source)
    establishment = models.ForeignKey(
        "companies.Establishment",
        verbose_name=_("établissement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    partners = models.ManyToManyField(
        "partners.Partner", verbose_name=_("partenaires"), blank=True, related_name="+"
    )
    status = models.CharField(_("statut"), max_length=16, choices=Status, default=Status.NEW)
    actions = models.ManyToManyField(
        Action, verbose_name=_("actions liées"), blank=True, related_name="signals"
    )
    grouped_into = models.ForeignKey(
        "self",
        verbose_name=_("regroupé avec"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grouped",
    )
    filed_reason = models.TextField(_("raison du classement"), max_length=1000, blank=True)
    # Raised by the portal (blank for people): the rule, its subject and the month, one signal
    # per rule, subject and month (the monthly command is idempotent), and what it saw.
    rule = models.CharField(_("règle"), max_length=40, blank=True)
    rule_key = models.CharField(_("objet de la règle"), max_length=200, blank=True)
    period = models.DateField(_("mois"), null=True, blank=True)
    evidence = models.JSONField(_("éléments relevés"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trié par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("trié le"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    history = M2MHistoricalRecords(
        excluded_fields=["created_at", "updated_at"], m2m_fields=SIGNAL_HISTORY_M2M
    )
    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal faible")
        verbose_name_plural = _("signaux faibles")
        ordering = ["-observed_on", "-pk"]
        indexes = [
            models.Index(
                fields=["territory", "status", "-observed_on"], name="roadmaps_signal_triage"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "rule", "rule_key", "period"],
                condition=~Q(rule=""),
                name="roadmaps_signal_one_per_rule_subject_and_month",
            ),
            models.CheckConstraint(
                condition=Q(rule="") | Q(period__isnull=False),
                name="roadmaps_signal_rule_has_a_month",
            ),
            models.CheckConstraint(
                condition=~Q(grouped_into=F("id")),
                name="roadmaps_signal_not_grouped_into_itself",
            ),
        ]

    def __str__(self):
        return Truncator(self.text).chars(80)

    def get_absolute_url(self):
        return reverse("roadmaps:signal", args=[self.territory.slug, self.pk])

    @property
    def raised_by_portal(self):
        return bool(self.rule)

    @property
    def status_css(self):
        return self.status.replace("_", "-")
