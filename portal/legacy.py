"""Old addresses that named a territory by `?territoire=<slug>` or by the session (the user's
current territory): bookmarks and shared links keep working, redirected to the address that
names the territory by the slug in its path. Every app's old addresses answer through
`redirect_to_territory`.
"""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse


class HttpResponseTemporaryRedirect(HttpResponseRedirect):
    status_code = 307  # the same method and body: a form of an old page still posts


def redirect_to_territory(request, territory, viewname, kwarg="territory_slug"):
    """302 to the page `viewname` of `territory` (the one the old address meant: the app's
    perms.py finds it with `access.legacy_territory_for_user`), keeping the other query
    parameters; 307 for a POST, so that the form is not lost."""
    url = reverse(viewname, kwargs={kwarg: territory.slug})
    kept = [(key, values) for key, values in request.GET.lists() if key != "territoire"]
    if kept:
        url += "?" + urlencode(kept, doseq=True)
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(url)
    return HttpResponseTemporaryRedirect(url)
