"""The French documentation page of the API (/api/v1/), made from its own OpenAPI description
so that it always tells what the API does."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from api.v1 import PAGE_SIZE, PAGE_SIZE_MAX, api

EXAMPLES = {
    "/api/v1/structures/": "?territoire=grand-angouleme&taille=20",
    "/api/v1/services/": "?commune=16015",
    "/api/v1/evenements/": "?territoire=grand-angouleme",
}


def _type(schema):
    if "anyOf" in schema:
        return " ou ".join(_type(item) for item in schema["anyOf"] if item.get("type") != "null")
    return {"string": "texte", "integer": "entier"}.get(schema.get("type"), schema.get("type", ""))


def endpoints():
    """[{path, summary, description, parameters, example}] of the OpenAPI description."""
    schema = api.get_openapi_schema()
    found = []
    for url, operations in schema["paths"].items():
        operation = operations["get"]
        found.append(
            {
                "path": url,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {
                        "name": parameter["name"],
                        "description": parameter.get("description")
                        or parameter["schema"].get("description", ""),
                        "type": _type(parameter["schema"]),
                    }
                    for parameter in operation.get("parameters", [])
                ],
                "example": url + EXAMPLES.get(url, ""),
            }
        )
    return found


@login_not_required
@require_safe
def documentation(request):
    return render(
        request,
        "api/documentation.html",
        {
            "endpoints": endpoints(),
            "schema_url": reverse("api:schema"),
            "rate_limit": settings.API_RATE_LIMIT,
            "page_size": PAGE_SIZE,
            "page_size_max": PAGE_SIZE_MAX,
        },
    )
