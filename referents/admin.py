from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from referents.models import (
    CalendarFeed,
    Meeting,
    OrientationCount,
    OutlineQuestion,
    OutlineSection,
    Referent,
    Registration,
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
    list_display = ["title", "kind", "starts_at", "territory", "host", "is_public"]
    list_filter = ["kind", "territory", "is_public"]
    search_fields = ["title", "agenda"]
    raw_id_fields = ["host", "commune"]
    filter_horizontal = ["invited", "present"]
    date_hierarchy = "starts_at"


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Registrations to public events: personal data, deleted 30 days after the event."""

    list_display = ["name", "meeting", "status", "attended", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "meeting__title"]
    raw_id_fields = ["meeting"]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False  # people register on the event's public page


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
    """Read-only, and never finer than the month: a day, a commune and a need could point to
    one person (the observatory shows the same counts, by month, small ones hidden)."""

    list_display = ["month", "commune", "territory"]
    list_filter = ["territory"]
    fields = ["territory", "month", "commune", "needs", "unmet_needs"]
    readonly_fields = fields

    @admin.display(description=_("mois"), ordering="date")
    def month(self, count):
        return date_format(count.date, "F Y")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(CalendarFeed)
