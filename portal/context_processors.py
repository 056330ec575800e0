from django.conf import settings

from portal import access


def site(request):
    """Site-wide values for the layout: the publisher, the current territory and the switcher."""
    context = {"maillage": settings.MAILLAGE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        territory = getattr(request, "territory", None)
        context["current_territory"] = territory if territory else None
        context["user_territories"] = access.territory_list(user)
        context["user_can_edit_current"] = bool(territory) and access.can_edit(user, territory)
    return context
