"""Forms of the portal's administration: importing communes, creating a territory from an EPCI."""

import re

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.imports import (
    DEPARTMENT_RE,
    SIREN_RE,
    ImportFailed,
    import_communes,
    read_json,
)
from portal.models import EPCI, Territory

# The whole country's communes.json weighs about 9 MB.
MAX_UPLOAD_SIZE = 50 * 1024 * 1024

# The kind of a territory made of a single EPCI follows the EPCI's.
TERRITORY_KIND_OF_EPCI = {
    EPCI.Kind.CA: Territory.Kind.CA,
    EPCI.Kind.CC: Territory.Kind.CC,
    EPCI.Kind.CU: Territory.Kind.CU,
    EPCI.Kind.METRO: Territory.Kind.METROPOLE,
    EPCI.Kind.MET69: Territory.Kind.METROPOLE,
}


def split_codes(value):
    return [code for code in re.split(r"[\s,;]+", value.strip().upper()) if code]


class JSONFileField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                _("Ce fichier est trop volumineux (%(size)s Mo au plus).")
                % {"size": MAX_UPLOAD_SIZE // (1024 * 1024)}
            )
        return upload


class CommuneImportForm(forms.Form):
    """Upload the official files; `run()` imports them all or nothing."""

    communes = JSONFileField(
        label=gettext_lazy("Fichier communes.json"),
        help_text=gettext_lazy("Au format du découpage administratif (Etalab)."),
    )
    epcis = JSONFileField(label=gettext_lazy("Fichier epci.json"))
    departments = JSONFileField(
        label=gettext_lazy("Fichier departements.json (facultatif)"),
        required=False,
        help_text=gettext_lazy("Donne leur nom aux départements."),
    )
    regions = JSONFileField(label=gettext_lazy("Fichier regions.json (facultatif)"), required=False)
    only_epcis = forms.CharField(
        label=gettext_lazy("Seulement ces EPCI"),
        required=False,
        help_text=gettext_lazy("Numéros SIREN séparés par des espaces ou des virgules."),
    )
    only_departments = forms.CharField(
        label=gettext_lazy("Seulement ces départements"),
        required=False,
        help_text=gettext_lazy("Codes séparés par des espaces ou des virgules : 16, 24, 2A…"),
    )

    def clean_only_epcis(self):
        codes = split_codes(self.cleaned_data["only_epcis"])
        wrong = [code for code in codes if not SIREN_RE.match(code)]
        if wrong:
            raise forms.ValidationError(
                _("Numéro SIREN invalide (9 chiffres attendus) : %(codes)s.")
                % {"codes": ", ".join(wrong)}
            )
        return codes

    def clean_only_departments(self):
        codes = split_codes(self.cleaned_data["only_departments"])
        wrong = [code for code in codes if not DEPARTMENT_RE.match(code)]
        if wrong:
            raise forms.ValidationError(
                _("Code de département invalide : %(codes)s.") % {"codes": ", ".join(wrong)}
            )
        return codes

    def run(self):
        """Import the uploaded files: the ImportReport, or None with the error on the form."""
        data = self.cleaned_data
        try:
            optional = {
                key: read_json(data[key], name)
                for key, name in (("departments", "departements.json"), ("regions", "regions.json"))
                if data.get(key)
            }
            return import_communes(
                communes=read_json(data["communes"], "communes.json"),
                epcis=read_json(data["epcis"], "epci.json"),
                only_epcis=data["only_epcis"],
                only_departments=data["only_departments"],
                **optional,
            )
        except ImportFailed as error:
            self.add_error(
                None, _("Import annulé, rien n'a été modifié. %(error)s") % {"error": error}
            )
            return None


class TerritoryFromEPCIForm(forms.Form):
    """Create a territory made of one imported EPCI (chosen with the admin's autocomplete)."""

    epci = forms.ModelChoiceField(
        label=gettext_lazy("EPCI"),
        queryset=EPCI.objects.all(),
        help_text=gettext_lazy("Tapez une partie du nom ou du numéro SIREN."),
        error_messages={"invalid_choice": gettext_lazy("Choisissez un EPCI déjà importé.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Nom du territoire"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Par défaut, le nom de l'EPCI."),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Identifiant d'adresse"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("Utilisé dans les URL ; par défaut, tiré du nom."),
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the chosen option is rendered; the others come from the autocomplete view.
        field = self.fields["epci"]
        field.widget = AutocompleteSelect(
            Territory._meta.get_field("epcis"), admin_site, attrs={"data-width": "30em"}
        )
        field.widget.choices = field.choices

    def clean(self):
        data = super().clean()
        epci = data.get("epci")
        if epci is None:
            return data
        data["name"] = data.get("name") or epci.name
        data["slug"] = data.get("slug") or slugify(data["name"])[:80].strip("-")
        duplicate = next(
            (
                territory
                for territory in Territory.objects.filter(epcis=epci).prefetch_related("epcis")
                if [other.pk for other in territory.epcis.all()] == [epci.pk]
            ),
            None,
        )
        if duplicate:
            raise forms.ValidationError(
                _("Le territoire « %(territory)s » est déjà formé de cet EPCI.")
                % {"territory": duplicate}
            )
        if Territory.objects.filter(name__iexact=data["name"]).exists():
            self.add_error("name", _("Un territoire porte déjà ce nom."))
        if Territory.objects.filter(slug=data["slug"]).exists():
            self.add_error("slug", _("Un territoire utilise déjà cet identifiant d'adresse."))
        return data

    def save(self):
        """The new territory, or None with an error on the form (created concurrently)."""
        epci = self.cleaned_data["epci"]
        try:
            with transaction.atomic():
                territory = Territory.objects.create(
                    name=self.cleaned_data["name"],
                    slug=self.cleaned_data["slug"],
                    kind=TERRITORY_KIND_OF_EPCI.get(epci.kind, Territory.Kind.AUTRE),
                )
                territory.epcis.set([epci])
        except IntegrityError:
            self.add_error(None, _("Un territoire porte déjà ce nom ou cet identifiant."))
            return None
        return territory


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing ids that no database integer can hold (on SQLite they raise
    OverflowError, a 500, instead of "not a valid choice")."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(str(pk))
            except (TypeError, ValueError):
                continue
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def formfield(db_field, **kwargs):
    """`Meta.formfield_callback` of the ModelForms: many-to-many fields use the field above."""
    from django.db import models

    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    return db_field.formfield(**kwargs)
