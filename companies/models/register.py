"""The register: establishments and their legal units from INSEE's Sirene files, and the
nomenclatures they use (NAF rév. 2, NAF 2025, workforce bands), loaded from the CSV files of
companies/data/ by the initial migration.

An establishment belongs to no territory of its own: it is in a commune, and a territory sees
the establishments of its communes (derived from its EPCIs, like everything else).
"""

import functools

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.models import Commune
from portal.text import normalize
from portal.validators import validate_siren, validate_siret

__all__ = [
    "Establishment",
    "EstablishmentQuerySet",
    "LegalUnit",
    "NafCode",
    "Naf2025Code",
    "WorkforceBand",
    "annuaire_url",
    "band_ranks",
]

ANNUAIRE_URL = "https://annuaire-entreprises.data.gouv.fr/entreprise/{siren}"


def annuaire_url(siren):
    """The public page of the legal unit in the Annuaire des entreprises (a link only)."""
    return ANNUAIRE_URL.format(siren=siren)


class NafCode(models.Model):
    """An item of the NAF rév. 2 at any of its five levels (section `J` … sous-classe `62.01Z`)."""

    class Level(models.TextChoices):
        SECTION = "section", _("section")
        DIVISION = "division", _("division")
        GROUP = "groupe", _("groupe")
        CLASS = "classe", _("classe")
        SUBCLASS = "sous-classe", _("sous-classe")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    label = models.CharField(_("libellé"), max_length=300)
    level = models.CharField(_("niveau"), max_length=12, choices=Level)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("poste parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    section = models.CharField(
        _("section"),
        max_length=1,
        help_text=_("La lettre de la section (la sienne pour une section)."),
    )
    position = models.PositiveIntegerField(_("rang"), help_text=_("Ordre de la nomenclature."))
    search_label = models.CharField(max_length=300, editable=False)

    class Meta:
        verbose_name = _("poste de la NAF rév. 2")
        verbose_name_plural = _("postes de la NAF rév. 2")
        ordering = ["position"]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def division(self):
        """The division's code (two digits) of a numbered item, else empty."""
        return self.code[:2] if self.level != self.Level.SECTION else ""


class Naf2025Code(models.Model):
    """A sous-classe of the NAF 2025 (official APE nomenclature from 1 January 2027). The file
    gives the labels of sous-classes only: higher levels are their codes."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    label = models.CharField(_("libellé"), max_length=300)
    class_code = models.CharField(_("classe"), max_length=5)
    group_code = models.CharField(_("groupe"), max_length=4)
    division_code = models.CharField(_("division"), max_length=2)

    class Meta:
        verbose_name = _("sous-classe de la NAF 2025")
        verbose_name_plural = _("sous-classes de la NAF 2025")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"


class WorkforceBand(models.Model):
    """A Sirene workforce band (tranche d'effectif salarié): `NN` non-employer, `00` … `53`."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    label = models.CharField(_("libellé"), max_length=100)
    minimum = models.PositiveIntegerField(_("minimum"), null=True, blank=True)
    maximum = models.PositiveIntegerField(_("maximum"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("rang"))

    class Meta:
        verbose_name = _("tranche d'effectif")
        verbose_name_plural = _("tranches d'effectif")
        ordering = ["position"]

    def __str__(self):
        return self.label


@functools.cache
def band_ranks():
    """{band code: its rank in the list's « effectif » sort}, the band's position + 1, so that an
    unknown band (rank 0) comes last when sorting from the largest. Read once per process: the
    bands are loaded by the initial migration and never change."""
    return {
        code: position + 1
        for code, position in WorkforceBand.objects.values_list("code", "position")
    }


class LegalUnit(models.Model):
    """A legal unit (unité légale, the company) by its SIREN, as Sirene publishes it.

    `name` is what may be shown: a legal person's name, or a sole trader's name only when
    Sirene publishes it (never with partial diffusion)."""

    siren = models.CharField(_("SIREN"), max_length=9, unique=True, validators=[validate_siren])
    name = models.CharField(_("dénomination"), max_length=300, blank=True)
    acronym = models.CharField(_("sigle"), max_length=50, blank=True)
    legal_category = models.CharField(
        _("catégorie juridique"), max_length=4, blank=True, help_text=_("Code INSEE à 4 chiffres.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_ess = models.BooleanField(_("économie sociale et solidaire"), null=True, blank=True)
    is_employer = models.BooleanField(_("employeuse"), null=True, blank=True)
    is_partially_diffused = models.BooleanField(
        _("diffusion partielle"),
        default=False,
        help_text=_("La personne a demandé que son nom et son adresse ne soient pas diffusés."),
    )
    created_on = models.DateField(_("date de création"), null=True, blank=True)
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    class Meta:
        verbose_name = _("unité légale")
        verbose_name_plural = _("unités légales")
        ordering = ["siren"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren__regex=r"^[0-9]{9}$"), name="companies_legalunit_siren_format"
            ),
        ]

    def __str__(self):
        return self.name or self.siren

    @property
    def is_sole_trader(self):
        """An entrepreneur individuel (catégorie juridique 1000)."""
        return self.legal_category == "1000"

    @property
    def annuaire_url(self):
        return annuaire_url(self.siren)


# What the list's indexes hold after their order's columns: every filter of the list, then the
# id (see Establishment.Meta.indexes).
LIST_INDEX_COLUMNS = (
    "is_active",
    "commune",
    "naf",
    "workforce_band",
    "is_employer",
    "is_ess",
    "id",
)


class EstablishmentQuerySet(models.QuerySet):
    def in_territory(self, territory):
        """The establishments of the territory's communes (derived from its EPCIs)."""
        return self.filter(
            commune_id__in=Commune.objects.filter(epci__territories=territory).values("pk")
        )

    def visible_to(self, user):
        """The establishments of the communes of the territories the user may see."""
        territory_ids = access.territory_ids_for(user)
        if territory_ids is None:
            return self
        return self.filter(
            commune_id__in=Commune.objects.filter(epci__territories__in=territory_ids).values("pk")
        )

    def search(self, query):
        """Name, SIRET (or SIREN) or NAF label, accents and case ignored."""
        query = normalize(query)
        digits = query.replace(" ", "")
        if digits.isdigit():
            return self.filter(siret__startswith=digits)
        return self.filter(search_text__contains=query)

    def for_list(self):
        return self.select_related("legal_unit", "naf", "workforce_band", "commune")

    def for_detail(self):
        return self.select_related("legal_unit", "naf", "naf25", "workforce_band", "commune")


class Establishment(models.Model):
    """An establishment (établissement) by its SIRET, from Sirene or added by hand."""

    class Source(models.TextChoices):
        SIRENE = "sirene", _("fichier Sirene")
        MANUAL = "manuel", _("saisie manuelle")

    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    legal_unit = models.ForeignKey(
        LegalUnit,
        verbose_name=_("unité légale"),
        on_delete=models.PROTECT,
        related_name="establishments",
    )
    name = models.CharField(
        _("enseigne ou nom usuel"),
        max_length=300,
        blank=True,
        help_text=_("Le nom de l'établissement quand il diffère de celui de l'entreprise."),
    )
    naf = models.ForeignKey(
        NafCode,
        verbose_name=_("activité (NAF rév. 2)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": NafCode.Level.SUBCLASS},
        db_index=False,  # in the list's covering index (Meta.indexes)
    )
    activity_code = models.CharField(
        _("code d'activité du fichier"),
        max_length=10,
        blank=True,
        help_text=_("Tel que Sirene le publie, y compris dans une ancienne nomenclature."),
    )
    activity_nomenclature = models.CharField(
        _("nomenclature du code d'activité"), max_length=10, blank=True
    )
    naf25 = models.ForeignKey(
        Naf2025Code,
        verbose_name=_("activité (NAF 2025)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    workforce_band = models.ForeignKey(
        WorkforceBand,
        verbose_name=_("tranche d'effectif"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # in the list's covering index (Meta.indexes)
    )
    workforce_year = models.PositiveSmallIntegerField(
        _("année de l'effectif"), null=True, blank=True
    )
    is_employer = models.BooleanField(_("employeur"), null=True, blank=True)
    is_ess = models.BooleanField(
        _("économie sociale et solidaire"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Celle de l'unité légale, recopiée pour le filtre de la liste."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_head_office = models.BooleanField(_("siège"), default=False)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    address_complement = models.CharField(_("complément d'adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="establishments",
        # No index of its own: the list's covering index holds it (see Meta.indexes).
        db_index=False,
    )
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    is_partially_diffused = models.BooleanField(
        _("diffusion partielle"),
        default=False,
        help_text=_("La personne a demandé que son nom et son adresse ne soient pas diffusés."),
    )
    created_on = models.DateField(_("date de création"), null=True, blank=True)
    closed_on = models.DateField(_("date de fermeture"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.SIRENE)
    search_text = models.CharField(max_length=600, editable=False, default="")
    # The list's sort keys, copied so that an index gives each order without a join (see
    # Meta.indexes); set by save() and by every bulk write (import_sirene, the data migration),
    # and followed when a commune is renamed (companies.receivers).
    commune_search_name = models.CharField(
        max_length=200,
        editable=False,
        default="",
        help_text=_("Le nom de la commune sans accents, recopié pour le tri de la liste."),
    )
    workforce_rank = models.PositiveSmallIntegerField(
        editable=False,
        default=0,
        help_text=_("Le rang de la tranche d'effectif (0 si inconnue), recopié pour le tri."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ajouté par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["search_text", "siret"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siret__regex=r"^[0-9]{14}$"),
                name="companies_establishment_siret_format",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(
                    longitude__gte=-180,
                    longitude__lte=180,
                    latitude__gte=-90,
                    latitude__lte=90,
                ),
                name="companies_establishment_coordinates",
            ),
        ]
        indexes = [
            # The register's list, read in its default order with every filter it may have
            # (a territory's communes, state, NAF, band, employer, ESS, search text): the page
            # of ids comes from the index alone, without a sort (docs/performance.md).
            # A separate index on the commune, the NAF code or the band would be preferred by
            # SQLite's planner, which would then read and sort a territory's rows: there is none.
            # The id last: what the page reads (SQLite's indexes hold it anyway; PostgreSQL can
            # then answer from the index alone, an index-only scan, instead of sorting the rows).
            models.Index(
                fields=["search_text", "siret", *LIST_INDEX_COLUMNS],
                name="companies_estab_list_idx",
            ),
            # The same for the sorts by commune and by workforce band (the band filter reads
            # the band's rank too, so that this index serves it, in the name order, as well).
            # The commune's id after its name: two homonymous communes stay apart, and the
            # map's counts per commune are grouped in this index's order, without a sort.
            models.Index(
                fields=[
                    "commune_search_name",
                    "commune",
                    "search_text",
                    "siret",
                    *(name for name in LIST_INDEX_COLUMNS if name != "commune"),
                ],
                name="companies_estab_commune_idx",
            ),
            models.Index(
                fields=["-workforce_rank", "search_text", "siret", *LIST_INDEX_COLUMNS],
                name="companies_estab_band_idx",
            ),
        ]

    SORT_KEYS = ("commune_search_name", "workforce_rank")

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        """Save with the sort keys of the commune and band it has now (copies, like the
        commune's own search name)."""
        self.set_sort_keys()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.SORT_KEYS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("companies:detail", args=[self.siret])

    @property
    def siren(self):
        return self.siret[:9]

    @property
    def nic(self):
        return self.siret[9:]

    @property
    def display_name(self):
        """The establishment's name, else its legal unit's; never a name Sirene hides."""
        name = self.name or self.legal_unit.name
        if name:
            return name
        if self.is_partially_diffused or self.legal_unit.is_partially_diffused:
            return str(_("Établissement non diffusible (diffusion partielle)"))
        return str(_("Établissement sans nom publié"))

    @property
    def annuaire_url(self):
        return annuaire_url(self.siren)

    def set_sort_keys(self):
        """Copy the commune's search name and the band's rank (the list sorts on them)."""
        self.commune_search_name = self.commune.search_name if self.commune_id else ""
        self.workforce_rank = band_ranks().get(self.workforce_band_id, 0)

    def build_search_text(self):
        """What the list searches: names, SIRET and NAF label, accents and case removed."""
        parts = [self.name, self.legal_unit.name, self.legal_unit.acronym]
        if self.naf_id:
            parts.append(self.naf.label)
        return normalize(" ".join(part for part in parts if part))[:600]
