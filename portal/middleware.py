from django.utils.functional import SimpleLazyObject

from portal import access, views


class CurrentTerritoryMiddleware:
    """Set `request.territory`: the territory the signed-in user works in (lazily, no query
    until a view or template needs it). When a view needs it and there is none
    (`access.NoTerritory`), answer with the page that explains how to get attached to one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.territory = SimpleLazyObject(lambda: access.current_territory(request))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, access.NoTerritory):
            return views.no_territory(request)
        return None
