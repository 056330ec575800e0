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
    # The register
    path("", register.establishment_list, name="list"),
    path("ajouter/", register.establishment_create, name="create"),
    path("export.csv", register.export_csv, name="export_csv"),
    path("export.xlsx", register.export_xlsx, name="export_xlsx"),
    path("<siret:siret>/", register.establishment_detail, name="detail"),
    # The follow-up
    path("<siret:siret>/echanges/nouveau/", followup.exchange_create, name="exchange_create"),
    path("echanges/<int:pk>/modifier/", followup.exchange_update, name="exchange_update"),
    path("<siret:siret>/besoins/nouveau/", followup.need_create, name="need_create"),
    path("<siret:siret>/rappels/nouveau/", followup.reminder_create, name="reminder_create"),
    path("<siret:siret>/contacts/nouveau/", followup.contact_create, name="contact_create"),
    path("<siret:siret>/historique/", followup.followup_history_page, name="history"),
    path("besoins/", followup.need_list, name="need_list"),
    path("besoins/export.csv", followup.need_export, {"fmt": "csv"}, name="need_export_csv"),
    path("besoins/export.xlsx", followup.need_export, {"fmt": "xlsx"}, name="need_export_xlsx"),
    path("besoins/<int:pk>/", followup.need_detail, name="need"),
    path("besoins/<int:pk>/modifier/", followup.need_update, name="need_update"),
    path("besoins/<int:pk>/notes/", followup.need_note_create, name="need_note_create"),
    path("rappels/<int:pk>/fait/", followup.reminder_mark, name="reminder_mark"),
    path("contacts/<int:pk>/modifier/", followup.contact_update, name="contact_update"),
    path("contacts/<int:pk>/supprimer/", followup.contact_delete, name="contact_delete"),
    path("synthese/", followup.summary, name="summary"),
]
