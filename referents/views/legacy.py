"""The old référents addresses, which named the territory by `?territoire=` or the session:
bookmarks and shared links keep working, redirected to the address with the slug in the path."""

from portal.legacy import redirect_to_territory as redirect_to
from referents.perms import legacy_territory_for_user


def redirect_to_territory(request, name):
    """The page `name` of the territory the old address meant (portal.legacy)."""
    return redirect_to(request, legacy_territory_for_user(request), f"referents:{name}")
