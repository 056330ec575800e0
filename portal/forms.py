"""Forms of the portal's administration (importing communes, creating a territory from an EPCI),
and what every form of the portal shares: choice lists that keep a record's current values
(`KeepCurrentChoicesMixin`), checkbox lists in place of multiple selects (`CheckboxList`)."""

import re

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.forms.widgets import ChoiceWidget
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
from portal.text import normalize

# The whole country's communes.json weighs about 9 MB.
MAX_UPLOAD_SIZE = 50 * 1024 * 1024

# The kind of a territory made of a single EPCI follows the EPCI's.
TERRITORY_KIND_OF_EPCI = {
    EPCI.Kind.CA: Territory.Kind.CA,
    EPCI.Kind.CC: Territory.Kind.CC,
    EPCI.Kind.CU: Territory.Kind.CU,
    EPCI.Kind.METRO: Territory.Kind.METROPOLIS,
    EPCI.Kind.MET69: Territory.Kind.METROPOLIS,
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
                    kind=TERRITORY_KIND_OF_EPCI.get(epci.kind, Territory.Kind.OTHER),
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


# --- Choice lists of edit forms --------------------------------------------------------------

KEPT_CHOICE = "kept_choice"


def with_current(queryset, current):
    """`queryset` (what a new record is offered) plus the rows whose pk is in `current` (what the
    record already has). Each row is annotated `kept_choice`: True when it is there only because
    the record has it. Still one query when read."""
    current = {pk for pk in current if pk is not None}
    if not current:
        return queryset
    extra = queryset.model._default_manager.filter(pk__in=current)
    if queryset.query.distinct:
        extra = extra.distinct()
    kept = ExpressionWrapper(~Q(pk__in=queryset.values("pk")), output_field=BooleanField())
    return (queryset | extra).annotate(**{KEPT_CHOICE: kept})


def _marked(label_from_instance, note):
    def label(obj):
        text = label_from_instance(obj)
        if getattr(obj, KEPT_CHOICE, False):
            return _("%(label)s (%(note)s)") % {"label": text, "note": note}
        return text

    return label


class KeepCurrentChoicesMixin:
    """For the forms that edit a record: a value the record already has stays selectable.

    A choice list offers what a new record may take (the territory's partners, the active
    référents…); a record may hold values that are no longer offered (a partner of another
    territory, a référent whose mandate has ended). Without this, the form would not show them
    and saving it, even unchanged, would silently drop them. Call `keep_current_choices()` at the
    end of `__init__`, once the querysets are set: every model choice field then also offers the
    values the form starts with, marked with a note (`notes`: {field name: note}). A pk that is
    neither offered nor current is still refused. Since the form shows what the record holds,
    `has_changed()` is False after an unchanged submit: the views then write nothing.
    """

    default_kept_note = gettext_lazy("choix actuel")

    def keep_current_choices(self, **notes):
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.disabled:
                continue
            value = self.initial.get(name)
            values = value if isinstance(value, list | tuple | set) else [value]
            current = [getattr(item, "pk", item) for item in values]
            if not any(pk is not None for pk in current):
                continue
            field.queryset = with_current(field.queryset, current)
            field.label_from_instance = _marked(
                field.label_from_instance, notes.get(name, self.default_kept_note)
            )


# --- Checkbox lists --------------------------------------------------------------------------


class CheckboxList(ChoiceWidget):
    """Checkboxes in a scrollable box, instead of a <select multiple> (Ctrl + click).

    Rendered in a fieldset whose legend is the field's label (crispy-forms and Django both do so
    for widgets with `use_fieldset`). `group_by(obj)` names the group of a model choice (its
    category, its EPCI…): with two groups or more, each is a fieldset of its own. Works without
    JavaScript; static/js/checkbox_list.js adds a filter box and a count of the checked boxes
    to the lists of `filter_from` choices or more.
    """

    allow_multiple_selected = True
    input_type = "checkbox"
    template_name = "includes/_checkbox_list.html"
    option_template_name = "django/forms/widgets/checkbox_option.html"
    use_fieldset = True

    def __init__(self, attrs=None, *, group_by=None, filter_from=10):
        super().__init__(attrs)
        self.group_by = group_by
        self.filter_from = filter_from

    def use_required_attribute(self, initial):
        return False  # the browser would require every box

    def value_omitted_from_data(self, data, files, name):
        return False  # no box checked sends nothing: that is a value

    def id_for_label(self, id_, index=None):
        # The legend names the list, not its first box.
        return "" if index is None else super().id_for_label(id_, index)

    def optgroups(self, name, value, attrs=None):
        choices = list(self.choices)  # one query for model choices
        if self.group_by is not None:
            groups = {}
            for option_value, label in choices:
                instance = getattr(option_value, "instance", None)
                key = self.group_by(instance) if instance is not None else None
                groups.setdefault(key or "", []).append((option_value, label))
            if len(groups) > 1:
                ordered = sorted(groups, key=lambda key: (key == "", normalize(str(key))))
                choices = [(key or _("Autres"), groups[key]) for key in ordered]
        self.count = sum(len(c[1]) if isinstance(c[1], list) else 1 for c in choices)
        original, self.choices = self.choices, choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = original

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["filterable"] = self.count >= self.filter_from
        widget["invalid"] = "is-invalid" in widget["attrs"].get("class", "")
        return context
