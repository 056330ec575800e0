"""URLs of the error page tests: the portal's own, plus views that fail on purpose."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.models import Territory
from portal.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


@login_not_required
def forbidden(request):
    raise PermissionDenied


@login_not_required
def broken(request):
    Territory.objects.count()  # fails first when the database is down
    raise RuntimeError("panne simulée")


urlpatterns = [
    *urlpatterns,
    path("test/interdit/", forbidden),
    path("test/panne/", broken),
]
