from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners import imports, services
from partners.di_import import import_data_inclusion, report_as_json
from partners.forms import DataInclusionImportForm, ImportForm
from partners.models import (
    Category,
    Contact,
    ErrorReport,
    NetworkMembership,
    Partner,
    Public,
    Service,
    Theme,
)
from portal.exports import csv_response
from portal.models import Territory

IMPORT_SALT = "partners.import.v2"  # v2: {"data", "plan"}
DI_IMPORT_SALT = "partners.di_import.v1"  # {"territory", "structures", "services", "expected"}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "is_standard", "position"]
    list_editable = ["position"]
    list_filter = ["is_standard"]
    search_fields = ["label", "slug"]


@admin.register(Public)
class ReferenceItemAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "is_standard", "position"]
    list_editable = ["position"]
    list_filter = ["is_standard"]
    search_fields = ["label", "slug"]


@admin.register(Theme)
class ThemeAdmin(ReferenceItemAdmin):
    list_display = ["label", "slug", "parent", "is_standard", "position"]
    list_select_related = ["parent"]
    list_filter = ["is_standard", ("parent", admin.EmptyFieldListFilter)]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "service_type", "fee", "di_id", "updated_at"]
    list_select_related = ["partner"]
    list_filter = ["partner__territory", "service_type", "fee"]
    search_fields = ["name", "partner__name", "di_id"]
    autocomplete_fields = ["partner"]
    filter_horizontal = ["themes", "publics"]
    readonly_fields = ["di_source", "di_id", "di_updated_on"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["first_name", "last_name", "role", "phone", "email", "contact_for", "position"]


class ErrorReportInline(admin.TabularInline):
    model = ErrorReport
    extra = 0
    fields = ["created_at", "reported_by", "message", "resolved_at", "resolved_by"]
    readonly_fields = ["created_at", "reported_by", "message", "resolved_by"]


class FreshnessFilter(admin.SimpleListFilter):
    title = gettext_lazy("fraîcheur")
    parameter_name = "fraicheur"

    def lookups(self, request, model_admin):
        return [("a-verifier", gettext_lazy("à vérifier"))]

    def queryset(self, request, queryset):
        if self.value() == "a-verifier":
            return queryset.due_for_review()
        return queryset


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "territory", "commune", "scale", "verified_at"]
    list_select_related = ["category", "territory", "commune"]
    list_filter = [FreshnessFilter, "territory", "category", "scale", "publics", "themes"]
    search_fields = ["name", "also_known_as", "slug", "search_text"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = [
        "territory",
        "commune",
        "zone_communes",
        "zone_territories",
        "zone_departments",
        "zone_regions",
        "verified_by",
    ]
    filter_horizontal = ["publics", "themes"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ContactInline, ErrorReportInline]
    date_hierarchy = "verified_at"
    show_full_result_count = False
    change_list_template = "partners/admin_change_list.html"
    actions = ["export_for_import"]
    fieldsets = [
        (None, {"fields": ["territory", "name", "slug", "also_known_as", "category", "scale"]}),
        (
            gettext_lazy("Présentation"),
            {"fields": ["description", "services", "publics", "themes"]},
        ),
        (
            gettext_lazy("Coordonnées"),
            {
                "fields": [
                    "address",
                    "postal_code",
                    "commune",
                    "phone",
                    "email",
                    "website",
                    "opening_hours",
                ]
            },
        ),
        (
            gettext_lazy("Accueil et mobilisation"),
            {
                "fields": [
                    "reception_in_person",
                    "reception_remote",
                    "mobilise_walk_in",
                    "mobilise_phone",
                    "mobilise_email",
                    "mobilise_link",
                    "mobilisation_link",
                ]
            },
        ),
        (
            gettext_lazy("Zone d'intervention"),
            {
                "fields": [
                    "is_national",
                    "zone_regions",
                    "zone_departments",
                    "zone_territories",
                    "zone_communes",
                ]
            },
        ),
        (
            gettext_lazy("Fraîcheur"),
            {
                "fields": [
                    "check_interval",
                    "verified_at",
                    "verified_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.action(
        description=gettext_lazy("Exporter au format d'import (CSV à modifier puis réimporter)"),
        permissions=["view"],
    )
    def export_for_import(self, request, queryset):
        """The selected partners in the import's own columns: edited in a spreadsheet and
        imported back, only the edited cells change (the identifiant column keeps the match)."""
        rows = imports.export_rows(imports.for_import_export(queryset.order_by("name", "pk")))
        filename = f"partenaires-a-reimporter-{timezone.localdate().isoformat()}.csv"
        return csv_response(filename, imports.IMPORT_COLUMNS, rows)

    def get_urls(self):
        return [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="partners_partner_import",
            ),
            path(
                "importer-data-inclusion/",
                self.admin_site.admin_view(self.di_import_view),
                name="partners_partner_di_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """CSV import: a preview saying per row "créé", "mis à jour (champs : …)", "inchangé"
        or its errors, then every row or none."""
        rights = {
            "can_create": self.has_add_permission(request),
            "can_update": self.has_change_permission(request),
        }
        if not any(rights.values()):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        result, data = None, None
        if request.method == "POST" and request.POST.get("payload"):
            # Confirmation of a previewed file: the file and the preview's plan come back signed.
            try:
                signed = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=3600)
            except signing.BadSignature:
                messages.error(
                    request, _("Aperçu expiré ou altéré : déposez le fichier à nouveau.")
                )
                return redirect(reverse("admin:partners_partner_import"))
            data = signed["data"].encode("latin-1")
            result = services.import_partners(
                data=data, user=request.user, plan=signed["plan"], **rights
            )
            form = ImportForm()
            if result.stale:
                messages.warning(
                    request,
                    _(
                        "Des partenaires ont changé depuis l'aperçu : rien n'a été importé. "
                        "Vérifiez ce nouvel aperçu puis confirmez."
                    ),
                )
            elif result.is_valid and result.rows:
                messages.success(
                    request,
                    _("Import terminé : %(created)s, %(updated)s mis à jour.")
                    % {
                        "created": ngettext(
                            "%(count)s partenaire créé",
                            "%(count)s partenaires créés",
                            result.created,
                        )
                        % {"count": result.created},
                        "updated": result.updated,
                    },
                )
                return redirect(reverse("admin:partners_partner_changelist"))
            else:
                messages.error(
                    request, _("Rien n'a été importé : corrigez les erreurs ci-dessous.")
                )
        elif request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            result = imports.read_import(data, filename=upload.name, **rights)
        payload = ""
        if result is not None and result.is_valid and result.has_changes:
            payload = signing.dumps(
                {"data": data.decode("latin-1"), "plan": result.plan},
                salt=IMPORT_SALT,
                compress=True,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Importer des partenaires (CSV)"),
            "form": form,
            "result": result,
            "payload": payload,
            "columns": imports.IMPORT_COLUMNS,
        }
        return TemplateResponse(request, "partners/admin_import.html", context)

    def di_import_view(self, request):
        """data·inclusion v1 files: the report of what the import would do (created, updated,
        unchanged, skipped and why, local values kept), then confirm: all or nothing."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = DataInclusionImportForm(request.POST or None, request.FILES or None)
        report, payload, territory = None, "", None
        if request.method == "POST" and request.POST.get("payload"):
            try:
                signed = signing.loads(request.POST["payload"], salt=DI_IMPORT_SALT, max_age=3600)
            except signing.BadSignature:
                messages.error(
                    request, _("Aperçu expiré ou altéré : déposez les fichiers à nouveau.")
                )
                return redirect(reverse("admin:partners_partner_di_import"))
            territory = get_object_or_404(Territory, pk=signed["territory"])
            files = {kind: signed[kind].encode("latin-1") for kind in ("structures", "services")}
            report = import_data_inclusion(
                territory=territory, expected=signed["expected"], **files
            )
            if report.written:
                messages.success(request, _("Import data·inclusion enregistré."))
                return redirect(reverse("admin:partners_partner_changelist"))
            messages.warning(
                request,
                _(
                    "Les fiches ont changé depuis l'aperçu : rien n'a été importé. Vérifiez ce "
                    "nouvel aperçu puis confirmez."
                ),
            )
            report = import_data_inclusion(territory=territory, dry_run=True, **files)
            payload = self._di_payload(territory, files, report)
            form = DataInclusionImportForm(initial={"territory": territory})
        elif request.method == "POST" and form.is_valid():
            territory = form.cleaned_data["territory"]
            files = {kind: form.cleaned_data[kind].read() for kind in ("structures", "services")}
            try:
                report = import_data_inclusion(territory=territory, dry_run=True, **files)
            except (ValueError, UnicodeDecodeError) as error:
                form.add_error(None, _("Fichier illisible : %(error)s") % {"error": error})
            else:
                payload = self._di_payload(territory, files, report)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Importer des fichiers data·inclusion (v1)"),
            "form": form,
            "report": report,
            "territory": territory,
            "payload": payload,
        }
        return TemplateResponse(request, "partners/admin_di_import.html", context)

    def _di_payload(self, territory, files, report):
        if not (report.created.total() or report.updated.total()):
            return ""
        return signing.dumps(
            {
                "territory": territory.pk,
                "expected": report_as_json(report),
                **{kind: data.decode("latin-1") for kind, data in files.items()},
            },
            salt=DI_IMPORT_SALT,
            compress=True,
        )


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["partner", "created_at", "reported_by", "resolved_at"]
    list_select_related = ["partner", "reported_by"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "partner__territory"]
    search_fields = ["partner__name", "message"]
    autocomplete_fields = ["partner", "reported_by", "resolved_by"]
    date_hierarchy = "created_at"


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partner", "role", "email", "phone"]
    list_select_related = ["partner"]
    list_filter = ["partner__territory"]
    search_fields = ["first_name", "last_name", "email", "partner__name"]
    autocomplete_fields = ["partner"]


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    """Staff may correct acceptances; coordinators use « Partenaires proposés »."""

    list_display = ["partner", "territory", "status", "decided_by", "decided_at"]
    list_select_related = ["partner", "territory", "decided_by"]
    list_filter = ["territory", "status"]
    search_fields = ["partner__name"]
    autocomplete_fields = ["partner", "decided_by"]
