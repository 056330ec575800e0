"""The site's URLs with a stand-in for the page of a signal (`roadmaps:signal`), which the
signals pages provide: for the test that a revision links the signals that led to it."""

from django.http import HttpResponse
from django.urls import include, path

from portal import urls as site
from roadmaps import urls as roadmaps_urls


def signal_stub(request, slug, pk):
    return HttpResponse()


roadmaps_patterns = [
    *roadmaps_urls.urlpatterns,
    path("<slug:slug>/signaux/<int:pk>/", signal_stub, name="signal"),
]
urlpatterns = [
    pattern for pattern in site.urlpatterns if getattr(pattern, "app_name", None) != "roadmaps"
] + [path("feuilles-de-route/", include((roadmaps_patterns, "roadmaps")))]
