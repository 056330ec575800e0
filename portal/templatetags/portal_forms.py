"""`{% submission_token %}`: the hidden token that makes a creation form create once per display
(portal/submissions.py)."""

from django import template
from django.utils.html import format_html

from portal import submissions

register = template.Library()


def hidden_input(token=None):
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        submissions.FIELD,
        token or submissions.new_token(),
    )


@register.simple_tag(takes_context=True)
def submission_token(context):
    slots = context.get("page_slots")
    if slots:
        # A page kept in the cache: the token cannot be written once for everyone; a place is
        # kept for it, where portal.cache.fill() writes a new one for each request.
        return slots.place("submission")
    return hidden_input()
