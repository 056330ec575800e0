from django.urls import path, register_converter

from companies.views import register

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
    path("<siret:siret>/", register.establishment_detail, name="detail"),
    path("<slug:territory>/", register.establishment_list, name="list"),
    path("<slug:territory>/ajouter/", register.establishment_create, name="create"),
    path("<slug:territory>/export.csv", register.export_csv, name="export_csv"),
    path("<slug:territory>/export.xlsx", register.export_xlsx, name="export_xlsx"),
    # The follow-up
]
