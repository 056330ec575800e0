from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from portal.models import EPCI, Commune, Department, Membership, Region, Territory, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["territory"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "memberships__territory", "memberships__role"]


class MembershipTerritoryInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name_plural = _("membres")


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "epci_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["epcis"]
    inlines = [MembershipTerritoryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(epci_total=Count("epcis"))

    @admin.display(description=_("EPCI"), ordering="epci_total")
    def epci_count(self, obj):
        return obj.epci_total


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["region"]


@admin.register(EPCI)
class EPCIAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "siren"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "postal_codes", "population", "department", "epci"]
    list_select_related = ["department", "epci"]
    list_filter = ["department", "epci__territories"]
    search_fields = ["name", "search_name", "insee_code", "postal_codes"]
    autocomplete_fields = ["department", "epci"]
    show_full_result_count = False
