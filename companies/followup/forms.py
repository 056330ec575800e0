"""Forms of the follow-up: échanges (with a need detected in the same step), needs and their
notes, rappels, contacts at the company."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.models import (
    EARLIEST_DATE,
    LATEST_YEARS_AHEAD,
    CompanyContact,
    Exchange,
    Need,
    NeedNote,
    Reminder,
)
from partners.models import Partner
from portal.forms import CheckboxList, KeepCurrentChoicesMixin, formfield
from portal.locking import VersionField
from portal.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def latest_date():
    today = timezone.localdate()
    return today.replace(year=today.year + LATEST_YEARS_AHEAD)


def check_date(value, *, not_after_today=False):
    """A date a person may have meant: from 1990 to ten years ahead (today at most for what
    already happened). Out of range: a French message."""
    if value is None:
        return value
    latest = timezone.localdate() if not_after_today else latest_date()
    if value < EARLIEST_DATE:
        raise forms.ValidationError(
            _("Date trop ancienne : le %(date)s au plus tôt.")
            % {"date": EARLIEST_DATE.strftime("%d/%m/%Y")}
        )
    if value > latest:
        if not_after_today:
            raise forms.ValidationError(_("Cette date est à venir : indiquez une date passée."))
        raise forms.ValidationError(
            _("Date trop lointaine : le %(date)s au plus tard.")
            % {"date": latest.strftime("%d/%m/%Y")}
        )
    return value


def network_people(territory):
    """The territory's members, for « personnes du réseau » and « personne » of a rappel."""
    return (
        User.objects.filter(memberships__territory=territory)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def person_label(user):
    return user.get_full_name() or user.username


def network_partners(territory):
    """The partners of the territory and those accepted into its network."""
    return (
        Partner.objects.in_network_of(territory.pk)
        .select_related("category")
        .only("pk", "name", "category__label")
        .order_by("name")
    )


class ExchangeForm(KeepCurrentChoicesMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        formfield_callback = formfield
        model = Exchange
        fields = ["date", "kind", "people", "partners", "contacts", "summary", "private_note"]
        widgets = {
            "date": DATE,
            "summary": forms.Textarea(attrs={"rows": 5}),
            "private_note": forms.Textarea(attrs={"rows": 3}),
            "people": CheckboxList,
            "partners": CheckboxList(group_by=lambda partner: partner.category.label),
            "contacts": CheckboxList,
        }

    def __init__(self, *args, establishment, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = network_people(territory)
        self.fields["people"].label_from_instance = person_label
        self.fields["partners"].queryset = network_partners(territory)
        self.fields["contacts"].queryset = CompanyContact.objects.filter(
            establishment=establishment, territory=territory
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.keep_current_choices(
            people=_("n'est plus membre du territoire"),
            partners=_("hors du réseau"),
        )

    def clean_date(self):
        return check_date(self.cleaned_data.get("date"), not_after_today=True)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("people") and not data.get("partners"):
            raise forms.ValidationError(
                _("Indiquez qui, du réseau, a participé : une personne ou un partenaire au moins.")
            )
        return data


class NeedForm(KeepCurrentChoicesMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        formfield_callback = formfield
        model = Need
        fields = [
            "kind",
            "title",
            "description",
            "status",
            "job",
            "positions",
            "contract",
            "deadline",
            "partners",
        ]
        widgets = {
            "deadline": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "partners": CheckboxList(group_by=lambda partner: partner.category.label),
        }

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = network_partners(territory)
        self.fields["positions"].widget.attrs.update({"min": 1, "max": 9999})
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.keep_current_choices(partners=_("hors du réseau"))

    def clean_deadline(self):
        return check_date(self.cleaned_data.get("deadline"))

    def clean_positions(self):
        positions = self.cleaned_data.get("positions")
        if positions is not None and not 1 <= positions <= 9999:
            raise forms.ValidationError(_("Le nombre de postes va de 1 à 9 999."))
        return positions

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != Need.Kind.RECRUITMENT:
            given = [
                str(self.fields[name].label)
                for name in ("job", "positions", "contract")
                if data.get(name) not in (None, "")
            ]
            if given:
                raise forms.ValidationError(
                    _(
                        "Métier, nombre de postes et contrat ne concernent qu'un besoin de "
                        "recrutement (renseignés : %(fields)s)."
                    )
                    % {"fields": ", ".join(given)}
                )
        return data


class ExchangeNeedForm(forms.ModelForm):
    """The need detected during an échange, created with it in one step (optional)."""

    prefix = "besoin"
    detected = forms.BooleanField(
        label=gettext_lazy("Un besoin ou un projet a été détecté lors de cet échange"),
        required=False,
    )

    class Meta:
        model = Need
        fields = ["kind", "title", "job", "positions", "contract", "deadline"]
        widgets = {"deadline": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "title"):
            self.fields[name].required = False

    def clean_deadline(self):
        return check_date(self.cleaned_data.get("deadline"))

    def clean(self):
        data = super().clean()
        if not data.get("detected"):
            return data
        for name in ("kind", "title"):
            if not data.get(name):
                self.add_error(name, _("Ce champ est obligatoire pour enregistrer le besoin."))
        if data.get("kind") and data["kind"] != Need.Kind.RECRUITMENT:
            for name in ("job", "positions", "contract"):
                if data.get(name) not in (None, ""):
                    self.add_error(name, _("Seulement pour un besoin de recrutement."))
        positions = data.get("positions")
        if positions is not None and not 1 <= positions <= 9999:
            self.add_error("positions", _("Le nombre de postes va de 1 à 9 999."))
        return data


class NeedNoteForm(forms.ModelForm):
    class Meta:
        model = NeedNote
        fields = ["date", "text"]
        widgets = {"date": DATE, "text": forms.Textarea(attrs={"rows": 3})}

    def clean_date(self):
        return check_date(self.cleaned_data.get("date"), not_after_today=True)


class ReminderForm(forms.ModelForm):
    class Meta:
        model = Reminder
        fields = ["date", "person", "text"]
        widgets = {"date": DATE}

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = network_people(territory)
        self.fields["person"].label_from_instance = person_label

    def clean_date(self):
        return check_date(self.cleaned_data.get("date"))


class CompanyContactForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = CompanyContact
        fields = ["first_name", "last_name", "role", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not all(char.isdigit() or char in " +.-()" for char in phone):
            raise forms.ValidationError(_("Numéro de téléphone invalide."))
        if phone and sum(char.isdigit() for char in phone) < 6:
            raise forms.ValidationError(_("Numéro de téléphone trop court."))
        return phone


NEED_FILTER_STATUS = [("", gettext_lazy("tous les statuts ouverts")), *Need.Status.choices]


class NeedFilterForm(forms.Form):
    """Filters of /entreprises/besoins/ (a GET form: the address reproduces the search)."""

    type = forms.ChoiceField(
        label=gettext_lazy("Type"),
        required=False,
        choices=[("", gettext_lazy("tous les types")), *Need.Kind.choices],
    )
    statut = forms.ChoiceField(
        label=gettext_lazy("Statut"), required=False, choices=NEED_FILTER_STATUS
    )
    relancer = forms.BooleanField(label=gettext_lazy("À relancer seulement"), required=False)
