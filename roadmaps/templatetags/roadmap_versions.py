"""How the comparison of two versions shows a paragraph whose words changed."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

MARKED = (
    '<{0}><span class="visually-hidden">{1}</span>{2}<span class="visually-hidden">]</span></{0}>'
)


@register.filter
def word_diff(runs):
    """The runs of `versions.text_diff` ([(op, words)]) end to end: words added in <ins>,
    removed in <del>, each also said in words for screen readers, which announce neither."""
    marks = {"added": ("ins", _("[ajouté : ")), "removed": ("del", _("[retiré : "))}
    html = []
    for op, words in runs:
        if op not in marks:
            html.append(conditional_escape(words))
            continue
        tag, start = marks[op]
        text = words.rstrip()
        html.append(format_html(MARKED, tag, start, text) + words[len(text) :])
    return mark_safe("".join(html))  # every piece is escaped above
