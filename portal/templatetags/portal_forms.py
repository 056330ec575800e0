"""`{% submission_token %}`: the hidden token that makes a creation form create once per display
(portal/submissions.py)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal import submissions

register = template.Library()

# In a page kept in the cache the token cannot be written once for everyone: a marker stands in
# its place and portal.cache.fill() writes a new token for each request. The marker starts with
# "<", which user input never carries unescaped.
MARK = "<!--maillage:submission-token-->"


def hidden_input(token=None):
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        submissions.FIELD,
        token or submissions.new_token(),
    )


@register.simple_tag(takes_context=True)
def submission_token(context):
    if context.get("layout_marks"):
        return mark_safe(MARK)  # a constant of ours, no user input
    return hidden_input()
