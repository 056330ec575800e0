"""/api/v1/: the documentation page, the OpenAPI description and the endpoints of api/v1.py,
each wrapped by api/http.py (rate limit, CORS, caching headers)."""

from functools import partial

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, path
from ninja.openapi.views import openapi_json

from api import views
from api.http import api_view
from api.v1 import api
from portal.scopes import DIRECTORY, EVENTS, NATIONAL, territory_scope

app_name = "api"

# Lists that change with the clock as well as with the content (upcoming events end).
CLOCK = {"evenements"}

# The content versions each endpoint's answer depends on besides `all` (portal/scopes.py): its
# ETag changes when one of them does. Every endpoint must be named here.
SCOPES = {
    "structures": lambda **kwargs: (DIRECTORY,),
    "services": lambda **kwargs: (DIRECTORY,),
    "evenements": lambda **kwargs: (EVENTS,),
    "feuilles_de_route": lambda **kwargs: (NATIONAL,),
    "feuille_de_route_actions": lambda territoire, **kwargs: (territory_scope(territoire),),
}


def _endpoints():
    for pattern in api.urls[0]:
        if isinstance(pattern, URLPattern) and pattern.name not in ("api-root", None):
            if pattern.name not in SCOPES:
                raise ImproperlyConfigured(f"api/urls.py: no SCOPES for {pattern.name}")
            view = api_view(
                pattern.callback, clock=pattern.name in CLOCK, scopes=SCOPES[pattern.name]
            )
            yield path(str(pattern.pattern), view, name=pattern.name)


urlpatterns = [
    # The French documentation page, under the name ninja reverses to find the API's root.
    path("", views.documentation, name="api-root"),
    path("schema/", api_view(partial(openapi_json, api=api), conditional=False), name="schema"),
    *_endpoints(),
]
