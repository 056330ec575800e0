"""Forms of the directory: the search (GET), the partner and its contacts, error reports, import."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from partners import phones
from partners.models import (
    RESERVED_SLUGS,
    Contact,
    ErrorReport,
    Partner,
    Public,
    ReceptionMode,
    Service,
    Theme,
)
from portal import access
from portal.forms import CheckboxList, KeepCurrentChoicesMixin, formfield
from portal.models import Commune, Department, Region, Territory
from portal.text import normalize

ALL_PUBLICS = "tous-publics"
QUERY_MAX_LENGTH = 200
COMMUNE_WITH_CODE = re.compile(r"\(([0-9]{2}|2A|2B)([0-9]{3})\)\s*$", re.IGNORECASE)
INSEE_CODE = re.compile(r"^([0-9]{2}|2A|2B)[0-9]{3}$", re.IGNORECASE)


def commune_label(commune):
    """What the commune inputs show and accept back: "Angoulême (16015)"."""
    return f"{commune.name} ({commune.insee_code})"


def find_commune(value, known=()):
    """The commune a user typed: "Angoulême (16015)", "16015" or an unambiguous name.

    `known` are communes already loaded (the datalist), tried first to spare a query.
    Raises ValidationError with a French message when nothing or several communes match.
    """
    value = " ".join(str(value).split())[:120]
    match = COMMUNE_WITH_CODE.search(value)
    code = "".join(match.groups()).upper() if match else None
    if code is None and INSEE_CODE.match(value):
        code = value.upper()
    for commune in known:
        if commune.insee_code == code or (code is None and commune.search_name == normalize(value)):
            return commune
    if code:
        candidates = list(Commune.objects.filter(insee_code=code)[:2])
    else:
        candidates = list(Commune.objects.filter(search_name=normalize(value))[:5])
    if not candidates:
        raise ValidationError(
            _(
                "Commune inconnue : « %(value)s ». Choisissez-la dans la liste ou saisissez son "
                "code INSEE."
            ),
            code="unknown",
            params={"value": value},
        )
    if len(candidates) > 1:
        raise ValidationError(
            _(
                "Plusieurs communes s'appellent « %(value)s » : précisez son code INSEE, par "
                "exemple %(example)s."
            ),
            code="ambiguous",
            params={"value": value, "example": commune_label(candidates[0])},
        )
    return candidates[0]


def option_groups(choices):
    """[(group label or None, [(value, label)])] of a choice list, for a hand-written <select>
    with <optgroup>s: consecutive plain options form one group without a label."""
    groups = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            groups.append((value, list(label)))
        elif groups and groups[-1][0] is None:
            groups[-1][1].append((value, label))
        else:
            groups.append((None, [(value, label)]))
    return groups


def grouped_themes(options):
    """Theme choices of the directory: each category (`se-former`, matching its sub-themes too)
    as the first option of a group holding its sub-themes (`se-former--…`); local themes alone."""
    labels = dict(options)
    groups = {}
    for slug, label in options:
        category = slug.split("--", 1)[0]
        if category == slug:
            groups.setdefault(slug, [])
        else:
            groups.setdefault(category, []).append((slug, label))
    choices = []
    for category, children in groups.items():
        if not children:
            choices.append((category, labels.get(category, category)))
            continue
        everything = _("%(category)s : toute la catégorie") % {"category": labels.get(category)}
        choices.append((labels.get(category, category), [(category, everything), *children]))
    return choices


class DirectorySearchForm(forms.Form):
    """The directory's GET form. Choices come from `options` (one query, see views)."""

    SORTS = [
        ("nom", _("nom")),
        ("commune", _("commune")),
        ("verification", _("dernière vérification")),
    ]

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=QUERY_MAX_LENGTH)
    commune = forms.CharField(label=_("Commune"), required=False, max_length=120)
    public = forms.ChoiceField(label=_("Public"), required=False)
    theme = forms.ChoiceField(label=_("Thématique"), required=False)
    category = forms.ChoiceField(label=_("Catégorie"), required=False)
    scale = forms.ChoiceField(
        label=_("Échelle"),
        required=False,
        choices=[("", _("Toutes"))] + list(Partner.Scale.choices),
    )
    accueil = forms.ChoiceField(
        label=_("Accueil"),
        required=False,
        choices=[("", _("Tous"))] + list(ReceptionMode.choices),
    )
    tri = forms.ChoiceField(label=_("Trier par"), required=False, choices=SORTS)

    def __init__(self, data=None, *, options, communes=()):
        super().__init__(data)
        self.communes = communes
        self.ids = options["ids"]
        self.fields["public"].choices = [("", _("Tous"))] + options["public"]
        self.fields["theme"].choices = [("", _("Toutes"))] + grouped_themes(options["theme"])
        self.fields["category"].choices = [("", _("Toutes"))] + options["category"]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.groups = option_groups(field.choices)

    def clean_commune(self):
        value = self.cleaned_data["commune"].strip()
        if not value:
            return None
        return find_commune(value, known=self.communes)

    def clean(self):
        cleaned = super().clean()
        # What the public and theme filters look for in Partner.directory_ids.
        for kind in ("public", "theme"):
            if cleaned.get(kind):  # a valid choice: one of reference_options()'s
                cleaned[f"{kind}_ids"] = self.ids[(kind, cleaned[kind])]
        return cleaned

    def is_filtered(self):
        return any(self.cleaned_data.get(name) for name in self.fields if name != "tri")


class CommuneField(forms.CharField):
    """A commune typed in a text input (with a datalist), resolved by find_commune()."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 120)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return commune_label(value)
        if isinstance(value, int):
            commune = Commune.objects.filter(pk=value).first()
            return commune_label(commune) if commune else ""
        return value

    def clean(self, value):
        value = super().clean(value)
        return find_commune(value) if value else None

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != (data or "")


class PhoneField(forms.CharField):
    """A phone number typed in any usual way, stored in E.164, shown in the French format."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Téléphone"))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return phones.display(value) if value else value

    def clean(self, value):
        return phones.to_e164(super().clean(value))

    def has_changed(self, initial, data):
        try:
            return phones.to_e164(initial or "") != phones.to_e164(data or "")
        except ValidationError:
            return True


class PartnerForm(KeepCurrentChoicesMixin, forms.ModelForm):
    phone = PhoneField()
    commune = CommuneField(
        label=_("Commune"),
        required=False,
        help_text=_("Nom de la commune ou code INSEE, par exemple « Angoulême (16015) »."),
    )

    class Meta:
        formfield_callback = formfield
        model = Partner
        fields = [
            "territory",
            "name",
            "also_known_as",
            "category",
            "scale",
            "description",
            "services",
            "address",
            "postal_code",
            "commune",
            "siret",
            "phone",
            "email",
            "website",
            "opening_hours_osm",
            "opening_hours",
            "reception_in_person",
            "reception_remote",
            "mobilise_walk_in",
            "mobilise_phone",
            "mobilise_email",
            "mobilise_link",
            "mobilisation_link",
            "publics",
            "themes",
            "is_national",
            "zone_regions",
            "zone_departments",
            "zone_territories",
            "zone_communes",
            "check_interval",
        ]
        widgets = {
            "publics": CheckboxList,
            "themes": CheckboxList,
            "zone_territories": CheckboxList,
            "zone_regions": CheckboxList,
            "zone_communes": CheckboxList(
                group_by=lambda commune: commune.epci and commune.epci.name
            ),
            "zone_departments": CheckboxList(group_by=lambda department: department.region.name),
            "description": forms.Textarea(attrs={"rows": 3}),
            "services": forms.Textarea(attrs={"rows": 3}),
            "opening_hours": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editable = [
            territory
            for territory in access.territory_list(user)
            if access.can_edit(user, territory)
        ]
        self.fields["territory"].queryset = Territory.objects.filter(
            pk__in=[territory.pk for territory in editable]
        )
        self.fields["territory"].empty_label = None
        territory_ids = [territory.pk for territory in editable]
        if self.instance.pk:
            territory_ids.append(self.instance.territory_id)
        # Communes and territories of the zone: only those of the territories the user
        # coordinates (the ones the record already has are kept, see keep_current_choices), so
        # that no one puts a partner in another territory's guide: that territory's coordination
        # accepts it into its network instead (NetworkMembership). Departments, regions and the
        # whole country stay open: by themselves they bring a partner into no other territory's
        # guide (docs/partners.md, « Réseau d'un territoire »).
        self.fields["zone_communes"].queryset = (
            Commune.objects.filter(epci__territories__in=territory_ids)
            .select_related("epci")
            .distinct()
            .order_by("search_name")
        )
        self.fields["zone_territories"].queryset = Territory.objects.filter(
            pk__in=territory_ids
        ).order_by("name")
        for name, message in (
            (
                "zone_communes",
                _(
                    "Vous ne pouvez ajouter à la zone que des communes des territoires que vous "
                    "coordonnez : la coordination d'un autre territoire accepte elle-même un "
                    "partenaire dans son réseau."
                ),
            ),
            (
                "zone_territories",
                _(
                    "Vous ne pouvez ajouter à la zone que les territoires que vous coordonnez : "
                    "la coordination d'un autre territoire accepte elle-même un partenaire dans "
                    "son réseau."
                ),
            ),
        ):
            self.fields[name].error_messages["invalid_choice"] = message
            self.fields[name].error_messages["invalid_pk_value"] = message
            self.fields[name].help_text = _(
                "Ceux des territoires que vous coordonnez. Pour un autre territoire, sa "
                "coordination accepte elle-même ce partenaire dans son réseau."
            )
        self.fields["zone_departments"].queryset = Department.objects.select_related("region")
        self.fields["zone_regions"].queryset = Region.objects.all()
        self.fields["publics"].queryset = Public.objects.all()
        self.fields["themes"].queryset = Theme.objects.categories()
        self.fields["themes"].help_text = _(
            "Les grandes catégories ; le détail (sous-thématiques) se choisit pour chaque service."
        )
        self.fields["publics"].help_text = _("« Tous publics » exclut les autres publics.")
        self.keep_current_choices(
            territory=_("vous ne le gérez pas"),
            zone_communes=_("hors de vos territoires"),
            zone_territories=_("autre territoire"),
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        publics = cleaned.get("publics") or []
        if any(public.slug == ALL_PUBLICS for public in publics) and len(publics) > 1:
            self.add_error(
                "publics",
                _(
                    "« Tous publics » ne se combine pas avec d'autres publics : décochez l'un ou "
                    "les autres."
                ),
            )
        if cleaned.get("mobilise_link") and not cleaned.get("mobilisation_link"):
            self.add_error(
                "mobilisation_link", _("Indiquez le lien de mobilisation, ou décochez ce mode.")
            )
        return cleaned

    def save(self, commit=True):
        partner = super().save(commit=False)
        if not partner.slug:
            partner.slug = unique_slug(partner.name)
        if commit:
            partner.save()
            self.save_m2m()
        return partner


class ServiceForm(KeepCurrentChoicesMixin, forms.ModelForm):
    """A partner's service (data·inclusion v1 *service*), edited by its territory's coordinators."""

    class Meta:
        formfield_callback = formfield
        model = Service
        fields = [
            "name",
            "description",
            "service_type",
            "themes",
            "publics",
            "publics_details",
            "access_conditions",
            "fee",
            "fee_details",
            "reception_in_person",
            "reception_remote",
            "eligibility_zone",
            "mobilise_walk_in",
            "mobilise_phone",
            "mobilise_email",
            "mobilise_link",
            "mobilisation_link",
            "mobilisation_details",
            "mobilisable_by_users",
            "mobilisable_by_pros",
            "opening_hours_osm",
            "position",
        ]
        widgets = {
            "themes": CheckboxList(group_by=lambda theme: theme.parent and theme.parent.label),
            "publics": CheckboxList,
            "description": forms.Textarea(attrs={"rows": 4}),
            "publics_details": forms.Textarea(attrs={"rows": 2}),
            "access_conditions": forms.Textarea(attrs={"rows": 2}),
            "fee_details": forms.Textarea(attrs={"rows": 2}),
            "mobilisation_details": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = (
            Theme.objects.for_services().select_related("parent").order_by("position", "label")
        )
        self.fields["themes"].help_text = _(
            "Les thématiques data·inclusion v1 (regroupées par catégorie) ; « Recruter » est "
            "propre au portail et n'est pas exportée."
        )
        self.fields["publics"].queryset = Public.objects.all()
        self.fields["publics"].help_text = _("« Tous publics » exclut les autres publics.")
        self.keep_current_choices()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 3:
            raise ValidationError(_("Le nom du service compte au moins 3 caractères."))
        return name

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if len(description) < 5:
            raise ValidationError(_("Décrivez le service en une phrase au moins."))
        return description

    def clean_eligibility_zone(self):
        return " ".join(self.cleaned_data["eligibility_zone"].replace(",", " ").split())

    def clean(self):
        cleaned = super().clean()
        publics = cleaned.get("publics") or []
        if any(public.slug == ALL_PUBLICS for public in publics) and len(publics) > 1:
            self.add_error(
                "publics",
                _(
                    "« Tous publics » ne se combine pas avec d'autres publics : décochez l'un ou "
                    "les autres."
                ),
            )
        if cleaned.get("mobilise_link") and not cleaned.get("mobilisation_link"):
            self.add_error(
                "mobilisation_link", _("Indiquez le lien de mobilisation, ou décochez ce mode.")
            )
        return cleaned


def unique_slug(name, taken=(), *, check_database=True):
    """A free URL slug for `name`: "mission-locale-arc-charente", then "-2", "-3"…
    `check_database=False` when `taken` already holds every slug in use (bulk imports)."""
    base = slugify(name)[:200] or "partenaire"
    slug, number = base, 1
    while (
        slug in RESERVED_SLUGS
        or slug in taken
        or (check_database and Partner.objects.filter(slug=slug).exists())
    ):
        number += 1
        slug = f"{base}-{number}"
    return slug


class ContactForm(forms.ModelForm):
    phone = PhoneField()

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "role", "phone", "email", "contact_for"]


ContactFormSet = inlineformset_factory(
    Partner,
    Contact,
    form=ContactForm,
    fields=["first_name", "last_name", "role", "phone", "email", "contact_for"],
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class ErrorReportForm(forms.ModelForm):
    class Meta:
        model = ErrorReport
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3, "maxlength": 1000})}
        labels = {"message": _("Qu'est-ce qui est inexact ?")}
        help_texts = {
            "message": _("Par exemple : nouveau numéro, horaires changés, contact parti.")
        }

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise ValidationError(_("Décrivez l'erreur en quelques mots."))
        return message


class ImportForm(forms.Form):
    MAX_BYTES = 1_000_000

    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_("Séparateur « ; » ou « , », UTF-8 ou Windows-1252, 1 Mo au plus."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(_("Le fichier doit être un CSV (extension .csv)."))
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("Le fichier dépasse 1 Mo : découpez-le."))
        return upload


class DataInclusionImportForm(forms.Form):
    """The admin's data·inclusion import: two v1 files (JSON or CSV) and the territory."""

    MAX_BYTES = 5_000_000

    territory = forms.ModelChoiceField(
        label=_("Territoire"), queryset=Territory.objects.order_by("name"), empty_label=None
    )
    structures = forms.FileField(label=_("Structures (v1, JSON ou CSV)"))
    services = forms.FileField(label=_("Services (v1, JSON ou CSV)"))

    def _clean_file(self, name):
        upload = self.cleaned_data[name]
        if not upload.name.lower().endswith((".json", ".csv")):
            raise ValidationError(_("Le fichier doit être un JSON ou un CSV (.json, .csv)."))
        if upload.size > self.MAX_BYTES:
            raise ValidationError(
                _(
                    "Le fichier dépasse 5 Mo : importez le fichier national avec la commande "
                    "manage.py import_data_inclusion."
                )
            )
        return upload

    def clean_structures(self):
        return self._clean_file("structures")

    def clean_services(self):
        return self._clean_file("services")
