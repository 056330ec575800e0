"""Core models: accounts, the official administrative map and the territories built on it."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.text import normalize


class User(AbstractUser):
    """A person who signs in. Roles come from their memberships of territories.

    `session_generation` is raised to end every session of the person at once (removed from a
    territory, `end_sessions`): a session remembers the hash of when it was opened, and Django
    signs out a session whose hash no longer matches. At 0 the hash is Django's own."""

    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def _with_generation(self, value):
        if not self.session_generation:
            return value
        salt = "portal.User.session_generation"
        return salted_hmac(salt, f"{value}:{self.session_generation}").hexdigest()

    def get_session_auth_hash(self):
        return self._with_generation(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        for value in super().get_session_auth_fallback_hash():
            yield self._with_generation(value)

    def end_sessions(self):
        """Sign the person out everywhere, at their next request."""
        User.objects.filter(pk=self.pk).update(
            session_generation=models.F("session_generation") + 1
        )


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    code = models.CharField(
        _("code"), max_length=3, unique=True, help_text=_("01 à 95, 2A, 2B, 971…")
    )
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("région"), on_delete=models.PROTECT, related_name="departments"
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class EPCI(models.Model):
    """Établissement public de coopération intercommunale à fiscalité propre."""

    class Kind(models.TextChoices):
        # Stored lower-case like every other choice; the official files' upper-case codes
        # ("CA", "METRO") are mapped at import by `from_official_code`.
        CA = "ca", _("communauté d'agglomération")
        CC = "cc", _("communauté de communes")
        CU = "cu", _("communauté urbaine")
        METRO = "metro", _("métropole")
        MET69 = "met69", _("métropole de Lyon")

        @classmethod
        def from_official_code(cls, code):
            """The kind of an official file's `type` ("CA", "METRO", ...), or None."""
            if isinstance(code, str) and code == code.upper() and code.lower() in cls.values:
                return cls(code.lower())
            return None

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=5, choices=Kind)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren__regex=r"^[0-9]{9}$"), name="portal_epci_siren_nine_digits"
            ),
        ]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def search(self, query):
        """Communes whose name (accents and case ignored), INSEE code or postal code match."""
        query = (query or "").strip()
        if not query:
            return self
        if query.isdigit() or query[:2].upper() in {"2A", "2B"}:
            return self.filter(
                Q(insee_code__startswith=query.upper()) | Q(postal_codes__contains=query)
            )
        return self.filter(search_name__contains=normalize(query))


def commune_slug(name):
    """The name in a commune page's address (/communes/<code INSEE>-<slug>/)."""
    return slugify(name) or "commune"


class Commune(models.Model):
    """A current commune (`commune-actuelle` in the official files)."""

    insee_code = models.CharField(
        _("code INSEE"), max_length=5, unique=True, help_text=_("5 caractères ; 2A/2B en Corse.")
    )
    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    postal_codes = models.CharField(
        _("codes postaux"), max_length=200, blank=True, help_text=_("Séparés par des espaces.")
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    department = models.ForeignKey(
        Department, verbose_name=_("département"), on_delete=models.PROTECT, related_name="communes"
    )
    epci = models.ForeignKey(
        EPCI,
        verbose_name=_("EPCI"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["search_name", "insee_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(insee_code__regex=r"^([0-9]{2}|2A|2B)[0-9]{3}$"),
                name="portal_commune_insee_code_format",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = normalize(self.name)
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self):
        return self.postal_codes.split()

    @property
    def main_postal_code(self):
        return self.postal_code_list[0] if self.postal_codes else ""

    @property
    def slug(self):
        return commune_slug(self.name)


class TerritoryQuerySet(models.QuerySet):
    def with_figures(self):
        """Annotate each territory with its number of communes and its population."""
        return self.annotate(
            commune_count=models.Count("epcis__communes", distinct=True),
            population_total=Sum("epcis__communes__population"),
        )


# Words that follow a fixed prefix where a territory's slug may also stand (/referents/<slug>/):
# a territory called so would be shadowed by the page of that name. Digits alone are taken by
# the pages of one object (/referents/<pk>/). tests/portal/test_models.py checks the list
# against the URL conf.
RESERVED_TERRITORY_SLUGS = frozenset(
    {
        "ajouter",
        "rendez-vous",
        "guide",
        "orientation",
        "trame",
        "desabonnement",  # /referents/desabonnement/<token>/
        "resume-hebdomadaire",  # /referents/resume-hebdomadaire/
        "renouvellement",  # /referents/renouvellement/<token>/ (a mairie's link)
        "territoire",
        "territoires",
        "besoins",  # /entreprises/besoins/
    }
)


def validate_territory_slug(value):
    if value in RESERVED_TERRITORY_SLUGS or value.isdigit():
        raise ValidationError(
            _(
                "« %(slug)s » est réservé par une page du portail : choisissez un autre "
                "identifiant."
            ),
            code="reserved",
            params={"slug": value},
        )


class Territory(models.Model):
    """A territory of the network: one EPCI or a project territory of several."""

    class Kind(models.TextChoices):
        CA = "ca", _("communauté d'agglomération")
        CC = "cc", _("communauté de communes")
        CU = "cu", _("communauté urbaine")
        METROPOLIS = "metropole", _("métropole")
        PROJECT = "projet", _("territoire de projet")
        DEPARTMENT = "departement", _("département")
        OTHER = "autre", _("autre")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    slug = models.SlugField(
        _("identifiant d'adresse"),
        max_length=80,
        unique=True,
        validators=[validate_territory_slug],
        help_text=_("Utilisé dans les URL."),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.CA)
    presentation = models.TextField(_("présentation"), blank=True)
    jobs = models.PositiveIntegerField(_("nombre d'emplois"), null=True, blank=True)
    main_sectors = models.CharField(
        _("principaux secteurs d'activité"),
        max_length=500,
        blank=True,
        help_text=_("Séparés par des virgules."),
    )
    epcis = models.ManyToManyField(
        EPCI, verbose_name=_("EPCI"), related_name="territories", blank=True
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = TerritoryQuerySet.as_manager()

    # Content versions (portal/scopes.py): a territory's pages depend on "territory:<slug>"; rows
    # reaching one of its EPCIs (a référent's commune) are its own; a change of the territory's
    # own row (name, EPCIs) shows everywhere.
    cache_scope = "territory"
    cache_members = "epcis"
    cache_scopes_when_changed = ("all",)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territory_home", kwargs={"territory_slug": self.slug})

    @property
    def communes(self):
        """The territory's communes, derived from its EPCIs."""
        return Commune.objects.filter(epci__territories=self)

    @property
    def sector_list(self):
        return [sector.strip() for sector in self.main_sectors.split(",") if sector.strip()]

    def figures(self):
        """Number of communes and population, computed from the communes (one query)."""
        return self.communes.aggregate(
            commune_count=models.Count("pk"), population=Sum("population")
        )


class Membership(models.Model):
    """A user's role in a territory."""

    class Role(models.TextChoices):
        REFERENT = "referent", _("référent")
        COORDINATOR = "coordinateur", _("coordinateur")

        @property
        def can_edit(self):
            return self == Membership.Role.COORDINATOR

    user = models.ForeignKey(
        User, verbose_name=_("utilisateur"), on_delete=models.CASCADE, related_name="memberships"
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role, default=Role.REFERENT)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rôle dans un territoire")
        verbose_name_plural = _("rôles dans les territoires")
        ordering = ["territory__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory"], name="portal_membership_unique_user_territory"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.territory})"


class ContentVersion(models.Model):
    """A token that changes whenever the content of one scope changes (`all`,
    `territory:<slug>`, `partner:<slug>`, `directory`…: see portal/scopes.py and portal/cache.py).

    Pages kept in the cache are filed under the token, so one small query tells every process,
    on every server, whether its copy is still current. The token is random, never a counter: a
    change rolled back cannot hand a later change a token already used.
    """

    name = models.CharField(_("nom"), max_length=255, primary_key=True)
    token = models.CharField(_("jeton"), max_length=32)
    changed_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("version du contenu")
        verbose_name_plural = _("versions du contenu")

    def __str__(self):
        return f"{self.name}: {self.token}"


class CommuneOutline(models.Model):
    """A commune's outline, projected and simplified for maps drawn by the server (portal/maps.py):
    an SVG path in map units (`portal.maps.UNIT` metres, y pointing down) and its bounding box,
    so that a map of a territory joins stored paths and computes nothing per commune. Filled by
    `manage.py import_contours` from any GeoJSON whose features carry the INSEE code."""

    commune = models.OneToOneField(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="outline",
    )
    path = models.TextField(_("tracé (SVG)"))
    x_min = models.IntegerField()
    y_min = models.IntegerField()
    x_max = models.IntegerField()
    y_max = models.IntegerField()
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("contour de commune")
        verbose_name_plural = _("contours de communes")

    def __str__(self):
        return str(self.commune_id)


class FormSubmission(models.Model):
    """A creation form already sent: its token, and where its result is (portal/submissions.py).

    The token is written in the form when it is displayed; a second POST of the same display
    (a double click, a reload, the back button) finds it here and is sent to the first result.
    Short-lived: rows older than a day are deleted as new ones are written.
    """

    user = models.ForeignKey(
        User, verbose_name=_("utilisateur"), on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(_("adresse du formulaire"), max_length=300)
    token = models.CharField(_("jeton"), max_length=64)
    result_url = models.CharField(_("adresse du résultat"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("formulaire envoyé")
        verbose_name_plural = _("formulaires envoyés")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path", "token"], name="portal_formsubmission_unique_token"
            ),
        ]

    def __str__(self):
        return f"{self.path} ({self.created_at:%d/%m/%Y %H:%M})"


def invitation_digest(secret):
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A coordinator's invitation of a person (an e-mail address) to their territory with a
    role. The link's secret is sent once and never stored: only its SHA-256 (`token_hash`)."""

    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=20, choices=Membership.Role)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        User, verbose_name=_("invité par"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    sent_count = models.PositiveSmallIntegerField(_("envois"), default=0)
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.email} ({self.territory})"

    def new_secret(self):
        """A fresh secret for the link (the previous link stops working), valid 7 days."""
        secret = secrets.token_urlsafe(32)
        self.token_hash = invitation_digest(secret)
        self.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
        return secret

    @property
    def is_pending(self):
        return not self.accepted_at and not self.cancelled_at and self.expires_at > timezone.now()
