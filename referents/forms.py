from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.forms import CheckboxList, KeepCurrentChoicesMixin, formfield
from portal.models import User
from referents.models import Meeting, OutlineQuestion, OutlineSection, Referent
from referents.services import pair_conflict_message, partners_for_territory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReferentForm(KeepCurrentChoicesMixin, forms.ModelForm):
    class Meta:
        model = Referent
        fields = [
            "first_name",
            "last_name",
            "role",
            "function",
            "email",
            "phone",
            "commune",
            "mandate_start",
            "mandate_end",
            "user",
        ]
        widgets = {"mandate_start": DATE_WIDGET, "mandate_end": DATE_WIDGET}

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory = territory
        # Only the territory's communes: a crafted id of another one is an invalid choice.
        self.fields["commune"].queryset = territory.communes.select_related("department").order_by(
            "search_name"
        )
        self.fields["user"].queryset = User.objects.filter(
            memberships__territory=territory
        ).distinct()
        self.fields["user"].help_text = _(
            "Le compte de ce référent sur Maillage, s'il en a un dans ce territoire."
        )
        self.keep_current_choices(
            commune=_("hors du territoire"), user=_("n'est plus membre du territoire")
        )

    def clean_mandate_end(self):
        start, end = self.cleaned_data.get("mandate_start"), self.cleaned_data.get("mandate_end")
        if start and end and end < start:
            raise forms.ValidationError(
                _("La fin du mandat ne peut pas précéder son début (%(start)s).")
                % {"start": start.strftime("%d/%m/%Y")}
            )
        return end

    def clean(self):
        cleaned = super().clean()
        commune, start = cleaned.get("commune"), cleaned.get("mandate_start")
        if commune and start and "mandate_end" not in self.errors:
            message = pair_conflict_message(
                commune=commune,
                start=start,
                end=cleaned.get("mandate_end"),
                exclude_pk=self.instance.pk,
            )
            if message:
                raise forms.ValidationError(message)
        return cleaned


def referent_label(referent):
    return f"{referent} ({referent.commune})"


class MeetingForm(KeepCurrentChoicesMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "host",
            "place",
            "access",
            "agenda",
            "minutes",
            "invited",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "access": forms.Textarea(attrs={"rows": 2}),
            "invited": CheckboxList,
        }

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = (
            partners_for_territory(territory).select_related("commune").order_by("name")
        )
        self.fields["invited"].queryset = (
            Referent.objects.of_territory(territory).active().select_related("commune")
        )
        self.fields["invited"].label_from_instance = referent_label
        if not self.instance.pk and not self.is_bound:
            # A new rendez-vous invites the whole network by default.
            self.initial["invited"] = list(self.fields["invited"].queryset)
        self.keep_current_choices(host=_("ne sert plus le territoire"), invited=_("mandat terminé"))

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_at", _("La fin ne peut pas précéder le début."))
        if cleaned.get("minutes", "").strip() and starts_at and starts_at > timezone.now():
            self.add_error(
                "minutes",
                _(
                    "Le compte rendu se rédige après le rendez-vous : revenez le saisir "
                    "à partir du %(date)s."
                )
                % {"date": timezone.localtime(starts_at).strftime("%d/%m/%Y")},
            )
        return cleaned


class AttendanceForm(KeepCurrentChoicesMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield
        model = Meeting
        fields = ["present"]
        widgets = {"present": CheckboxList}

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = Referent.objects.of_territory(territory).select_related(
            "commune"
        )
        self.fields["present"].label_from_instance = referent_label
        self.keep_current_choices(present=_("n'est plus du territoire"))

    def clean(self):
        cleaned = super().clean()
        if not self.instance.is_past:
            raise forms.ValidationError(
                _("Les présences se notent une fois le rendez-vous commencé.")
            )
        return cleaned


class OutlineSectionForm(forms.ModelForm):
    class Meta:
        model = OutlineSection
        fields = ["title", "position"]


QuestionFormSet = forms.inlineformset_factory(
    OutlineSection,
    OutlineQuestion,
    fields=["position", "text", "answer_label", "public", "theme"],
    extra=2,
    can_delete=True,
    # A forged TOTAL_FORMS must not make Django build a thousand forms.
    max_num=40,
    absolute_max=60,
    validate_max=True,
)


class OrientationForm(forms.Form):
    """The outline turned into boxes to tick. Nothing typed here is stored: see the view."""

    commune = forms.ModelChoiceField(
        label=gettext_lazy("Commune de la personne"), queryset=None, empty_label="—"
    )

    def __init__(self, *args, territory, outline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = territory.communes.select_related("department").order_by(
            "search_name"
        )
        self.items = {}
        for block in outline:
            for item in block.items:
                if item.is_tickable:
                    name = f"besoin_{item.key}"
                    self.fields[name] = forms.BooleanField(label=item.answer_label, required=False)
                    self.items[name] = item

    def blocks(self, outline):
        """[(title, [bound field or prompt text])] in the outline's order, for the template."""
        rendered = []
        for block in outline:
            entries = []
            for item in block.items:
                name = f"besoin_{item.key}"
                entries.append(
                    {"text": item.text, "field": self[name] if name in self.items else None}
                )
            rendered.append({"title": block.title, "entries": entries})
        return rendered

    def selection(self):
        """(publics, themes) ticked, without duplicates."""
        publics, themes = {}, {}
        for name, item in self.items.items():
            if self.cleaned_data.get(name):
                if item.public:
                    publics[item.public.pk] = item.public
                if item.theme:
                    themes[item.theme.pk] = item.theme
        return list(publics.values()), list(themes.values())
