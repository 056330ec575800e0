"""Forms of the roadmaps app: coordinators' edits, the page filters and the version comparison."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from portal.forms import CheckboxList, KeepCurrentChoicesMixin, formfield
from portal.locking import VersionField
from roadmaps.models import (
    Action,
    Axis,
    DiagnosticIndicator,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Roadmap,
    RoadmapVersion,
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
    class Meta:
        model = Indicator
        fields = ["label", "unit", "baseline", "target"]


class IndicatorValueForm(forms.ModelForm):
    class Meta:
        model = IndicatorValue
        fields = ["date", "value"]
        widgets = {"date": DATE}


class ValidateRoadmapForm(forms.ModelForm):
    """Validate the roadmap (again): freezes a named, dated version."""

    class Meta:
        model = RoadmapVersion
        fields = ["name", "validated_on", "validated_by"]
        widgets = {"validated_on": DATE}
        help_texts = {
            "name": _("Par exemple : comité de pilotage de mars 2024."),
            "validated_by": _("Par exemple : conseil communautaire."),
        }


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
