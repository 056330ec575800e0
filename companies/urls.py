from django.urls import path, register_converter

from companies.views import followup, register

app_name = "companies"


class SiretConverter:
    """Fourteen digits: an establishment's SIRET in its page's address."""

    regex = "[0-9]{14}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SiretConverter, "siret")

urlpatterns = [
    # The register. An establishment's SIRET (14 digits) is never a territory's slug (digits
    # alone are refused, portal.models.validate_territory_slug).
    path("", register.legacy_list, name="legacy_list"),
    # The follow-up: pages of one object (a need; an establishment's échanges, rappels,
    # contacts), before the territory's pages (« besoins » is a reserved territory slug)
    path("besoins/", followup.legacy_need_list, name="legacy_need_list"),
    path("besoins/<int:pk>/", followup.need_detail, name="need"),
    path("besoins/<int:pk>/modifier/", followup.need_update, name="need_update"),
    path("besoins/<int:pk>/supprimer/", followup.need_delete, name="need_delete"),
    path("besoins/<int:pk>/notes/", followup.need_note_create, name="need_note_create"),
    path("<siret:siret>/echanges/nouveau/", followup.exchange_create, name="exchange_create"),
    path(
        "<siret:siret>/echanges/<int:pk>/modifier/",
        followup.exchange_update,
        name="exchange_update",
    ),
    path(
        "<siret:siret>/echanges/<int:pk>/supprimer/",
        followup.exchange_delete,
        name="exchange_delete",
    ),
    path("<siret:siret>/besoins/nouveau/", followup.need_create, name="need_create"),
    path("<siret:siret>/rappels/nouveau/", followup.reminder_create, name="reminder_create"),
    path("<siret:siret>/rappels/<int:pk>/fait/", followup.reminder_mark, name="reminder_mark"),
    path("<siret:siret>/contacts/nouveau/", followup.contact_create, name="contact_create"),
    path(
        "<siret:siret>/contacts/<int:pk>/modifier/",
        followup.contact_update,
        name="contact_update",
    ),
    path(
        "<siret:siret>/contacts/<int:pk>/supprimer/",
        followup.contact_delete,
        name="contact_delete",
    ),
    path("<siret:siret>/historique/", followup.followup_history_page, name="history"),
    path("<siret:siret>/", register.establishment_detail, name="detail"),
    path("<slug:territory>/", register.establishment_list, name="list"),
    path("<slug:territory>/ajouter/", register.establishment_create, name="create"),
    path("<slug:territory>/carte/", register.establishment_map, name="map"),
    path("<slug:territory>/export.csv", register.export_csv, name="export_csv"),
    path("<slug:territory>/export.xlsx", register.export_xlsx, name="export_xlsx"),
    # The follow-up: the territory's needs and projects, their exports, its summary
    path("<slug:territory>/besoins/", followup.need_list, name="need_list"),
    path(
        "<slug:territory>/besoins/export.csv",
        followup.need_export,
        {"fmt": "csv"},
        name="need_export_csv",
    ),
    path(
        "<slug:territory>/besoins/export.xlsx",
        followup.need_export,
        {"fmt": "xlsx"},
        name="need_export_xlsx",
    ),
    path("<slug:territory>/synthese/", followup.summary, name="summary"),
]
