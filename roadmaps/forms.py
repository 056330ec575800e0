"""Forms of the roadmaps app: coordinators' edits, the page filters, the version comparison and
the signaux faibles (recorded by any member, triaged by the coordination)."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.forms import naf_choices
from companies.models import Establishment
from partners.models import Partner
from portal.forms import CheckboxList, KeepCurrentChoicesMixin, ModelMultipleChoiceField, formfield
from portal.locking import VersionField
from portal.text import strip_control_characters
from roadmaps import metrics
from roadmaps.models import (
    Action,
    Axis,
    DiagnosticIndicator,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Roadmap,
    RoadmapVersion,
    Signal,
    Step,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoadmapForm(forms.ModelForm):
    """Create or edit a roadmap. `version` carries the version the user started from."""

    version = VersionField()

    class Meta:
        model = Roadmap
        fields = [
            "title",
            "period",
            "axis_label",
            "work_started_on",
            "diagnostic",
            "stakes",
            "objectives",
            "validated_by",
            "validated_on",
            "status",
        ]
        widgets = {"work_started_on": DATE, "validated_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class DiagnosticIndicatorForm(forms.ModelForm):
    """One figure of the diagnostic, in the formset of the roadmap's diagnostic indicators."""

    class Meta:
        formfield_callback = formfield
        model = DiagnosticIndicator
        fields = ["label", "value", "unit", "year", "source", "position"]
        help_texts = {
            "label": _("Par exemple : taux de chômage des 15-24 ans."),
            "unit": _("Par exemple : %, habitants, emplois."),
            "source": _("Par exemple : Insee, recensement."),
            "position": _("Les indicateurs sont montrés du plus petit numéro au plus grand."),
        }

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 1900 <= year <= 2100:
            raise forms.ValidationError(
                _("Indiquez une année à quatre chiffres, par exemple 2019.")
            )
        return year


class BaseDiagnosticIndicatorFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        # A row that names an indicator not in the queryset (deleted meanwhile, or of another
        # roadmap) would be skipped silently by save(): refuse the whole form instead.
        for form in self.initial_forms:
            if form.instance._state.adding and form not in self.deleted_forms:
                raise forms.ValidationError(
                    _(
                        "Un des indicateurs n'existe plus (supprimé entre-temps ?) : "
                        "rechargez la page, rien n'a été enregistré."
                    )
                )


DiagnosticIndicatorFormSet = forms.modelformset_factory(
    DiagnosticIndicator,
    form=DiagnosticIndicatorForm,
    formset=BaseDiagnosticIndicatorFormSet,
    extra=2,
    can_delete=True,
    max_num=100,
    validate_max=True,
    absolute_max=100,
)


class AxisForm(forms.ModelForm):
    class Meta:
        model = Axis
        fields = ["title", "objectives"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 4})}


class ActionForm(KeepCurrentChoicesMixin, forms.ModelForm):
    """Create or edit an action. `version` carries the version the user started from."""

    version = VersionField()

    class Meta:
        formfield_callback = formfield
        model = Action
        fields = [
            "axis",
            "title",
            "description",
            "expected_results",
            "status",
            "priority",
            "progress",
            "start_date",
            "end_date",
            "pilot_partner",
            "pilot_name",
            "partners",
            "coordinator",
            "publics",
            "communes",
            "budget",
            "funders",
            "to_discuss",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_results": forms.Textarea(attrs={"rows": 3}),
            "partners": CheckboxList(group_by=lambda partner: partner.category.label),
            "publics": CheckboxList,
            "communes": CheckboxList(group_by=lambda commune: commune.epci and commune.epci.name),
        }
        error_messages = {
            "axis": {"invalid_choice": _("Cet axe n'existe pas dans la feuille de route.")}
        }

    def __init__(self, *args, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.models import User

        territory = roadmap.territory
        self.fields["axis"].queryset = roadmap.axes.all()
        self.fields["axis"].label = roadmap.axis_label_singular.capitalize()
        partners = (
            Partner.objects.filter(territory=territory)
            .select_related("category")
            .only("pk", "name", "category__label")
        )
        self.fields["pilot_partner"].queryset = partners
        self.fields["partners"].queryset = partners
        self.fields["coordinator"].queryset = User.objects.filter(
            memberships__territory=territory
        ).distinct()
        self.fields["communes"].queryset = territory.communes.select_related("epci").order_by(
            "search_name"
        )
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})
        self.fields["progress"].help_text = _("De 0 à 100.")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.steps.exists():
                # derived from the steps: not entered here (see the action page)
                del self.fields["progress"]
        self.keep_current_choices(
            pilot_partner=_("autre territoire"),
            partners=_("autre territoire"),
            coordinator=_("n'est plus membre du territoire"),
            communes=_("hors du territoire"),
        )

    def clean_progress(self):
        progress = self.cleaned_data.get("progress")
        if progress is not None and not 0 <= progress <= 100:
            raise forms.ValidationError(_("L'avancement doit être compris entre 0 et 100 %."))
        return progress

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin ne peut pas précéder la date de début."))
        if data.get("status") == Action.Status.DONE and "progress" in data:
            data["progress"] = 100
        if self.instance.pk and (start or end):
            outside = [
                step.title
                for step in self.instance.steps.all()
                if step.due_date
                and ((start and step.due_date < start) or (end and step.due_date > end))
            ]
            if outside:
                raise forms.ValidationError(
                    _("Ces étapes tomberaient hors des dates de l'action : %(steps)s.")
                    % {"steps": ", ".join(outside)}
                )
        return data


class MoveActionForm(forms.Form):
    axis = forms.ModelChoiceField(
        label=_("Déplacer vers"),
        queryset=Axis.objects.none(),
        error_messages={"invalid_choice": _("Cet axe n'existe pas dans la feuille de route.")},
    )

    def __init__(self, *args, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = roadmap.axes.all()


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["title", "due_date"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean_due_date(self):
        due = self.cleaned_data.get("due_date")
        action = self.action
        if due and action.start_date and due < action.start_date:
            raise forms.ValidationError(
                _("L'échéance ne peut pas précéder le début de l'action (%(date)s).")
                % {"date": action.start_date.strftime("%d/%m/%Y")}
            )
        if due and action.end_date and due > action.end_date:
            raise forms.ValidationError(
                _("L'échéance ne peut pas dépasser la fin de l'action (%(date)s).")
                % {"date": action.end_date.strftime("%d/%m/%Y")}
            )
        return due


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "note", "status", "progress"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, computed=False, **kwargs):
        """`computed`: the action has steps, its progress is theirs, not entered here."""
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("inchangé"))] + list(Action.Status.choices)
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})
        if computed:
            del self.fields["progress"]

    def clean_progress(self):
        progress = self.cleaned_data.get("progress")
        if progress is not None and not 0 <= progress <= 100:
            raise forms.ValidationError(_("L'avancement doit être compris entre 0 et 100 %."))
        return progress


class IndicatorForm(forms.ModelForm):
    """A new indicator of an action: values entered by hand (the default), or computed each
    month from one of the portal's metrics (the registry of roadmaps/metrics.py, whose slug is
    stored). A computed indicator may leave its label and unit blank: the metric's are used."""

    metric = forms.ChoiceField(
        label=_("Valeurs"),
        required=False,
        help_text=_(
            "Calculées par le portail : une valeur par mois, enregistrée au début du mois "
            "suivant, à partir des données du territoire."
        ),
    )

    class Meta:
        model = Indicator
        fields = ["metric", "label", "unit", "baseline", "target"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metrics.choices()
        self.fields["label"].required = False
        self.fields["label"].help_text = _("Pour un indicateur calculé, le nom du calcul si vide.")

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("metric") or ""
        function = metrics.registry().get(slug) if slug else None
        if function is not None:
            cleaned["label"] = cleaned.get("label") or str(function.label)
            cleaned["unit"] = cleaned.get("unit") or function.unit
        elif not cleaned.get("label") and "label" not in self.errors:
            self.add_error("label", _("Donnez un libellé à l'indicateur."))
        return cleaned


class IndicatorValueForm(forms.ModelForm):
    """A value entered by hand; refused for an indicator the portal computes."""

    class Meta:
        model = IndicatorValue
        fields = ["date", "value"]
        widgets = {"date": DATE}

    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean(self):
        cleaned = super().clean()
        if self.indicator is not None and self.indicator.is_computed:
            raise forms.ValidationError(
                _(
                    "Cet indicateur est calculé chaque mois par le portail à partir de ses "
                    "données : ses valeurs ne se saisissent pas à la main."
                ),
                code="computed",
            )
        return cleaned


class ValidateRoadmapForm(forms.ModelForm):
    """Validate the roadmap, or revise it: freezes a named, dated version with the committee
    decision (date, body, summary) and the signals of the territory that led to it."""

    class Meta:
        formfield_callback = formfield
        model = RoadmapVersion
        fields = ["name", "validated_on", "validated_by", "summary", "signals"]
        widgets = {
            "validated_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "signals": CheckboxList,
        }
        labels = {
            "name": _("Nom de la version"),
            "validated_on": _("Date de la décision"),
            "validated_by": _("Instance qui a décidé"),
            "summary": _("Décision"),
            "signals": _("Signaux à l'origine de la révision"),
        }
        help_texts = {
            "name": _("Par exemple : révision du comité de pilotage de mars 2024."),
            "validated_by": _("Par exemple : comité de pilotage, conseil communautaire."),
            "summary": _(
                "Ce qui a été décidé, et pourquoi : « le recrutement est devenu le principal "
                "problème »."
            ),
            "signals": _("Les signaux du territoire à examiner ou pris en compte."),
        }
        error_messages = {
            "signals": {
                "invalid_choice": _(
                    "Ce signal n'est pas un signal du territoire à examiner ou pris en compte."
                ),
                "invalid_pk_value": _("« %(pk)s » n'est pas un signal."),
            }
        }

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signals"].queryset = (
            Signal.objects.of_territory(territory)
            .leading()
            .filter(status__in=[Signal.Status.TO_EXAMINE, Signal.Status.TAKEN])
            .order_by("-observed_on", "-pk")
        )
        self.fields["signals"].label_from_instance = lambda signal: (
            f"{signal.observed_on:%d/%m/%Y} — {signal} ({signal.get_status_display()})"
        )

    def clean_validated_on(self):
        day = self.cleaned_data["validated_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date de la décision ne peut pas être à venir."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("signals") and not (data.get("summary") or "").strip():
            self.add_error(
                "summary",
                _("Résumez la décision : elle dit ce que les signaux liés ont fait changer."),
            )
        return data


class FilterForm(forms.Form):
    """The GET filters of the roadmap page. Choices come from data already loaded by the view."""

    axe = forms.TypedChoiceField(label=_("Axe"), required=False, coerce=int, empty_value=None)
    statut = forms.ChoiceField(label=_("Statut"), required=False)
    pilote = forms.TypedChoiceField(label=_("Pilote"), required=False, coerce=int, empty_value=None)
    priorite = forms.ChoiceField(label=_("Priorité"), required=False)
    retard = forms.BooleanField(label=_("En retard"), required=False)
    a_discuter = forms.BooleanField(label=_("À discuter"), required=False)

    def __init__(self, *args, axes, pilots, axis_label, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        self.fields["axe"].label = axis_label.capitalize()
        self.fields["axe"].choices = everything + [(axis.number, str(axis)) for axis in axes]
        self.fields["statut"].choices = everything + list(Action.Status.choices)
        self.fields["pilote"].choices = everything + [(p.pk, p.name) for p in pilots]
        self.fields["priorite"].choices = [("", _("Toutes"))] + list(Action.Priority.choices)

    def apply(self, actions, today):
        """The actions that pass the filters (in memory: the page has them all already)."""
        if not self.is_valid():
            return actions
        data = self.cleaned_data
        if data["axe"]:
            actions = [a for a in actions if a.axis.number == data["axe"]]
        if data["statut"]:
            actions = [a for a in actions if a.status == data["statut"]]
        if data["pilote"]:
            actions = [a for a in actions if a.pilot_partner_id == data["pilote"]]
        if data["priorite"]:
            actions = [a for a in actions if a.priority == data["priorite"]]
        if data["retard"]:
            actions = [a for a in actions if a.is_late(today)]
        if data["a_discuter"]:
            actions = [a for a in actions if a.to_discuss]
        return actions

    @property
    def active(self):
        return self.is_valid() and any(self.cleaned_data.values())


class CompareForm(forms.Form):
    de = forms.ChoiceField(label=_("Depuis la version"))
    a = forms.ChoiceField(label=_("Jusqu'à"))

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(version.pk), str(version)) for version in versions]
        self.fields["de"].choices = choices
        self.fields["a"].choices = [("aujourdhui", _("aujourd'hui"))] + choices


class NeedActionForm(forms.Form):
    """The roadmap action a company's need relates to (empty: none)."""

    action = forms.ModelChoiceField(
        label=_("Action de la feuille de route"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("aucune"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": _("Cette action n'est pas dans la feuille de route du territoire.")
        },
    )

    def __init__(self, *args, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = (
            Action.objects.filter(axis__roadmap=roadmap)
            .select_related("axis")
            .order_by("axis__number", "number")
        )


# --- Signaux faibles ----------------------------------------------------------------------

SIGNAL_MAX_AGE_DAYS = 2 * 365  # a signal observed longer ago is history, not a signal
SIGNAL_PAGE_SIZE = 25


def naf_signal_choices():
    """The NAF sections and divisions as grouped choices (companies' list, read once per
    process: no query)."""
    sections, divisions = naf_choices()
    return [
        ("", _("—")),
        (_("Sections"), list(sections[1:])),
        (_("Divisions"), list(divisions[1:])),
    ]


class SignalForm(KeepCurrentChoicesMixin, forms.ModelForm):
    """Record or edit a signal: what was seen, when and where it came from first, the rest
    optional. Communes, filières and partners are the territory's; the establishment is named
    by its SIRET in the territory's register. `version` carries the version an edit started
    from (optimistic locking)."""

    version = VersionField()
    siret = forms.CharField(
        label=_("Établissement (SIRET)"),
        required=False,
        max_length=20,
        help_text=_("Les 14 chiffres du SIRET d'un établissement du registre du territoire."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    naf = forms.ChoiceField(
        label=_("Secteur (NAF)"),
        required=False,
        help_text=_("Une section ou une division de la NAF."),
    )
    sector = forms.ChoiceField(label=_("Filière du territoire"), required=False)
    field_order = ["text", "observed_on", "source", "communes", "naf", "sector", "themes"]
    field_order += ["siret", "partners"]

    class Meta:
        formfield_callback = formfield
        model = Signal
        fields = ["text", "observed_on", "source", "communes", "sector", "themes", "partners"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "observed_on": DATE,
            "communes": CheckboxList(group_by=lambda commune: commune.epci and commune.epci.name),
            "themes": CheckboxList,
            "partners": CheckboxList(group_by=lambda partner: partner.category.label),
        }
        error_messages = {
            "text": {"required": _("Dites en quelques mots ce qui a été observé.")},
            "observed_on": {
                "required": _("Indiquez quand cela a été observé."),
                "invalid": _("Indiquez une date, par exemple 14/03/2026."),
            },
            "source": {"required": _("Dites d'où vient le signal.")},
            "communes": {"invalid_choice": _("Cette commune n'est pas dans le territoire.")},
            "themes": {"invalid_choice": _("Cette thématique n'existe pas.")},
            "partners": {
                "invalid_choice": _("Ce partenaire n'est pas dans l'annuaire du territoire.")
            },
        }
        help_texts = {
            "text": _(
                "Des faits (une entreprise qui n'embauche plus, trois employeurs qui cherchent "
                "des soudeurs…), jamais le nom ni l'identité d'une personne."
            )
        }

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        from partners.models import Theme

        self.territory = territory
        self.fields["source"].choices = [("", "—")] + [
            choice for choice in Signal.Source.choices if choice[0] != Signal.Source.PORTAL
        ]
        self.fields["communes"].queryset = territory.communes.select_related("epci").order_by(
            "search_name"
        )
        self.fields["themes"].queryset = Theme.objects.categories().order_by("label")
        self.fields["partners"].queryset = (
            Partner.objects.filter(territory=territory)
            .select_related("category")
            .only("pk", "name", "category__label")
        )
        self.fields["naf"].choices = naf_signal_choices()
        sectors = territory.sector_list
        current = self.instance.sector
        if current and current not in sectors:
            sectors = [*sectors, current]
        self.fields["sector"].choices = [("", "—")] + [(name, name) for name in sectors]
        if not sectors:
            del self.fields["sector"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial["naf"] = self.instance.naf_id or ""
            if self.instance.establishment_id:
                self.initial["siret"] = self.instance.establishment.siret
            if self.instance.raised_by_portal:
                self.fields["source"].choices = Signal.Source.choices
        else:
            self.fields["observed_on"].initial = timezone.localdate()
        self.keep_current_choices(communes=_("hors du territoire"), partners=_("autre territoire"))

    def clean_text(self):
        text = strip_control_characters(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(_("Dites en quelques mots ce qui a été observé."))
        return text

    def clean_observed_on(self):
        day = self.cleaned_data["observed_on"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(_("Un signal se rapporte à ce qui a déjà été observé."))
        if day < today - datetime.timedelta(days=SIGNAL_MAX_AGE_DAYS) and (
            day != self.initial.get("observed_on")
        ):
            raise forms.ValidationError(
                _("Cette date est trop ancienne : un signal date de moins de deux ans.")
            )
        return day

    def clean_naf(self):
        return self.cleaned_data["naf"] or None

    def clean_siret(self):
        value = "".join(self.cleaned_data["siret"].split())
        if not value:
            return None
        if not value.isdigit() or len(value) != 14:
            raise forms.ValidationError(_("Un SIRET compte 14 chiffres."))
        establishment = Establishment.objects.in_territory(self.territory).filter(siret=value)
        establishment = establishment.first()
        if establishment is None:
            raise forms.ValidationError(
                _("Aucun établissement de ce SIRET dans le registre du territoire.")
            )
        return establishment

    def save(self, commit=True):
        signal = super().save(commit=False)
        signal.naf_id = self.cleaned_data["naf"]
        signal.establishment = self.cleaned_data["siret"]
        if commit:
            signal.save()
            self.save_m2m()
        return signal

    @property
    def optional_open(self):
        """The optional part starts open when one of its fields holds a value or an error."""
        optional = ["communes", "naf", "sector", "themes", "siret", "partners"]
        return any(self[name].value() or self[name].errors for name in optional if name in self)


class SignalFilterForm(forms.Form):
    """The GET filters of the signals' log."""

    statut = forms.ChoiceField(label=_("Statut"), required=False)
    origine = forms.ChoiceField(
        label=_("Relevé par"),
        required=False,
        choices=[("", _("Tous")), ("personnes", _("le réseau")), ("portail", _("le portail"))],
    )
    source = forms.ChoiceField(label=_("Provenance"), required=False)
    thematique = forms.TypedChoiceField(
        label=_("Thématique"), required=False, coerce=int, empty_value=None
    )
    commune = forms.TypedChoiceField(
        label=_("Commune"), required=False, coerce=int, empty_value=None
    )
    secteur = forms.ChoiceField(label=_("Secteur"), required=False)
    du = forms.DateField(label=_("Observé depuis le"), required=False, widget=DATE)
    au = forms.DateField(label=_("jusqu'au"), required=False, widget=DATE)

    def __init__(self, *args, territory, communes, themes, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        self.fields["statut"].choices = everything + list(Signal.Status.choices)
        self.fields["source"].choices = [("", _("Toutes"))] + list(Signal.Source.choices)
        self.fields["thematique"].choices = [("", _("Toutes"))] + [
            (theme.pk, theme.label) for theme in themes
        ]
        self.fields["commune"].choices = [("", _("Toutes"))] + [
            (commune.pk, commune.name) for commune in communes
        ]
        sections, _divisions = naf_choices()
        self.fields["secteur"].choices = [
            ("", _("Tous")),
            (_("Filières du territoire"), [(f"f:{name}", name) for name in territory.sector_list]),
            (_("Sections de la NAF"), list(sections[1:])),
        ]

    def apply(self, signals):
        if not self.is_valid():
            return signals
        data = self.cleaned_data
        if data["statut"]:
            signals = signals.filter(status=data["statut"])
        if data["origine"] == "portail":
            signals = signals.raised_by_portal()
        elif data["origine"] == "personnes":
            signals = signals.raised_by_people()
        if data["source"]:
            signals = signals.filter(source=data["source"])
        if data["thematique"]:
            signals = signals.filter(
                Q(themes=data["thematique"]) | Q(themes__parent=data["thematique"])
            ).distinct()
        if data["commune"]:
            signals = signals.filter(communes=data["commune"])
        sector = data["secteur"]
        if sector.startswith("f:"):
            signals = signals.filter(sector=sector[2:])
        elif sector:
            signals = signals.filter(naf__section=sector)
        if data["du"]:
            signals = signals.filter(observed_on__gte=data["du"])
        if data["au"]:
            signals = signals.filter(observed_on__lte=data["au"])
        return signals

    @property
    def active(self):
        return self.is_valid() and any(self.cleaned_data.values())


class SignalTriageForm(forms.Form):
    """A coordinator's triage: the new status, the roadmap actions it is taken into account
    by (required for « pris en compte »), the reason (required for « classé »)."""

    status = forms.ChoiceField(label=_("Statut"), choices=Signal.Status.choices)
    actions = ModelMultipleChoiceField(
        label=_("Actions de la feuille de route qui le prennent en compte"),
        queryset=Action.objects.none(),
        required=False,
        widget=CheckboxList(group_by=lambda action: str(action.axis)),
        error_messages={
            "invalid_choice": _("Cette action n'est pas dans la feuille de route en cours.")
        },
    )
    filed_reason = forms.CharField(
        label=_("Raison du classement"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
        help_text=_("Obligatoire pour classer le signal."),
    )
    version = VersionField()

    def __init__(self, *args, signal, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        if roadmap is None:
            del self.fields["actions"]
        else:
            self.fields["actions"].queryset = (
                Action.objects.filter(axis__roadmap=roadmap)
                .select_related("axis")
                .order_by("axis__number", "number")
            )
        self.fields["version"].initial = signal.version

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == Signal.Status.TAKEN and not data.get("actions"):
            message = (
                _("Pour le prendre en compte, cochez au moins une action de la feuille de route.")
                if self.roadmap is not None
                else _(
                    "Le territoire n'a pas de feuille de route en cours : aucune action ne peut "
                    "prendre ce signal en compte."
                )
            )
            self.add_error("actions" if self.roadmap is not None else "status", message)
        if status == Signal.Status.FILED:
            reason = strip_control_characters(data.get("filed_reason", "")).strip()
            if not reason:
                self.add_error("filed_reason", _("Dites pourquoi le signal est classé."))
            data["filed_reason"] = reason
        return data


class SignalActionForm(forms.ModelForm):
    """Turn a signal into a new action of the current roadmap, in one step: the axis and the
    title (prefilled from the signal's text); the rest is completed on the action's page.
    `signal_version`: the signal's version the form was opened on (optimistic locking)."""

    signal_version = VersionField()

    class Meta:
        model = Action
        fields = ["axis", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "axis": {"invalid_choice": _("Cet axe n'existe pas dans la feuille de route.")},
            "title": {"required": _("Donnez un intitulé à l'action.")},
        }

    def __init__(self, *args, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = roadmap.axes.all()
        self.fields["axis"].label = roadmap.axis_label_singular.capitalize()
        self.fields["axis"].empty_label = "—"


class SignalGroupForm(forms.Form):
    """Group a signal into another signal of the territory (its lead)."""

    lead = forms.ModelChoiceField(
        label=_("Regrouper avec le signal"),
        queryset=Signal.objects.none(),
        empty_label="—",
        error_messages={
            "required": _("Choisissez le signal avec lequel regrouper celui-ci."),
            "invalid_choice": _("Ce signal n'est pas un signal du territoire."),
        },
    )

    def __init__(self, *args, signal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = (
            Signal.objects.of_territory(signal.territory_id).leading().exclude(pk=signal.pk)
        )
        self.fields["lead"].label_from_instance = signal_label


def signal_label(signal):
    """ "n° 12 du 03/02/2026 : Trois employeurs cherchent des soudeurs" (a choice's label)."""
    return _("n° %(pk)s du %(day)s : %(text)s") % {
        "pk": signal.pk,
        "day": signal.observed_on.strftime("%d/%m/%Y"),
        "text": signal,
    }


class TrendsFilterForm(forms.Form):
    """The GET filter of the signals' trends: where the signals come from."""

    origine = forms.ChoiceField(
        label=_("Origine des signaux"),
        required=False,
        choices=[
            ("", _("Toutes")),
            ("personnes", _("Relevés par les membres du réseau")),
            ("portail", _("Relevés par le portail")),
        ],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={"invalid_choice": _("Choisissez une origine de la liste.")},
    )


class PublicationForm(forms.Form):
    """Publish the roadmap (or change whether its budget is public), or withdraw it."""

    PUBLISH = "publier"
    UNPUBLISH = "retirer"

    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[(PUBLISH, _("publier")), (UNPUBLISH, _("retirer la publication"))],
        widget=forms.HiddenInput,
    )
    budget_public = forms.BooleanField(
        label=_("Montrer aussi le budget et les financeurs des actions"),
        required=False,
        help_text=_("Sans cette case, le public ne voit aucun montant."),
    )
