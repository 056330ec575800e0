"""The partner directory: organisations of employment and inclusion, their contacts, and the
reference lists (categories, publics, themes) of the data·inclusion standard."""

from datetime import timedelta

from data_inclusion.schema import v1
from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners import phones
from partners.validators import (
    split_zone,
    validate_eligibility_zone,
    validate_opening_hours,
)
from portal import access
from portal.fields import IntegerSetField
from portal.models import Commune, Department, Region, Territory
from portal.text import normalize
from portal.validators import validate_siret

# Partner fields kept by refresh_directory_fields(), never by Partner.save().
DIRECTORY_FIELDS = ("directory_ids", "zone_ids", "services_text")
# Partner.zone_ids: a chosen commune is its id, an EPCI (of a chosen territory) and a
# département (chosen, or of a chosen région) their ids plus these offsets.
ZONE_EPCI = 100_000_000
ZONE_DEPARTMENT = 200_000_000
# Partners refreshed per round of refresh_directory_fields() (its queries' IN lists).
REFRESH_BATCH = 1000
# Past this age without verification, a record is flagged as probably outdated in results.
OUTDATED_AFTER = timedelta(days=730)
# Slugs that would collide with the app's own URLs under /partenaires/.
DAYS_PER_MONTH = 30.44
RESERVED_SLUGS = {"nouveau", "a-verifier", "signalements", "export", "import"}


def months_ago(months, now=None):
    """The moment `months` months (of 30.44 days) before now: what "every N months" means."""
    return (now or timezone.now()) - timedelta(days=round(months * DAYS_PER_MONTH))


class ImportedRecordField(models.JSONField):
    """The data·inclusion record a row was imported from (partners/di_import.py).

    `get_placeholder` keeps Django's PostgreSQL bulk insert on plain VALUES rather than UNNEST
    of arrays: psycopg quotes text arrays in Python, several times slower for the import's
    thousands of rows of JSON."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class ReferenceItem(models.Model):
    """An entry of a reference list: a data·inclusion slug and its French label."""

    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    label = models.CharField(_("libellé"), max_length=150)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_standard = models.BooleanField(
        _("du référentiel data·inclusion"),
        default=True,
        help_text=_(
            "Décoché pour les valeurs propres au portail, absentes du référentiel national : "
            "elles ne sont jamais exportées comme valeurs data·inclusion."
        ),
    )

    class Meta:
        abstract = True
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class Category(ReferenceItem):
    """The partner's network (data·inclusion *réseaux porteurs*) or a local kind."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")


class Public(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("public")
        verbose_name_plural = _("publics")


class ThemeQuerySet(models.QuerySet):
    def categories(self):
        """Top-level themes: the v1 categories of thématiques and the local themes."""
        return self.filter(parent__isnull=True)

    def for_services(self):
        """What a service may carry: the v1 sub-themes and the local themes."""
        return self.filter(Q(parent__isnull=False) | Q(is_standard=False))


class Theme(ReferenceItem):
    """A data·inclusion thématique: a category (`se-former`, no parent) or one of its
    sub-themes (`se-former--…`, the only values v1 accepts on a service), or a local theme."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("catégorie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = ThemeQuerySet.as_manager()

    class Meta(ReferenceItem.Meta):
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")


def zone_tokens(commune):
    """What Partner.zone_ids holds for a partner whose zone includes `commune`."""
    tokens = [commune.pk, ZONE_DEPARTMENT + commune.department_id]
    if commune.epci_id is not None:  # a few communes (islands) belong to no EPCI
        tokens.append(ZONE_EPCI + commune.epci_id)
    return tokens


def _in_zone(relation, **lookups):
    """`pk IN (partners linked through the zone table `relation` matching `lookups`)`."""
    links = getattr(Partner, relation).through.objects.filter(**lookups)
    return Q(pk__in=links.values("partner_id"))


class PartnerQuerySet(models.QuerySet):
    def editable_by(self, user):
        """Partners of the territories the user may change (every one for staff)."""
        territory_ids = access.editable_territory_ids_for(user)
        if territory_ids is None:
            return self
        return self.filter(territory_id__in=territory_ids)

    def serving(self, commune):
        """Partners whose zone of intervention includes `commune` (its own commune included).

        Three conditions of the partner's row, each with its index: national, its own commune,
        its zone (Partner.zone_ids: the commune, its EPCI through a chosen territory, its
        département, chosen or through its région).
        """
        return self.filter(
            Q(is_national=True)
            | Q(commune_id=commune.pk)
            | Q(zone_ids__overlaps=zone_tokens(commune))
        )

    def serving_territories(self, territory_ids):
        """Partners owned by, or serving at least one commune of, one of these territories."""
        territory_ids = list(territory_ids)
        communes = Commune.objects.filter(epci__territories__in=territory_ids)
        departments = communes.values("department_id")
        return self.filter(
            Q(is_national=True)
            | Q(territory__in=territory_ids)
            | _in_zone("zone_territories", territory__in=territory_ids)
            | _in_zone("zone_communes", commune__in=communes.values("pk"))
            | _in_zone("zone_departments", department__in=departments)
            | _in_zone("zone_regions", region__departments__in=departments)
        )

    def search(self, query):
        """Partners whose names, other names, description or services contain every word of
        `query`, ignoring case and accents (see docs/performance.md)."""
        for word in normalize(query).split()[:10]:
            self = self.filter(search_text__contains=word)
        return self

    def with_reception_mode(self, mode):
        return self.filter(**{ReceptionMode(mode).field_name: True})

    def due_for_review(self, now=None):
        """Never verified, or last verified longer ago than their check interval."""
        condition = Q(verified_at__isnull=True)
        for months in CheckInterval.values:
            condition |= Q(check_interval=months, verified_at__lt=months_ago(months, now))
        return self.filter(condition)

    def with_open_reports(self):
        reports = (
            ErrorReport.objects.filter(partner=OuterRef("pk"), resolved_at__isnull=True)
            .values("partner")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(open_report_count=Coalesce(Subquery(reports), 0))

    def in_network_of(self, territory_id):
        """Partners that may appear in the territory's guide du référent and orientation helper:
        its own, and those its coordination accepted into its network (NetworkMembership).
        A partner's zone alone never brings it in: one territory does not change what another
        territory's members see (docs/partners.md)."""
        accepted = NetworkMembership.objects.filter(
            territory_id=territory_id, status=NetworkMembership.Status.ACCEPTED
        )
        return self.filter(Q(territory_id=territory_id) | Q(pk__in=accepted.values("partner_id")))

    def proposed_to(self, territory_id):
        """Partners of other territories whose zone covers the territory, not decided on yet
        (neither accepted nor set aside)."""
        decided = NetworkMembership.objects.filter(territory_id=territory_id)
        return (
            self.serving_territories([territory_id])
            .exclude(territory_id=territory_id)
            .exclude(pk__in=decided.values("partner_id"))
        )

    def network_candidates(self, territory_id):
        """Partners a territory's coordination may accept or set aside: those of other
        territories whose zone covers it, and those it already decided on."""
        decided = NetworkMembership.objects.filter(territory_id=territory_id)
        serving = Partner.objects.serving_territories([territory_id])
        return self.exclude(territory_id=territory_id).filter(
            Q(pk__in=serving.values("pk")) | Q(pk__in=decided.values("partner_id"))
        )

    def for_directory(self):
        return self.select_related("category", "commune").prefetch_related("publics", "themes")

    def for_detail(self):
        return self.select_related(
            "category", "commune", "territory", "verified_by"
        ).prefetch_related("publics", "themes")


class CheckInterval(models.IntegerChoices):
    QUARTERLY = 3, _("tous les 3 mois")
    TWICE_A_YEAR = 6, _("tous les 6 mois")
    YEARLY = 12, _("tous les ans")


def _choices(name, enum):
    """A TextChoices built from a data·inclusion vocabulary (values and French labels)."""
    return models.TextChoices(name, [(item.name, (item.value, item.label)) for item in enum])


# data·inclusion *modes_accueil*: stored as one boolean column each (filterable anywhere).
ReceptionMode = _choices("ReceptionMode", v1.ModeAccueil)
RECEPTION_FIELDS = {"en-presentiel": "reception_in_person", "a-distance": "reception_remote"}
ReceptionMode.field_name = property(lambda mode: RECEPTION_FIELDS[mode.value])

# data·inclusion *modes_mobilisation*: how a person or a professional reaches them.
MobilisationMode = _choices("MobilisationMode", v1.ModeMobilisation)
MOBILISATION_FIELDS = {
    "se-presenter": "mobilise_walk_in",
    "telephoner": "mobilise_phone",
    "envoyer-un-courriel": "mobilise_email",
    "utiliser-lien-mobilisation": "mobilise_link",
}
MobilisationMode.field_name = property(lambda mode: MOBILISATION_FIELDS[mode.value])

# data·inclusion *personnes mobilisatrices* (`mobilisable_par`).
Mobiliser = _choices("Mobiliser", v1.PersonneMobilisatrice)
MOBILISER_FIELDS = {"usagers": "mobilisable_by_users", "professionnels": "mobilisable_by_pros"}
Mobiliser.field_name = property(lambda mode: MOBILISER_FIELDS[mode.value])

ServiceType = _choices("ServiceType", v1.TypeService)  # data·inclusion *types de services*
Fee = _choices("Fee", v1.Frais)  # data·inclusion *frais*


class Partner(models.Model):
    """An organisation of the network, or one of its sites."""

    class Scale(models.TextChoices):
        LOCAL = "local", _("local")
        DEPARTMENTAL = "departemental", _("départemental")
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
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 chiffres, sans espace : le numéro de l'établissement (Sirene)."),
    )
    phone = models.CharField(
        _("téléphone"),
        max_length=30,
        blank=True,
        validators=[phones.validate_phone],
        help_text=_("Enregistré au format international (+33…)."),
    )
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    opening_hours_osm = models.CharField(
        _("horaires (format OpenStreetMap)"),
        max_length=500,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_("Par exemple « Mo-Fr 08:30-12:30,13:30-17:00; PH off » ; affichés en clair."),
    )
    opening_hours = models.TextField(
        _("horaires d'accueil (texte libre)"),
        blank=True,
        help_text=_("Ce que le format OpenStreetMap ne sait pas dire."),
    )
    publics = models.ManyToManyField(Public, verbose_name=_("publics"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("thématiques"), blank=True)

    # Reception (data·inclusion modes_accueil) and mobilisation modes: see ReceptionMode.
    reception_in_person = models.BooleanField(_("accueil en présentiel"), default=True)
    reception_remote = models.BooleanField(_("accompagnement à distance"), default=False)
    mobilise_walk_in = models.BooleanField(_("se présenter sur place"), default=False)
    mobilise_phone = models.BooleanField(_("téléphoner"), default=True)
    mobilise_email = models.BooleanField(_("envoyer un courriel"), default=False)
    mobilise_link = models.BooleanField(_("utiliser le lien de mobilisation"), default=False)
    mobilisation_link = models.URLField(
        _("lien de mobilisation"),
        blank=True,
        help_text=_("Formulaire en ligne ou prise de rendez-vous, s'il existe."),
    )

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
    check_interval = models.PositiveSmallIntegerField(
        _("à vérifier"), choices=CheckInterval, default=CheckInterval.TWICE_A_YEAR
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    # Normalised (lower case, no accents) names, other names, description and services, for
    # search on any database; kept up to date by save() and by build_search_text() in bulk paths.
    search_text = models.TextField(editable=False, default="")
    # What the directory's filters read on the partner's row, so that each filter is one
    # condition of the row (docs/performance.md, « Annuaire à 100 000 partenaires »): the ids
    # of its themes and of its services' themes (positive), of its publics and of its services'
    # publics (negative); its services' search_text. Never written by save(): kept by
    # refresh_directory_fields(), which the ORM's signals (partners/signals.py) and the bulk
    # writers call.
    directory_ids = IntegerSetField()
    # Its zone of intervention as the directory's commune filter reads it (zone_tokens()):
    # chosen communes, the EPCIs of chosen territories, chosen départements and those of chosen
    # régions. Its own commune and `is_national` are read on their own columns.
    zone_ids = IntegerSetField()
    services_text = models.TextField(editable=False, default="")

    # data·inclusion: the record's key at its producer (import_data_inclusion), and the values last
    # imported, to tell a local edit from a change at the source.
    di_source = models.CharField(_("source data·inclusion"), max_length=100, blank=True)
    di_id = models.CharField(_("identifiant data·inclusion"), max_length=200, blank=True)
    di_updated_on = models.DateField(_("mis à jour à la source le"), null=True, blank=True)
    di_imported = ImportedRecordField(
        _("valeurs importées"), default=dict, blank=True, editable=False
    )

    objects = PartnerQuerySet.as_manager()

    # Content versions (portal/scopes.py): a partner's record page depends on "partner:<slug>";
    # a partner also shows on the national lists and wherever a row references it (an action,
    # a network, a signal…: derived from the models).
    cache_scope = "partner"
    cache_scopes_shown = ("directory",)
    cache_shown_where_referenced = True
    # Which partners the directory lists, and in which order ("listing"), is read from these
    # columns only (partners/search.py; tests/partners/test_listing_scope.py derives them from
    # its SQL): a save that leaves them alone (a phone number) stales the pages of the partner,
    # not the directory's lists, which check the partners they show (portal/cache.py, `rows`).
    cache_list_scope = "listing"
    cache_list_fields = (
        "name",
        "search_text",
        "services_text",
        "directory_ids",
        "zone_ids",
        "is_national",
        "commune",
        "category",
        "scale",
        "verified_at",
        *RECEPTION_FIELDS.values(),
    )

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name", "id"], name="partners_partner_name_idx"),
            models.Index(
                fields=["id"], condition=Q(is_national=True), name="partners_partner_national_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_interval__in=CheckInterval.values),
                name="partners_partner_check_interval_valid",
            ),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=r"^[0-9]{5}$"),
                name="partners_partner_postal_code_format",
            ),
            models.CheckConstraint(
                condition=~Q(slug__in=sorted(RESERVED_SLUGS)),
                name="partners_partner_slug_not_reserved",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="partners_partner_name_not_empty"),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"),
                name="partners_partner_siret_format",
            ),
            models.UniqueConstraint(
                fields=["di_source", "di_id"],
                condition=~Q(di_id=""),
                name="partners_partner_unique_di_key",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if not (self._state.adding or kwargs.get("force_insert")) and (
            kwargs.get("update_fields") is None
        ):
            # A copy loaded before a service changed must not write back its old values.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in DIRECTORY_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:detail", args=[self.slug])

    def build_search_text(self):
        """The normalised text searched by PartnerQuerySet.search(); call it before bulk writes."""
        return normalize(" ".join([self.name, self.also_known_as, self.description, self.services]))

    @property
    def also_known_as_list(self):
        return [name.strip() for name in self.also_known_as.split(",") if name.strip()]

    @property
    def reception_modes(self):
        return [mode for mode in ReceptionMode if getattr(self, mode.field_name)]

    @property
    def mobilisation_modes(self):
        return [mode for mode in MobilisationMode if getattr(self, mode.field_name)]

    @property
    def next_check(self):
        """When the record should be verified again (None: never verified, so now)."""
        if self.verified_at is None:
            return None
        return self.verified_at + timedelta(days=round(self.check_interval * DAYS_PER_MONTH))

    @property
    def is_due(self):
        """Past its check interval: shown as "à vérifier"."""
        return self.verified_at is None or self.verified_at < months_ago(self.check_interval)

    @property
    def is_outdated(self):
        """Not verified for two years: probably outdated."""
        reference = self.verified_at or self.created_at
        return reference is not None and reference < timezone.now() - OUTDATED_AFTER

    def confirm(self, *, by):
        """Record that `by` checked the record and found it right."""
        self.verified_at = timezone.now()
        self.verified_by = by
        self.save(update_fields=["verified_at", "verified_by", "updated_at"])


class ServiceQuerySet(models.QuerySet):
    def for_partner_page(self):
        """Services with their themes (and categories) and publics: three queries."""
        themes = models.Prefetch("themes", queryset=Theme.objects.select_related("parent"))
        return self.prefetch_related(themes, "publics")

    def search(self, query):
        for word in normalize(query).split()[:10]:
            self = self.filter(search_text__contains=word)
        return self


class Service(models.Model):
    """What a partner (a data·inclusion *structure*) offers: a data·inclusion v1 *service*."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.CASCADE, related_name="offers"
    )
    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(
        _("description"),
        max_length=10000,
        help_text=_("Ce que la personne y trouve, en phrases courtes et en langage simple."),
    )
    service_type = models.CharField(
        _("type de service"), max_length=30, choices=ServiceType, blank=True
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thématiques"), blank=True, related_name="services"
    )
    publics = models.ManyToManyField(
        Public, verbose_name=_("publics"), blank=True, related_name="services"
    )
    publics_details = models.TextField(_("précisions sur les publics"), blank=True)
    fee = models.CharField(_("frais"), max_length=20, choices=Fee, blank=True)
    fee_details = models.TextField(_("précisions sur les frais"), blank=True)
    access_conditions = models.TextField(
        _("conditions d'accès"), blank=True, help_text=_("Prérequis, justificatifs à présenter…")
    )
    reception_in_person = models.BooleanField(_("en présentiel"), default=True)
    reception_remote = models.BooleanField(_("à distance"), default=False)
    eligibility_zone = models.CharField(
        _("zone d'éligibilité"),
        max_length=1000,
        blank=True,
        validators=[validate_eligibility_zone],
        help_text=_(
            "Codes séparés par des espaces : communes (INSEE), départements, EPCI (SIREN) ou "
            "« france ». Vide : la zone d'intervention du partenaire."
        ),
    )
    mobilise_walk_in = models.BooleanField(_("se présenter"), default=False)
    mobilise_phone = models.BooleanField(_("téléphoner"), default=True)
    mobilise_email = models.BooleanField(_("envoyer un courriel"), default=False)
    mobilise_link = models.BooleanField(_("utiliser le lien de mobilisation"), default=False)
    mobilisation_link = models.URLField(_("lien de mobilisation"), max_length=500, blank=True)
    mobilisation_details = models.TextField(_("précisions sur la mobilisation"), blank=True)
    mobilisable_by_users = models.BooleanField(_("mobilisable par les usagers"), default=True)
    mobilisable_by_pros = models.BooleanField(_("mobilisable par les professionnels"), default=True)
    opening_hours_osm = models.CharField(
        _("horaires (format OpenStreetMap)"),
        max_length=500,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_("Vide : les horaires du partenaire."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    di_source = models.CharField(_("source data·inclusion"), max_length=100, blank=True)
    di_id = models.CharField(_("identifiant data·inclusion"), max_length=200, blank=True)
    di_updated_on = models.DateField(_("mis à jour à la source le"), null=True, blank=True)
    di_imported = ImportedRecordField(
        _("valeurs importées"), default=dict, blank=True, editable=False
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="partners_service_name_not_empty"),
            models.CheckConstraint(
                condition=Q(fee="") | Q(fee__in=Fee.values), name="partners_service_fee_valid"
            ),
            models.CheckConstraint(
                condition=Q(service_type="") | Q(service_type__in=ServiceType.values),
                name="partners_service_type_valid",
            ),
            models.UniqueConstraint(
                fields=["di_source", "di_id"],
                condition=~Q(di_id=""),
                name="partners_service_unique_di_key",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:detail", args=[self.partner.slug]) + f"#service-{self.pk}"

    def build_search_text(self):
        return normalize(f"{self.name} {self.description}")

    @property
    def reception_modes(self):
        return [mode for mode in ReceptionMode if getattr(self, mode.field_name)]

    @property
    def mobilisation_modes(self):
        return [mode for mode in MobilisationMode if getattr(self, mode.field_name)]

    @property
    def mobilisers(self):
        return [item for item in Mobiliser if getattr(self, item.field_name)]

    @property
    def eligibility_codes(self):
        return split_zone(self.eligibility_zone)


def _link_rows(batch):
    """(field, partner id, value) of the partners' links, in ONE query (a UNION ALL of the
    themes and publics of the partners and of their services, and of the four zone tables)."""
    directory, zone = Value("directory_ids"), Value("zone_ids")
    queries = [
        Partner.themes.through.objects.filter(partner_id__in=batch).values_list(
            directory, "partner_id", "theme_id"
        ),
        Partner.publics.through.objects.filter(partner_id__in=batch).values_list(
            directory, "partner_id", -F("public_id")
        ),
        Service.themes.through.objects.filter(service__partner_id__in=batch).values_list(
            directory, "service__partner_id", "theme_id"
        ),
        Service.publics.through.objects.filter(service__partner_id__in=batch).values_list(
            directory, "service__partner_id", -F("public_id")
        ),
        Partner.zone_communes.through.objects.filter(partner_id__in=batch).values_list(
            zone, "partner_id", "commune_id"
        ),
        Partner.zone_territories.through.objects.filter(
            partner_id__in=batch, territory__epcis__isnull=False
        ).values_list(zone, "partner_id", F("territory__epcis") + ZONE_EPCI),
        Partner.zone_departments.through.objects.filter(partner_id__in=batch).values_list(
            zone, "partner_id", F("department_id") + ZONE_DEPARTMENT
        ),
        Partner.zone_regions.through.objects.filter(
            partner_id__in=batch, region__departments__isnull=False
        ).values_list(zone, "partner_id", F("region__departments") + ZONE_DEPARTMENT),
    ]
    queries = [query.order_by() for query in queries]
    return queries[0].union(*queries[1:], all=True)


def refresh_directory_fields(partner_ids):
    """Recompute the DIRECTORY_FIELDS of these partners from their links and services: three
    queries per REFRESH_BATCH partners (the eight link tables in one UNION ALL, the services'
    texts, one UPDATE). No signal is sent: the change that calls it made the pages stale."""
    partner_ids = sorted({pk for pk in partner_ids if pk is not None})
    for start in range(0, len(partner_ids), REFRESH_BATCH):
        batch = partner_ids[start : start + REFRESH_BATCH]
        ids = {pk: set() for pk in batch}
        zones = {pk: set() for pk in batch}
        texts = {pk: [] for pk in batch}
        for field, partner_id, item_id in _link_rows(batch):
            (ids if field == "directory_ids" else zones)[partner_id].add(item_id)
        services = Service.objects.filter(partner_id__in=batch).order_by("partner_id", "pk")
        for partner_id, text in services.values_list("partner_id", "search_text"):
            texts[partner_id].append(text)
        rows = [
            Partner(
                pk=pk,
                directory_ids=sorted(ids[pk]),
                zone_ids=sorted(zones[pk]),
                services_text=" ".join(texts[pk]),
            )
            for pk in batch
        ]
        Partner.objects.bulk_update(rows, DIRECTORY_FIELDS, batch_size=REFRESH_BATCH)


class Contact(models.Model):
    """A contact person of a partner: personal data, shown to signed-in members only."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    role = models.CharField(_("fonction"), max_length=150, blank=True)
    phone = models.CharField(
        _("téléphone"), max_length=30, blank=True, validators=[phones.validate_phone]
    )
    email = models.EmailField(_("courriel"), blank=True)
    contact_for = models.CharField(_("à contacter pour"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["position", "last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(last_name=""), name="partners_contact_last_name_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class ErrorReport(models.Model):
    """A member's "signaler une erreur" on a partner's page, until a coordinator handles it."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.CASCADE, related_name="reports"
    )
    message = models.TextField(_("message"), max_length=1000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signalé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traité par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("signalement d'erreur")
        verbose_name_plural = _("signalements d'erreur")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(message=""), name="partners_errorreport_message_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("created_at")),
                name="partners_errorreport_resolved_after_created",
            ),
        ]

    def __str__(self):
        return _("Signalement n° %(number)s") % {"number": self.pk}

    def resolve(self, *, by):
        self.resolved_at = timezone.now()
        self.resolved_by = by
        self.save(update_fields=["resolved_at", "resolved_by"])


class NetworkMembership(models.Model):
    """A territory coordination's decision about a partner of another territory (or a
    departmental, regional, national one) whose zone covers it. Accepted, the partner appears in
    the territory's guide du référent and orientation helper, and its contacts are shown to the
    territory's members; set aside (« écarté »), it leaves the « partenaires proposés »."""

    class Status(models.TextChoices):
        ACCEPTED = "accepte", _("accepté dans le réseau")
        DECLINED = "ecarte", _("écarté")

    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )
    status = models.CharField(_("décision"), max_length=10, choices=Status, default=Status.ACCEPTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), default=timezone.now)

    class Meta:
        verbose_name = _("décision sur un partenaire proposé")
        verbose_name_plural = _("partenaires des réseaux (acceptés ou écartés)")
        ordering = ["territory", "partner"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "partner"],
                name="partners_networkmembership_unique_territory_partner",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["accepte", "ecarte"]),
                name="partners_networkmembership_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.partner} · {self.territory} ({self.get_status_display()})"
