"""The référent network: référents in the communes, the network's rendez-vous, the first-interview
outline of each territory, and the anonymous counts of the orientation helper."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Partner, Public, Theme
from portal.models import Commune, Territory

MAX_ACTIVE_PER_COMMUNE = 2


class ReferentQuerySet(models.QuerySet):
    def active(self, on=None):
        """Référents whose mandate runs on `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(mandate_end__isnull=True) | Q(mandate_end__gte=on), mandate_start__lte=on
        )

    def overlapping(self, start, end):
        """Référents whose mandate shares at least one day with [start, end] (end None: open)."""
        queryset = self.filter(Q(mandate_end__isnull=True) | Q(mandate_end__gte=start))
        if end is not None:
            queryset = queryset.filter(mandate_start__lte=end)
        return queryset

    def of_territory(self, territory):
        return self.filter(commune__epci__territories=territory)

    def for_network(self, territory):
        return self.of_territory(territory).active().select_related("commune")


class Referent(models.Model):
    """A person who welcomes job seekers in their commune and sends them to the right partner."""

    class Role(models.TextChoices):
        ELECTED = "elu", _("élu·e")
        TECHNICIAN = "technicien", _("technicien·ne")

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    role = models.CharField(_("qualité"), max_length=20, choices=Role, default=Role.ELECTED)
    function = models.CharField(
        _("fonction"),
        max_length=150,
        blank=True,
        help_text=_("Par exemple : adjointe aux affaires sociales, secrétaire de mairie."),
    )
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="referents"
    )
    mandate_start = models.DateField(_("début du mandat"), default=timezone.localdate)
    mandate_end = models.DateField(
        _("fin du mandat"),
        null=True,
        blank=True,
        help_text=_("Laisser vide tant que le mandat est en cours."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte de connexion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referent_roles",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = ReferentQuerySet.as_manager()

    class Meta:
        verbose_name = _("référent")
        verbose_name_plural = _("référents")
        ordering = ["commune__search_name", "last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mandate_end__isnull=True) | Q(mandate_end__gte=F("mandate_start")),
                name="referents_referent_mandate_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self):
        return reverse("referents:detail", args=[self.pk])

    @property
    def is_active(self):
        today = timezone.localdate()
        return self.mandate_start <= today and (
            self.mandate_end is None or self.mandate_end >= today
        )


class MeetingQuerySet(models.QuerySet):
    def of_territory(self, territory):
        return self.filter(territory=territory)

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at")

    def for_list(self):
        return self.select_related("host", "host__commune")


class Meeting(models.Model):
    """A rendez-vous du réseau: a dated event of a territory, usually at a partner's premises."""

    class Kind(models.TextChoices):
        MONTHLY = "reunion", _("réunion mensuelle du réseau")
        MICRO_FORUM = "micro-forum", _("micro-forum pour l'emploi")
        COMPANY_VISIT = "visite", _("visite d'entreprise")
        INFORMATION = "information", _("réunion d'information")
        OTHER = "autre", _("autre")

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.MONTHLY)
    title = models.CharField(_("titre"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    host = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire qui accueille"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
    )
    place = models.CharField(
        _("autre lieu"),
        max_length=300,
        blank=True,
        help_text=_("Adresse, si le rendez-vous n'a pas lieu chez un partenaire de l'annuaire."),
    )
    access = models.TextField(
        _("comment s'y rendre"), blank=True, help_text=_("Transports, stationnement, accès.")
    )
    agenda = models.TextField(_("ordre du jour"), blank=True)
    minutes = models.TextField(
        _("compte rendu"), blank=True, help_text=_("Rédigé après le rendez-vous.")
    )
    invited = models.ManyToManyField(
        Referent, verbose_name=_("référents invités"), blank=True, related_name="invitations"
    )
    present = models.ManyToManyField(
        Referent, verbose_name=_("référents présents"), blank=True, related_name="attendances"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous du réseau")
        verbose_name_plural = _("rendez-vous du réseau")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="referents_meeting_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("referents:meeting_detail", args=[self.pk])

    @property
    def is_past(self):
        return self.starts_at < timezone.now()

    @property
    def location(self):
        """One line saying where the rendez-vous takes place."""
        if self.host_id:
            host = self.host
            parts = [
                host.name,
                host.address,
                " ".join(filter(None, [host.postal_code, str(host.commune or "")])),
            ]
            return ", ".join(part for part in parts if part)
        return self.place


class CalendarFeed(models.Model):
    """The secret address of a territory's calendar: calendar clients cannot sign in, so the
    token in the URL is the credential. Coordinators renew it to revoke the old address."""

    territory = models.OneToOneField(
        Territory, verbose_name=_("territoire"), on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(_("jeton"), max_length=64, unique=True)
    renewed_at = models.DateTimeField(_("renouvelé le"), auto_now=True)

    class Meta:
        verbose_name = _("agenda partagé")
        verbose_name_plural = _("agendas partagés")

    def __str__(self):
        return str(self.territory)

    def get_absolute_url(self):
        return reverse("referents:calendar", args=[self.territory.slug, self.token])

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)


class OutlineSection(models.Model):
    """A section of a territory's first-interview outline (trame de premier entretien)."""

    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="outline_sections",
    )
    title = models.CharField(_("titre"), max_length=150)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("section de la trame")
        verbose_name_plural = _("sections de la trame")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class OutlineQuestion(models.Model):
    """A question of the outline. When it points to a public or a need (theme), the orientation
    helper turns it into a box to tick and uses it to find partners."""

    section = models.ForeignKey(
        OutlineSection,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    text = models.CharField(_("question"), max_length=300)
    answer_label = models.CharField(
        _("case à cocher dans l'aide à l'orientation"),
        max_length=200,
        blank=True,
        help_text=_(
            "Par exemple : « A besoin d'une solution de garde ». Vide : la question "
            "reste un simple repère d'entretien."
        ),
    )
    public = models.ForeignKey(
        Public,
        verbose_name=_("public concerné"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("besoin (thématique)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("question de la trame")
        verbose_name_plural = _("questions de la trame")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def is_tickable(self):
        return bool(self.public_id or self.theme_id)


class OrientationCount(models.Model):
    """One first interview, counted anonymously: the day, the commune and the needs ticked.
    No age, no name, no free text, no public (a disability would be health data)."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    needs = models.ManyToManyField(Theme, verbose_name=_("besoins"), blank=True, related_name="+")
    unmet_needs = models.ManyToManyField(
        Theme,
        verbose_name=_("besoins sans partenaire connu"),
        blank=True,
        related_name="+",
        help_text=_(
            "Besoins cochés pour lesquels aucun partenaire connu n'intervient dans la commune."
        ),
    )

    class Meta:
        verbose_name = _("entretien compté (anonyme)")
        verbose_name_plural = _("entretiens comptés (anonymes)")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m} · {self.commune}"  # the month: a day could point to someone
