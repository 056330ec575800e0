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
    # The register
    path("", register.establishment_list, name="list"),
    path("<siret:siret>/", register.establishment_detail, name="detail"),
    # The follow-up
]
