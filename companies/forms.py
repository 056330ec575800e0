"""Forms of the register: the list's search and filters, and adding an establishment by hand."""

import datetime
import functools

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Establishment, Exchange, NafCode, Need, WorkforceBand, band_ranks
from portal.text import strip_control_characters
from portal.validators import validate_siret

YES_NO = [("", _("Tous")), ("oui", _("Oui")), ("non", _("Non"))]


@functools.cache
def naf_choices():
    """(sections, divisions) as choices: the NAF rév. 2 is loaded by the initial migration and
    never changes, so it is read once per process."""
    sections, divisions = [("", _("Toutes"))], [("", _("Toutes"))]
    items = NafCode.objects.filter(
        level__in=[NafCode.Level.SECTION, NafCode.Level.DIVISION]
    ).order_by("position")
    for item in items.values_list("code", "label", "level"):
        code, label, level = item
        target = sections if level == NafCode.Level.SECTION else divisions
        target.append((code, f"{code} — {label}"))
    return tuple(sections), tuple(divisions)


@functools.cache
def section_ranges():
    """{section: (first division, last division)}: a section's divisions follow each other, so
    its sous-classes are a range of codes (`C`: from 10 to 33.xx), filtered without a join."""
    ranges = {}
    items = NafCode.objects.filter(level=NafCode.Level.DIVISION).order_by("position")
    for code, section in items.values_list("code", "section"):
        first, _last = ranges.get(section, (code, code))
        ranges[section] = (first, code)
    return ranges


@functools.cache
def band_choices():
    """The Sirene workforce bands, read once per process (loaded by the initial migration)."""
    return tuple(WorkforceBand.objects.order_by("position").values_list("code", "label"))


class EstablishmentFilterForm(forms.Form):
    """The list's search, filters and sort, all optional (GET)."""

    # Each order but the date's is an index's (Establishment.Meta.indexes): no join, no sort of
    # the territory's rows. The commune and band keys are copies on the establishment; an
    # unknown band has rank 0, last from the largest.
    SORTS = {
        "nom": ("search_text", "siret"),
        "commune": ("commune_search_name", "commune_id", "search_text", "siret"),
        "effectif": ("-workforce_rank", "search_text", "siret"),
        "creation": (F("created_on").desc(nulls_last=True), "search_text", "siret"),
        "siret": ("siret",),
    }
    STATES = [("actifs", _("Ouverts")), ("fermes", _("Fermés")), ("tous", _("Tous"))]

    q = forms.CharField(
        label=_("Nom, SIRET ou activité"),
        max_length=200,
        required=False,
        help_text=_("Sans tenir compte des accents ni des majuscules."),
    )
    commune = forms.TypedChoiceField(label=_("Commune"), required=False, coerce=int)
    section = forms.ChoiceField(label=_("Secteur (section NAF)"), required=False)
    division = forms.ChoiceField(label=_("Division NAF"), required=False)
    effectif = forms.ChoiceField(label=_("Tranche d'effectif"), required=False)
    employeur = forms.ChoiceField(label=_("Employeur"), choices=YES_NO, required=False)
    ess = forms.ChoiceField(
        label=_("Économie sociale et solidaire"), choices=YES_NO, required=False
    )
    etat = forms.ChoiceField(label=_("État"), choices=STATES, required=False)
    # Follow-up filters (followed or not, no échange for 12 months, an open need of a type),
    # applied in `followup_filter` below, within the territory's follow-up.
    suivi = forms.ChoiceField(
        label=_("Suivi"),
        required=False,
        choices=[
            ("", _("Tous")),
            ("oui", _("Suivis (au moins un échange)")),
            ("non", _("Jamais rencontrés")),
        ],
    )
    sans_echange = forms.BooleanField(label=_("Sans échange depuis 12 mois"), required=False)
    besoin = forms.ChoiceField(
        label=_("Avec un besoin ouvert"),
        required=False,
        choices=[("", _("Peu importe")), ("tous", _("de tout type")), *Need.Kind.choices],
    )
    tri = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("nom", _("Nom")),
            ("commune", _("Commune")),
            ("effectif", _("Effectif (du plus grand)")),
            ("creation", _("Date de création (la plus récente)")),
            ("siret", _("SIRET")),
        ],
    )

    def __init__(self, *args, communes=(), territory=None, needs=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The follow-up filters read the territory's échanges and the needs the user may see
        # (companies.perms.needs_visible_to: a référent, the open recruitment needs only).
        self.territory = territory
        self.needs = needs if needs is not None else Need.objects.none()
        sections, divisions = naf_choices()
        self.fields["commune"].choices = [("", _("Toutes")), *communes]
        self.fields["section"].choices = sections
        self.fields["division"].choices = divisions
        self.fields["effectif"].choices = [("", _("Toutes")), *band_choices()]

    REGISTER_FIELDS = {
        "q",
        "commune",
        "section",
        "division",
        "effectif",
        "employeur",
        "ess",
        "etat",
    }

    def followup_fields(self):
        """The bound fields of the follow-up filters (those that are not the register's)."""
        return [self[name] for name in self.fields if name not in {*self.REGISTER_FIELDS, "tri"}]

    def clean_q(self):
        return " ".join(strip_control_characters(self.cleaned_data["q"]).split())

    def is_filtered(self):
        data = self.cleaned_data
        return any(data.get(name) not in (None, "") for name in data if name not in {"tri", "etat"})

    def filter(self, establishments):
        """The establishments that match, in the chosen order."""
        data = self.cleaned_data
        if data.get("q"):
            establishments = establishments.search(data["q"])
        if data.get("commune"):
            establishments = establishments.filter(commune_id=data["commune"])
        if data.get("section"):
            first, last = section_ranges()[data["section"]]
            # "~" sorts after every character of a code: 33.20Z <= "33~".
            establishments = establishments.filter(naf_id__gte=first, naf_id__lte=last + "~")
        if data.get("division"):
            division = data["division"]
            establishments = establishments.filter(naf_id__gte=division, naf_id__lte=division + "~")
        if data.get("effectif"):
            # The rank too (the same band, a copy): the band sort's index then serves the filter.
            establishments = establishments.filter(
                workforce_band_id=data["effectif"], workforce_rank=band_ranks()[data["effectif"]]
            )
        if data.get("employeur"):
            establishments = establishments.filter(is_employer=data["employeur"] == "oui")
        if data.get("ess"):
            establishments = establishments.filter(is_ess=data["ess"] == "oui")
        state = data.get("etat") or "actifs"
        if state != "tous":
            establishments = establishments.filter(is_active=state == "actifs")
        establishments = self.followup_filter(establishments)
        return establishments.order_by(*self.SORTS[data.get("tri") or "nom"])

    def followup_filter(self, establishments):
        """The follow-up filters (see the fields above), as subqueries: no query of their own."""
        data = self.cleaned_data
        exchanges = Exchange.objects.filter(territory=self.territory)
        if data.get("suivi") == "oui":
            establishments = establishments.filter(pk__in=exchanges.values("establishment_id"))
        elif data.get("suivi") == "non":
            establishments = establishments.exclude(pk__in=exchanges.values("establishment_id"))
        if data.get("sans_echange"):
            since = timezone.localdate() - datetime.timedelta(days=365)
            recent = exchanges.filter(date__gte=since).values("establishment_id")
            establishments = establishments.exclude(pk__in=recent)
        if data.get("besoin"):
            needs = self.needs.open()
            if data["besoin"] != "tous":
                needs = needs.filter(kind=data["besoin"])
            establishments = establishments.filter(pk__in=needs.values("establishment_id"))
        return establishments


class EstablishmentCreateForm(forms.ModelForm):
    """An establishment added by hand, when no Sirene file is loaded: the same checks as the
    import (SIRET key, a NAF rév. 2 sous-classe, a commune of the territory)."""

    legal_unit_name = forms.CharField(
        label=_("Dénomination de l'entreprise"),
        max_length=300,
        help_text=_(
            "La raison sociale (pour un entrepreneur individuel : son nom, s'il est public)."
        ),
    )
    naf_code = forms.CharField(
        label=_("Code NAF rév. 2 (APE)"),
        max_length=6,
        help_text=_("Une sous-classe, par exemple 62.01Z ou 2562B."),
    )
    is_ess = forms.NullBooleanField(
        label=_("Économie sociale et solidaire"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Ne sait pas")), ("true", _("Oui")), ("false", _("Non"))]
        ),
    )

    class Meta:
        model = Establishment
        fields = [
            "siret",
            "legal_unit_name",
            "name",
            "naf_code",
            "commune",
            "address",
            "postal_code",
            "workforce_band",
            "is_employer",
            "is_head_office",
        ]

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siret"].help_text = _("14 chiffres, espaces permis.")
        self.fields["siret"].validators = []  # checked in clean_siret, on the digits
        self.fields["commune"].queryset = territory.communes.order_by("search_name")
        self.fields["commune"].empty_label = _("— choisir —")
        self.fields["workforce_band"].empty_label = _("Ne sait pas")
        self.fields["name"].required = False

    def clean_siret(self):
        siret = "".join(self.cleaned_data["siret"].split()).replace(".", "")
        validate_siret(siret)
        existing = Establishment.objects.filter(siret=siret).first()
        if existing is not None:
            raise forms.ValidationError(
                _("Cet établissement est déjà dans le registre : %(name)s."),
                code="exists",
                params={"name": existing.display_name},
            )
        return siret

    def clean_naf_code(self):
        code = self.cleaned_data["naf_code"].strip().upper().replace(" ", "")
        if len(code) == 5 and code[:4].isdigit():
            code = f"{code[:2]}.{code[2:]}"  # 2562B → 25.62B
        if not NafCode.objects.filter(code=code, level=NafCode.Level.SUBCLASS).exists():
            raise forms.ValidationError(
                _(
                    "Code NAF « %(code)s » inconnu : une sous-classe de la NAF rév. 2 est attendue "
                    "(par exemple 62.01Z)."
                ),
                code="unknown_naf",
                params={"code": code[:10]},
            )
        return code

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if code and not (len(code) == 5 and code.isdigit()):
            raise forms.ValidationError(_("Un code postal a 5 chiffres."), code="postal_code")
        return code

    def clean(self):
        cleaned = super().clean()
        for name in ("legal_unit_name", "name", "address"):
            if cleaned.get(name):
                cleaned[name] = " ".join(strip_control_characters(cleaned[name]).split())
        return cleaned
