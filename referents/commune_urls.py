"""/communes/: the « Votre commune » search and a page per commune of a territory."""

from django.urls import path, register_converter

from referents.views import communes


class InseeCodeConverter:
    """Five characters: digits, or 2A/2B and three digits in Corsica."""

    regex = "(?:[0-9]{2}|2[AaBb])[0-9]{3}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(InseeCodeConverter, "insee")

app_name = "communes"

urlpatterns = [
    path("", communes.commune_search, name="search"),
    path("<insee:insee_code>-<slug:slug>/", communes.commune_detail, name="detail"),
]
