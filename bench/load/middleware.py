"""Bench-only middleware (bench/load/settings.py): says whether the page cache served the page.

`portal.cache.get_or_make` notes `request.page_cache` ("hit" or "miss") on the requests it
serves; the response carries it as `X-Page-Cache` ("none" for a page that is not cached), which
national.lua and nginx's access log count.
"""


def page_cache_header(get_response):
    def middleware(request):
        response = get_response(request)
        response["X-Page-Cache"] = getattr(request, "page_cache", "none")
        return response

    return middleware
