from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


class DiagnosticIndicatorInline(admin.TabularInline):
    model = DiagnosticIndicator
    extra = 0


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0
    fields = ["number", "title"]


@admin.register(Roadmap)
class RoadmapAdmin(SimpleHistoryAdmin):
    list_display = ["title", "territory", "status", "is_current", "validated_on"]
    list_filter = ["status", "is_current", "territory"]
    search_fields = ["title", "territory__name"]
    inlines = [DiagnosticIndicatorInline, AxisInline]


@admin.register(Axis)
class AxisAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "roadmap"]
    list_filter = ["roadmap__territory"]
    list_select_related = ["roadmap__territory"]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "priority", "end_date", "to_discuss"]
    list_filter = ["status", "priority", "to_discuss", "axis__roadmap__territory"]
    search_fields = ["title", "description"]
    list_select_related = ["axis"]
    raw_id_fields = ["pilot_partner", "partners", "communes", "coordinator"]
    inlines = [StepInline, IndicatorInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "date", "value", "computed"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["action", "date", "author", "status", "progress"]
    list_select_related = ["action__axis", "author"]


@admin.register(RoadmapVersion)
class RoadmapVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "roadmap", "validated_on", "validated_by"]
    readonly_fields = ["snapshot"]
    raw_id_fields = ["signals", "created_by"]


@admin.register(Signal)
class SignalAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "territory", "observed_on", "source", "status", "rule"]
    list_filter = ["status", "source", "territory"]
    search_fields = ["text"]
    list_select_related = ["territory"]
    raw_id_fields = ["establishment", "partners", "communes", "actions", "grouped_into", "naf"]
    readonly_fields = ["evidence", "author", "triaged_by", "triaged_at"]
