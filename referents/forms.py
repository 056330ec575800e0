from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.phones import to_e164
from portal.forms import CheckboxList, KeepCurrentChoicesMixin, formfield
from portal.models import User
from portal.text import strip_control_characters
from portal.widgets import LongSelect
from referents.models import Meeting, OutlineQuestion, OutlineSection, Referent, RenewalCampaign
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
            "commune",
            "is_public",
            "audience",
            "public_description",
            "registration_wanted",
            "capacity",
            "waiting_list",
            "consent_text",
        ]
        widgets = {
            "public_description": forms.Textarea(attrs={"rows": 4}),
            "consent_text": forms.Textarea(attrs={"rows": 3}),
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
        self.fields["commune"].queryset = territory.communes.order_by("search_name")
        if not self.instance.pk and not self.is_bound:
            # A new rendez-vous invites the whole network by default.
            self.initial["invited"] = list(self.fields["invited"].queryset)
        self.keep_current_choices(
            host=_("ne sert plus le territoire"),
            invited=_("mandat terminé"),
            commune=_("hors du territoire"),
        )

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
        if cleaned.get("is_public") and not cleaned.get("audience"):
            self.add_error("audience", _("Dites pour qui est un événement ouvert au public."))
        if cleaned.get("registration_wanted") and not cleaned.get("is_public"):
            self.add_error(
                "registration_wanted",
                _("Seul un événement ouvert au public prend des inscriptions."),
            )
        if cleaned.get("registration_wanted") and not (cleaned.get("consent_text") or "").strip():
            self.add_error("consent_text", _("Le texte de consentement est nécessaire."))
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


# --- Public events (/evenements/) ----------------------------------------------------------


class EventFilterForm(forms.Form):
    """The filters of the public events list: every value is a slug or a code, an unknown one
    is ignored (the list stays whole) rather than refused."""

    territoire = forms.ChoiceField(
        label=gettext_lazy("Territoire"), required=False, widget=LongSelect
    )
    commune = forms.ChoiceField(label=gettext_lazy("Commune"), required=False, widget=LongSelect)
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False)
    public = forms.ChoiceField(label=gettext_lazy("Pour qui"), required=False)

    def __init__(self, *args, territories, communes, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        self.fields["territoire"].choices = everything + [(t.slug, t.name) for t in territories]
        self.fields["commune"].choices = [("", _("Toutes"))] + [
            (c.insee_code, c.name) for c in communes
        ]
        self.fields["type"].choices = everything + list(Meeting.Kind.choices)
        self.fields["public"].choices = everything + list(Meeting.Audience.choices)

    def filters(self):
        """The valid values, by field; an invalid one is left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class RegistrationForm(forms.Form):
    """A visitor registers: a name, an e-mail or a phone, the consent. `site_web` is a honeypot
    hidden from people (and from assistive technologies): a robot that fills it is refused."""

    name = forms.CharField(label=gettext_lazy("Nom et prénom"), max_length=150)
    email = forms.EmailField(
        label=gettext_lazy("Courriel"),
        required=False,
        max_length=254,
        help_text=gettext_lazy("Pour recevoir la confirmation et le lien d'annulation."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Téléphone"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("Si vous n'avez pas de courriel : la coordination vous appellera."),
    )
    consent = forms.BooleanField(
        error_messages={
            "required": gettext_lazy("Cochez la case pour accepter le traitement de vos données.")
        }
    )
    site_web = forms.CharField(
        label=gettext_lazy("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = meeting.consent_text
        for name in ("name", "email", "phone"):
            self.fields[name].widget.attrs["autocomplete"] = {
                "name": "name",
                "email": "email",
                "phone": "tel",
            }[name]

    def clean_name(self):
        return strip_control_characters(self.cleaned_data["name"]).strip()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self):
        return to_e164(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("site_web"):
            raise forms.ValidationError(_("Le formulaire n'a pas pu être envoyé."))
        no_email = not cleaned.get("email") and "email" not in self.errors
        no_phone = not cleaned.get("phone") and "phone" not in self.errors
        if no_email and no_phone:
            raise forms.ValidationError(
                _("Indiquez un courriel ou un téléphone, pour qu'on puisse vous joindre.")
            )
        return cleaned


class RegistrationAttendanceForm(forms.Form):
    """The coordinator ticks who came; the others confirmed are noted absent."""

    present = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Présents"), coerce=int, required=False, widget=CheckboxList
    )

    def __init__(self, *args, meeting, registrations, **kwargs):
        """`registrations`: the confirmed registrations of `meeting`, already fetched."""
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["present"].choices = [(r.pk, r.name) for r in registrations]
        self.initial["present"] = [r.pk for r in registrations if r.attended]

    def clean(self):
        cleaned = super().clean()
        if not self.meeting.is_past:
            raise forms.ValidationError(_("Les présences se notent une fois l'événement commencé."))
        return cleaned


# --- Renewal campaign ------------------------------------------------------------------------


class CampaignForm(forms.ModelForm):
    class Meta:
        model = RenewalCampaign
        fields = ["title", "elections_date"]
        widgets = {"elections_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class MairieEmailForm(forms.Form):
    """One e-mail field per commune of the campaign (`commune_<pk>`)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"commune_{row.pk}"] = forms.EmailField(
                label=row.commune.name, required=False, initial=row.mairie_email
            )

    def changed_rows(self):
        for row in self.rows:
            value = self.cleaned_data[f"commune_{row.pk}"]
            if value != row.mairie_email:
                row.mairie_email = value
                yield row


class PersonForm(forms.Form):
    """A new référent named by the mairie."""

    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=100, required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Qualité"), choices=Referent.Role.choices, initial=Referent.Role.ELECTED
    )
    function = forms.CharField(label=gettext_lazy("Fonction"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("Courriel"), required=False)
    phone = forms.CharField(label=gettext_lazy("Téléphone"), max_length=30, required=False)

    def is_filled(self):
        return bool(self.cleaned_data.get("first_name") or self.cleaned_data.get("last_name"))

    def require_name(self):
        for name in ("first_name", "last_name"):
            if not self.cleaned_data.get(name):
                self.add_error(name, _("Indiquez le prénom et le nom de la personne."))


class RenewalChoiceForm(PersonForm):
    """What the mairie does with one active référent (the person fields: the replacement)."""

    ACTIONS = [
        ("confirmer", gettext_lazy("Confirmer")),
        ("remplacer", gettext_lazy("Remplacer par la personne ci-dessous")),
        ("retirer", gettext_lazy("Retirer (sans remplacement)")),
    ]
    action = forms.ChoiceField(
        label=gettext_lazy("Décision"),
        choices=ACTIONS,
        initial="confirmer",
        widget=forms.RadioSelect,
    )
    field_order = ["action"]

    def __init__(self, *args, referent, **kwargs):
        super().__init__(*args, **kwargs)
        self.referent = referent

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "remplacer":
            self.require_name()
        return cleaned


class DecisionForm(forms.Form):
    decision_date = forms.DateField(
        label=gettext_lazy("Date de la délibération du conseil municipal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_decision_date(self):
        value = self.cleaned_data["decision_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La date de la délibération ne peut pas être à venir."))
        elections = self.campaign.elections_date
        if elections and value < elections:
            raise forms.ValidationError(
                _("La délibération ne peut pas précéder les élections du %(date)s.")
                % {"date": elections.strftime("%d/%m/%Y")}
            )
        return value
