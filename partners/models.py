"""The partner directory: organisations of employment and inclusion, their contacts, and the
reference lists (categories, publics, themes) of the data·inclusion standard."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.models import Commune, Department, Region, Territory


class ReferenceItem(models.Model):
    """An entry of a reference list: a data·inclusion slug and its French label."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    label = models.CharField(_("libellé"), max_length=150)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class Category(ReferenceItem):
    """The partner's network (data·inclusion *réseaux porteurs*) or a local kind."""

    is_standard = models.BooleanField(
        _("du référentiel data·inclusion"),
        default=True,
        help_text=_("Décoché pour les catégories locales absentes du référentiel national."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")


class Public(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("public")
        verbose_name_plural = _("publics")


class Theme(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Partners the user may see: every published partner (the directory is public)."""
        return self

    def editable_by(self, user):
        if user.is_authenticated and user.is_staff:
            return self
        coordinated = [
            territory_id
            for territory_id, role in access.roles_of(user).items()
            if role == "coordinateur"
        ]
        return self.filter(territory_id__in=coordinated)

    def serving(self, commune):
        """Partners whose zone of intervention includes `commune`."""
        return self.filter(
            Q(is_national=True)
            | Q(zone_communes=commune)
            | Q(zone_territories__epcis__communes=commune)
            | Q(zone_departments=commune.department_id)
            | Q(zone_regions__departments=commune.department_id)
        ).distinct()

    def for_directory(self):
        return self.select_related("category", "commune").prefetch_related("publics", "themes")


class Partner(models.Model):
    """An organisation of the network, or one of its sites."""

    class Scale(models.TextChoices):
        LOCAL = "local", _("local")
        DEPARTEMENTAL = "departemental", _("départemental")
        REGIONAL = "regional", _("régional")
        NATIONAL = "national", _("national")

    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire gestionnaire"),
        on_delete=models.PROTECT,
        related_name="partners",
        help_text=_("Le territoire dont la coordination tient cette fiche à jour."),
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=220, unique=True)
    also_known_as = models.CharField(
        _("autres noms"),
        max_length=300,
        blank=True,
        help_text=_("Anciens noms, sigles… séparés par des virgules (ex. : Pôle emploi)."),
    )
    category = models.ForeignKey(
        Category, verbose_name=_("catégorie"), on_delete=models.PROTECT, related_name="partners"
    )
    scale = models.CharField(_("échelle"), max_length=20, choices=Scale, default=Scale.LOCAL)
    description = models.TextField(_("présentation"), blank=True)
    services = models.TextField(_("services proposés"), blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    opening_hours = models.TextField(_("horaires d'accueil"), blank=True)
    publics = models.ManyToManyField(Public, verbose_name=_("publics"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("thématiques"), blank=True)

    # Zone of intervention.
    is_national = models.BooleanField(_("intervient sur toute la France"), default=False)
    zone_communes = models.ManyToManyField(
        Commune, verbose_name=_("communes"), blank=True, related_name="served_by"
    )
    zone_territories = models.ManyToManyField(
        Territory, verbose_name=_("territoires"), blank=True, related_name="served_by"
    )
    zone_departments = models.ManyToManyField(
        Department, verbose_name=_("départements"), blank=True, related_name="served_by"
    )
    zone_regions = models.ManyToManyField(
        Region, verbose_name=_("régions"), blank=True, related_name="served_by"
    )

    # Freshness.
    verified_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vérifié par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:detail", args=[self.slug])


class Contact(models.Model):
    """A contact person of a partner: personal data, shown to signed-in members only."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    role = models.CharField(_("fonction"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    contact_for = models.CharField(_("à contacter pour"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["position", "last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
