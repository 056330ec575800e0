"""The follow-up of establishments by a territory's network: échanges (who met whom), needs and
projects detected (with dated notes), rappels, and contacts at the company.

Every record belongs to the territory whose network wrote it (`territory`): it decides who
sees and changes it (companies/perms.py). Changes are recorded by django-simple-history (who,
when, what), the people, partners and contacts of an échange and the partners of a need
included (portal/history.py); échanges, needs and contacts carry a version number for
optimistic locking (portal/locking.py). Links to roadmap actions are stored in roadmaps, above
this app.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partners.models import Partner
from portal.history import M2MHistoricalRecords, delete_by, save_by
from portal.models import Territory

__all__ = [
    "FOLLOW_UP_DAYS",
    "EARLIEST_DATE",
    "LATEST_YEARS_AHEAD",
    "CompanyContact",
    "Exchange",
    "Need",
    "NeedNote",
    "Reminder",
    "delete_by",
    "save_by",
    "EXCHANGE_HISTORY_M2M",
    "NEED_HISTORY_M2M",
    "M2M_BASELINE_REASON",
]

LONG_TEXT = 5000  # characters accepted in a free-text field
FOLLOW_UP_DAYS = 30  # an open need with no activity for this long is « à relancer »
# Dates a user may type: no follow-up before 1990, none planned beyond ten years.
EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_YEARS_AHEAD = 10

# The many-to-many fields kept in the history (tables companies_historicalexchange_* and
# companies_historicalneed_partners).
EXCHANGE_HISTORY_M2M = ["people", "partners", "contacts"]
NEED_HISTORY_M2M = ["partners"]
# The change reason of the record that migration 0003 added to each échange and need that had
# relations: their state when they started to be recorded. Records before it hold no relations
# (unknown, not empty): the history compares relations from this record on only.
M2M_BASELINE_REASON = "début du suivi des personnes, partenaires et contacts"


class FollowUpQuerySet(models.QuerySet):
    def of_territory(self, territory):
        return self.filter(territory=territory)


class CompanyContact(models.Model):
    """A person at the company (personal data): shown to the territory's members only; deleting
    it deletes it everywhere (échanges, history)."""

    establishment = models.ForeignKey(
        "companies.Establishment",
        verbose_name=_("établissement"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="company_contacts",
    )
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100)
    role = models.CharField(_("fonction"), max_length=150, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact dans l'entreprise")
        verbose_name_plural = _("contacts dans l'entreprise")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(last_name=""), name="companies_companycontact_last_name_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self):
        return self.establishment.get_absolute_url() + "#contacts"


class Exchange(models.Model):
    """A visit, call, e-mail, event or meeting with an establishment."""

    class Kind(models.TextChoices):
        VISIT = "visite", _("visite")
        CALL = "appel", _("appel")
        EMAIL = "courriel", _("courriel")
        EVENT = "evenement", _("événement")
        MEETING = "reunion", _("réunion")

    establishment = models.ForeignKey(
        "companies.Establishment",
        verbose_name=_("établissement"),
        on_delete=models.CASCADE,
        related_name="exchanges",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="company_exchanges",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("type d'échange"), max_length=10, choices=Kind)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personnes du réseau"),
        blank=True,
        related_name="company_exchanges",
    )
    partners = models.ManyToManyField(
        Partner,
        verbose_name=_("partenaires"),
        blank=True,
        related_name="company_exchanges",
    )
    contacts = models.ManyToManyField(
        CompanyContact,
        verbose_name=_("personnes rencontrées dans l'entreprise"),
        blank=True,
        related_name="exchanges",
    )
    summary = models.TextField(_("compte rendu"), max_length=LONG_TEXT)
    private_note = models.TextField(
        _("note confidentielle"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_(
            "Visible de la seule coordination du territoire (difficultés de l'entreprise…)."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    history = M2MHistoricalRecords(
        excluded_fields=["created_at", "updated_at", "created_by"], m2m_fields=EXCHANGE_HISTORY_M2M
    )
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("échange")
        verbose_name_plural = _("échanges")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["territory", "date"], name="companies_exchange_terr_date")]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return self.establishment.get_absolute_url() + f"#echange-{self.pk}"


class NeedQuerySet(FollowUpQuerySet):
    def open(self):
        return self.exclude(status__in=Need.Status.closed())

    def recruitment(self):
        return self.filter(kind=Need.Kind.RECRUITMENT)

    def to_follow_up(self, today=None):
        """Open needs with no change nor note for FOLLOW_UP_DAYS days: « à relancer »."""
        today = today or timezone.localdate()
        start = today - datetime.timedelta(days=FOLLOW_UP_DAYS)
        since = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
        return self.open().filter(last_activity_at__lt=since)

    def for_list(self):
        return self.select_related(
            "establishment__commune", "establishment__legal_unit", "territory"
        ).order_by("kind", "status", "-created_at", "-pk")


class Need(models.Model):
    """A need or a project detected at an establishment, and what was done about it."""

    class Kind(models.TextChoices):
        RECRUITMENT = "recrutement", _("recrutement")
        TRAINING = "formation", _("formation")
        CREATION = "creation", _("création ou extension")
        PREMISES = "locaux", _("locaux / foncier")
        FUNDING = "financement", _("financement")
        DIFFICULTY = "difficulte", _("difficulté")
        TRANSFER = "transmission", _("transmission / reprise")
        OTHER = "autre", _("autre")

    class Status(models.TextChoices):
        DETECTED = "detecte", _("détecté")
        QUALIFIED = "qualifie", _("qualifié")
        REFERRED = "oriente", _("orienté")
        IN_PROGRESS = "en_cours", _("en cours")
        ACHIEVED = "abouti", _("abouti")
        DROPPED = "sans_suite", _("sans suite")

        @classmethod
        def closed(cls):
            return [cls.ACHIEVED, cls.DROPPED]

        @classmethod
        def open_values(cls):
            return [status for status in cls if status not in cls.closed()]

        @property
        def css(self):
            return self.value.replace("_", "-")

    class Contract(models.TextChoices):
        CDI = "cdi", _("CDI")
        CDD = "cdd", _("CDD")
        TEMPORARY = "interim", _("intérim")
        APPRENTICESHIP = "apprentissage", _("apprentissage")
        PROFESSIONALISATION = "professionnalisation", _("contrat de professionnalisation")
        SEASONAL = "saisonnier", _("saisonnier")
        OTHER = "autre", _("autre")

    establishment = models.ForeignKey(
        "companies.Establishment",
        verbose_name=_("établissement"),
        on_delete=models.CASCADE,
        related_name="needs",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="company_needs",
    )
    exchange = models.ForeignKey(
        Exchange,
        verbose_name=_("détecté lors de l'échange"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    kind = models.CharField(_("type"), max_length=15, choices=Kind)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.DETECTED)
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    job = models.CharField(
        _("métier"), max_length=200, blank=True, help_text=_("Pour un recrutement.")
    )
    positions = models.PositiveSmallIntegerField(
        _("nombre de postes"), null=True, blank=True, help_text=_("Pour un recrutement.")
    )
    contract = models.CharField(
        _("contrat"),
        max_length=20,
        choices=Contract,
        blank=True,
        help_text=_("Pour un recrutement."),
    )
    deadline = models.DateField(_("échéance"), null=True, blank=True)
    partners = models.ManyToManyField(
        Partner,
        verbose_name=_("partenaires mobilisés"),
        blank=True,
        related_name="company_needs",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("détecté le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    last_activity_at = models.DateTimeField(
        _("dernière activité"), default=timezone.now, editable=False
    )

    history = M2MHistoricalRecords(
        excluded_fields=["created_at", "updated_at", "created_by", "last_activity_at"],
        m2m_fields=NEED_HISTORY_M2M,
    )
    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin ou projet")
        verbose_name_plural = _("besoins et projets")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["territory", "kind", "status"], name="companies_need_terr_kind")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(positions__isnull=True) | Q(positions__gte=1),
                name="companies_need_positions_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind="recrutement")
                | (Q(job="") & Q(positions__isnull=True) & Q(contract="")),
                name="companies_need_recruitment_details_only_for_recruitment",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("companies:need", args=[self.pk])

    @property
    def is_open(self):
        return self.status not in self.Status.closed()

    @property
    def is_recruitment(self):
        return self.kind == self.Kind.RECRUITMENT


class NeedNote(models.Model):
    """A dated note on a need (« relancé le 3 mars, attend le devis »): written once, never
    changed; its author is kept."""

    need = models.ForeignKey(
        Need, verbose_name=_("besoin"), on_delete=models.CASCADE, related_name="notes"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("note"), max_length=LONG_TEXT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("écrite le"), auto_now_add=True)

    class Meta:
        verbose_name = _("note sur un besoin")
        verbose_name_plural = _("notes sur les besoins")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} : {self.text[:50]}"


class ReminderQuerySet(FollowUpQuerySet):
    def pending(self):
        return self.filter(done=False)

    def for_person(self, user):
        return self.filter(person=user)


class Reminder(models.Model):
    """Something to do about an establishment, by a person, on a date."""

    establishment = models.ForeignKey(
        "companies.Establishment",
        verbose_name=_("établissement"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="company_reminders",
    )
    date = models.DateField(_("à faire le"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="company_reminders",
    )
    text = models.CharField(_("à faire"), max_length=500)
    done = models.BooleanField(_("fait"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at", "created_by"])
    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        ordering = ["done", "date", "pk"]
        indexes = [models.Index(fields=["person", "done", "date"], name="companies_reminder_todo")]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.establishment.get_absolute_url() + "#rappels"

    def is_overdue(self, today=None):
        return not self.done and self.date < (today or timezone.localdate())
