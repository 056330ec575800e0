"""/sitemap.xml and /robots.txt, at the root of the site (api/sitemaps.py)."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from api.sitemaps import SITEMAPS, robots_txt


@login_not_required
@require_safe
def robots(request):
    text = robots_txt(request.build_absolute_uri(reverse("sitemap")))
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


urlpatterns = [
    path(
        "sitemap.xml",
        login_not_required(require_safe(sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", robots, name="robots"),
]
