"""/api/v1/: the documentation page, the OpenAPI description and the endpoints of api/v1.py,
each wrapped by api/http.py (rate limit, CORS, caching headers)."""

from functools import partial

from django.urls import URLPattern, path
from ninja.openapi.views import openapi_json

from api import views
from api.http import api_view
from api.v1 import api

app_name = "api"

# Lists that change with the clock as well as with the content (upcoming events end).
CLOCK = {"evenements"}


def _endpoints():
    for pattern in api.urls[0]:
        if isinstance(pattern, URLPattern) and pattern.name not in ("api-root", None):
            view = api_view(pattern.callback, clock=pattern.name in CLOCK)
            yield path(str(pattern.pattern), view, name=pattern.name)


urlpatterns = [
    # The French documentation page, under the name ninja reverses to find the API's root.
    path("", views.documentation, name="api-root"),
    path("schema/", api_view(partial(openapi_json, api=api), conditional=False), name="schema"),
    *_endpoints(),
]
