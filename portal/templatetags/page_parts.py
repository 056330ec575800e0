"""`{% own_part %}`: the place of a page that shows this person alone (portal/cache.py)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def own_part(context):
    """What `request.own_part()` renders for this request. In a page kept in the cache it is
    written once for everyone, so only its place is kept, where portal.cache.fill() writes each
    request's own."""
    slots = context.get("page_slots")
    if slots:
        return slots.place("own")
    return context["request"].own_part()
