"""The register in the administration: establishments and legal units (search, read the
Sirene data), the nomenclatures read-only (loaded by the initial migration)."""

from django.contrib import admin

from companies.models import Establishment, LegalUnit, Naf2025Code, NafCode, WorkforceBand


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NafCode)
class NafCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "level", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "label"]


@admin.register(Naf2025Code)
class Naf2025CodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "division_code"]
    search_fields = ["code", "label"]


@admin.register(WorkforceBand)
class WorkforceBandAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "minimum", "maximum"]


@admin.register(LegalUnit)
class LegalUnitAdmin(admin.ModelAdmin):
    list_display = ["siren", "name", "legal_category", "is_active", "is_ess"]
    list_filter = ["is_active", "is_ess", "is_partially_diffused"]
    search_fields = ["siren", "name"]


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["siret", "__str__", "naf", "commune", "is_active", "source"]
    list_filter = ["is_active", "source", "is_head_office", "is_partially_diffused"]
    list_select_related = ["legal_unit", "naf", "commune"]
    search_fields = ["siret", "name", "legal_unit__name"]
    raw_id_fields = ["legal_unit", "commune", "created_by"]
    autocomplete_fields = ["naf"]
    readonly_fields = ["search_text", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.search_text = obj.build_search_text()
        super().save_model(request, obj, form, change)
