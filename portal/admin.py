from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.forms import CommuneImportForm, TerritoryFromEPCIForm
from portal.models import (
    EPCI,
    Commune,
    Department,
    Invitation,
    Membership,
    Region,
    Territory,
    User,
)

IMPORT_PERMISSIONS = [
    "portal.add_commune",
    "portal.change_commune",
    "portal.add_epci",
    "portal.change_epci",
    "portal.add_department",
    "portal.add_region",
]


def admin_form_page(model_admin, request, template, title, form):
    """Render one of our admin pages in the admin's layout."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, template, context)


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

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "depuis-un-epci/",
                view(self.create_from_epci_view),
                name="portal_territory_from_epci",
            ),
            *super().get_urls(),
        ]

    def create_from_epci_view(self, request):
        """Create a territory made of one imported EPCI, chosen with the autocomplete."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = TerritoryFromEPCIForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            territory = form.save()
            if territory is not None:
                messages.success(
                    request,
                    gettext(
                        "Territoire « %(territory)s » créé à partir de l'EPCI %(epci)s "
                        "(%(count)s communes). Ajoutez-y sa présentation et ses membres."
                    )
                    % {
                        "territory": territory,
                        "epci": form.cleaned_data["epci"],
                        "count": territory.communes.count(),
                    },
                )
                return redirect(reverse("admin:portal_territory_change", args=[territory.pk]))
        return admin_form_page(
            self,
            request,
            "admin/portal/territory_from_epci.html",
            gettext("Créer un territoire à partir d'un EPCI"),
            form,
        )

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
    list_filter = ["kind", "territories"]
    search_fields = ["name", "siren"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "postal_codes", "population", "department", "epci"]
    list_select_related = ["department", "epci"]
    list_filter = ["department", "epci__territories"]
    search_fields = ["name", "search_name", "insee_code", "postal_codes"]
    autocomplete_fields = ["department", "epci"]
    show_full_result_count = False

    def get_urls(self):
        return [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="portal_commune_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload communes.json and epci.json (and optional filters): all or nothing."""
        if not request.user.has_perms(IMPORT_PERMISSIONS):
            raise PermissionDenied
        form = CommuneImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = form.run()
            if report is not None:
                messages.success(request, report.summary())
                return redirect("admin:portal_commune_changelist")
        return admin_form_page(
            self,
            request,
            "admin/portal/import_communes.html",
            gettext("Importer des communes"),
            form,
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: coordinators invite from their territory's members page (docs/accounts.md)."""

    list_display = ["email", "territory", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["territory", "role"]
    search_fields = ["email"]
    list_select_related = ["territory"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
