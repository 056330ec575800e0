"""The référent network: référents in the communes, the network's rendez-vous, the first-interview
outline of each territory, and the anonymous counts of the orientation helper."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from partners.models import Partner, Public, Theme
from portal.models import Commune, Territory

MAX_ACTIVE_PER_COMMUNE = 2
DEFAULT_DURATION = timedelta(hours=2)  # of a rendez-vous without an end


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
    meeting_emails_opt_out = models.BooleanField(
        _("ne reçoit plus les invitations aux rendez-vous"),
        default=False,
        help_text=_("Coché par la personne avec le lien de désabonnement de ces courriels."),
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

    # --- The public side (/evenements/) ---

    def public(self):
        """Rendez-vous the coordination opened to the public."""
        return self.filter(is_public=True)

    def public_upcoming(self):
        """Public events not over yet (an event without an end is over once started)."""
        return self.public().not_over_at(timezone.now())

    def not_over_at(self, moment):
        """Events still listed as upcoming at `moment`: until their end, or their start when
        they have none. None (no event upcoming, `next_over()`): none."""
        if moment is None:
            return self.none()
        return self.filter(Q(ends_at__gte=moment) | Q(ends_at__isnull=True, starts_at__gte=moment))

    def next_over(self):
        """The first moment, from now on, up to which one of these events is still upcoming
        (its end, or its start), or None when none is. Until then, `not_over_at(now)` lists
        the same events as `not_over_at(next_over())`, which does not depend on the time of
        day: a cached list is keyed by it (referents/views/events.py). One query."""
        upcoming = self.not_over_at(timezone.now())
        return upcoming.aggregate(moment=Min(Coalesce("ends_at", "starts_at")))["moment"]

    def publicly_visible(self):
        """Public events whose page still answers: upcoming, or past by less than the time
        registrations are kept (REGISTRATIONS_KEPT_DAYS); after that, 404."""
        return self.public().filter(starts_at__gte=timezone.now() - REGISTRATIONS_KEPT)

    def in_commune(self, commune):
        return self.filter(Q(commune=commune) | Q(commune__isnull=True, host__commune=commune))

    def for_public(self):
        """What a public page shows, with the number of confirmed registrations."""
        return self.select_related("territory", "host", "host__commune", "commune").annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            )
        )


REGISTRATIONS_KEPT_DAYS = 30
REGISTRATIONS_KEPT = timedelta(days=REGISTRATIONS_KEPT_DAYS)


def default_consent_text():
    return str(
        _(
            "J'accepte que mes nom, courriel et téléphone soient transmis à la coordination "
            "de l'événement pour gérer mon inscription ; ils sont supprimés 30 jours après "
            "l'événement."
        )
    )


class Meeting(models.Model):
    """A rendez-vous du réseau: a dated event of a territory, usually at a partner's premises.
    Some are open to the public (micro-forums, job datings): `is_public` and the fields after
    it say what /evenements/ shows."""

    class Audience(models.TextChoices):
        EVERYONE = "tous-publics", _("tout public")
        JOB_SEEKERS = "demandeurs-emploi", _("demandeurs d'emploi")
        YOUNG = "jeunes", _("jeunes de 16 à 25 ans")
        EMPLOYERS = "employeurs", _("employeurs")
        EMPLOYEES = "salaries", _("salariés en reconversion")

    class Kind(models.TextChoices):
        MONTHLY = "reunion", _("réunion mensuelle du réseau")
        MICRO_FORUM = "micro-forum", _("micro-forum pour l'emploi")
        COMPANY_VISIT = "visite", _("visite d'entreprise")
        INFORMATION = "information", _("réunion d'information")
        JOB_DATING = "job-dating", _("job dating")
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
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune du lieu"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Pour un autre lieu : la commune où il se trouve (filtre des événements)."),
    )
    # The public side: what a visitor of /evenements/ sees. The agenda, the minutes and the
    # référents (invited, present) are the network's and never shown there.
    is_public = models.BooleanField(
        _("ouvert au public"),
        default=False,
        help_text=_(
            "Publié sur la page « Événements » du site, visible de tous : titre, date, lieu, "
            "public visé et présentation (jamais l'ordre du jour, le compte rendu ni les "
            "référents)."
        ),
    )
    audience = models.CharField(_("pour qui"), max_length=30, choices=Audience, blank=True)
    public_description = models.TextField(
        _("présentation publique"),
        blank=True,
        max_length=3000,
        help_text=_("Ce que le public lira : déroulé, ce qu'il faut apporter (un CV…)."),
    )
    registration_wanted = models.BooleanField(
        _("inscription demandée"),
        default=False,
        help_text=_("Le public s'inscrit sur la page de l'événement, sans compte."),
    )
    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    waiting_list = models.BooleanField(
        _("liste d'attente quand c'est complet"),
        default=True,
        help_text=_("Sinon, les inscriptions sont refusées une fois les places prises."),
    )
    consent_text = models.TextField(
        _("texte de consentement"), max_length=1000, blank=True, default=default_consent_text
    )
    invited = models.ManyToManyField(
        Referent, verbose_name=_("référents invités"), blank=True, related_name="invitations"
    )
    present = models.ManyToManyField(
        Referent, verbose_name=_("référents présents"), blank=True, related_name="attendances"
    )
    # iTIP (RFC 5546): the invitations sent by e-mail carry this number, raised at each change
    # of date or place and at the cancellation, so that calendars replace the previous version.
    sequence = models.PositiveIntegerField(_("version de l'invitation"), default=0, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = MeetingQuerySet.as_manager()
    # portal/scopes.py: a change to any rendez-vous (made public or no longer, too), or to a
    # partner hosting one, stales the public events list.
    cache_scopes_shown = ("events",)

    class Meta:
        verbose_name = _("rendez-vous du réseau")
        verbose_name_plural = _("rendez-vous du réseau")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="referents_meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="referents_meeting_capacity_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("referents:meeting_detail", args=[self.pk])

    def get_public_url(self):
        return reverse("events:detail", args=[self.pk, self.slug])

    @property
    def slug(self):
        return slugify(self.title)[:80] or "evenement"

    @property
    def is_past(self):
        return self.starts_at < timezone.now()

    @property
    def end(self):
        return self.ends_at or self.starts_at + DEFAULT_DURATION

    @property
    def takes_registrations(self):
        """Whether the public page offers its form: public, wanted, not started."""
        return self.is_public and self.registration_wanted and not self.is_past

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


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING)

    def to_purge(self, now=None):
        """Registrations of events ended more than REGISTRATIONS_KEPT_DAYS days ago."""
        limit = (now or timezone.now()) - REGISTRATIONS_KEPT
        return self.filter(
            Q(meeting__ends_at__lt=limit)
            | Q(meeting__ends_at__isnull=True, meeting__starts_at__lt=limit)
        )


class Registration(models.Model):
    """A person registered to a public event: no account, the least personal data (a name, an
    e-mail or a phone), deleted REGISTRATIONS_KEPT_DAYS days after the event
    (`manage.py purge_registrations`). `token` goes in the signed cancel link: once the
    registration is cancelled (deleted) the link finds nothing."""

    class Status(models.TextChoices):
        CONFIRMED = "inscrit", _("inscrit·e")
        WAITING = "attente", _("en liste d'attente")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("événement"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    name = models.CharField(_("nom et prénom"), max_length=150)
    email = models.EmailField(_("courriel"), max_length=254, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.CONFIRMED)
    attended = models.BooleanField(_("présent·e"), null=True, blank=True)
    consented_at = models.DateTimeField(_("consentement donné le"))
    token = models.CharField(_("jeton d'annulation"), max_length=43, unique=True)
    created_at = models.DateTimeField(_("inscrit·e le"), auto_now_add=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""),
                name="referents_registration_email_or_phone",
            ),
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=~Q(email=""),
                name="referents_registration_unique_email",
            ),
            models.UniqueConstraint(
                fields=["meeting", "phone"],
                condition=~Q(phone=""),
                name="referents_registration_unique_phone",
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.meeting}"

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)


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


class DigestSent(models.Model):
    """The weekly digest the mail server accepted for a person and an ISO week (« 2026-W48 »):
    `send_digests` skips those, so that running it twice sends nothing more, and retries the
    others (a failed send writes no row)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="digests_sent",
    )
    week = models.CharField(_("semaine"), max_length=8)
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("résumé hebdomadaire envoyé")
        verbose_name_plural = _("résumés hebdomadaires envoyés")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="referents_digestsent_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.week}"


class DigestOptOut(models.Model):
    """A coordinator who asked not to receive the weekly digest (its row is the choice)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="digest_opt_out",
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("refus du résumé hebdomadaire")
        verbose_name_plural = _("refus du résumé hebdomadaire")

    def __str__(self):
        return str(self.user)


# --- Renewal of the référents after the municipal elections --------------------------------


class RenewalCampaign(models.Model):
    """A coordinator asks every commune of the territory to confirm, replace or remove its
    référents (after the municipal elections): one CommuneRenewal, one secret link, per commune."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("intitulé"), max_length=200)
    elections_date = models.DateField(
        _("date des élections"),
        null=True,
        blank=True,
        help_text=_("Une délibération ne peut pas être antérieure à cette date."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("lancée le"), auto_now_add=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    class Meta:
        verbose_name = _("campagne de renouvellement")
        verbose_name_plural = _("campagnes de renouvellement")
        ordering = ["-started_at"]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.closed_at is None


class CommuneRenewal(models.Model):
    """One commune's part of a campaign: the mairie's address, the secret link (only its hash is
    kept: the link is derived from the secret key and a random salt), what was sent, the answer."""

    campaign = models.ForeignKey(
        RenewalCampaign,
        verbose_name=_("campagne"),
        on_delete=models.CASCADE,
        related_name="communes",
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    mairie_email = models.EmailField(_("courriel de la mairie"), blank=True)
    token_salt = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The link replaced when the coordinator reopened the answer: it then says so (not forged).
    previous_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relancé le"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("relances"), default=0)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answer_summary = models.TextField(_("réponse"), blank=True)

    class Meta:
        verbose_name = _("renouvellement d'une commune")
        verbose_name_plural = _("renouvellements des communes")
        ordering = ["commune__search_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "commune"], name="referents_communerenewal_one_per_commune"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.commune}"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def token(self):
        """The secret of the link: from the site's secret key and the row's salt."""
        return salted_hmac("referents.renewal", self.token_salt).hexdigest()[:43]

    def set_token(self):
        self.token_salt = secrets.token_hex(16)
        self.token_hash = self.hash_token(self.token)

    def get_link_path(self):
        return reverse("referents:renewal_answer", args=[self.token])

    @property
    def status(self):
        if self.answered_at:
            return "answered"
        if self.reminder_count:
            return "reminded"
        return "waiting"
