from django.utils.functional import SimpleLazyObject

from portal import access


class CurrentTerritoryMiddleware:
    """Set `request.territory`: the territory the signed-in user works in (lazily, no query
    until a view or template needs it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.territory = SimpleLazyObject(lambda: access.current_territory(request))
        return self.get_response(request)
