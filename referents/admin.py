from django.contrib import admin

from referents.models import (
    CalendarFeed,
    Meeting,
    OrientationCount,
    OutlineQuestion,
    OutlineSection,
    Referent,
)


@admin.register(Referent)
class ReferentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "commune", "mandate_start", "mandate_end"]
    list_filter = ["role"]
    search_fields = ["first_name", "last_name", "commune__name", "email"]
    autocomplete_fields = ["commune"]
    raw_id_fields = ["user"]
    date_hierarchy = "mandate_start"


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "territory", "host"]
    list_filter = ["kind", "territory"]
    search_fields = ["title", "agenda"]
    raw_id_fields = ["host"]
    filter_horizontal = ["invited", "present"]
    date_hierarchy = "starts_at"


class OutlineQuestionInline(admin.TabularInline):
    model = OutlineQuestion
    extra = 0


@admin.register(OutlineSection)
class OutlineSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "position"]
    list_filter = ["territory"]
    inlines = [OutlineQuestionInline]


@admin.register(OrientationCount)
class OrientationCountAdmin(admin.ModelAdmin):
    list_display = ["date", "commune", "territory"]
    list_filter = ["territory"]
    date_hierarchy = "date"


admin.site.register(CalendarFeed)
