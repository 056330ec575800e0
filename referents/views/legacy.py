"""The old référents addresses, which named the territory by `?territoire=` or the session:
bookmarks and shared links keep working, redirected to the address with the slug in the path."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from referents.perms import legacy_territory_for_user


class HttpResponseTemporaryRedirect(HttpResponseRedirect):
    status_code = 307  # the same method and body: a form of an old page still posts


def redirect_to_territory(request, name):
    """302 to the new address of the page `name` in the territory the old one meant, keeping
    the other query parameters (307 for a POST, so that the form is not lost)."""
    territory = legacy_territory_for_user(request)
    url = reverse(f"referents:{name}", kwargs={"territory_slug": territory.slug})
    kept = [(key, values) for key, values in request.GET.lists() if key != "territoire"]
    if kept:
        url += "?" + urlencode(kept, doseq=True)
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(url)
    return HttpResponseTemporaryRedirect(url)
