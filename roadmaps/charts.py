"""The colours of the dashboard's charts: one palette for the web page and its PDF.

The charts are SVG drawn by the one template both share (templates/roadmaps/_dashboard_body.html)
with these colours as `fill` attributes: WeasyPrint, which lays out the PDF without the web
stylesheet, draws exactly what the browser draws. The status badges of the pages
(static/css/roadmaps.css, white text) keep darker shades of their own where contrast needs it.
"""

from collections import Counter

from roadmaps.models import Action

STATUS_COLOURS = {
    Action.Status.PLANNED: "#5a6270",
    Action.Status.IN_PROGRESS: "#1f4e8c",
    Action.Status.DONE: "#2e6b45",
    Action.Status.PAUSED: "#b38600",
    Action.Status.BLOCKED: "#a02323",
    Action.Status.ABANDONED: "#3d3d3d",
}

PALETTE = {
    "track": "#e6ebf2",  # the empty part of a bar
    "progress": "#1f4e8c",  # progress of an axis
    "target": "#2e7d4f",  # the way to an indicator's target
}


def mean_progress(actions):
    """Mean progress of the actions (abandoned ones left out), 0 without any."""
    counted = [a.effective_progress for a in actions if a.status != Action.Status.ABANDONED]
    return round(sum(counted) / len(counted)) if counted else 0


def status_counts(actions):
    """One bar per status: its label, class, colour, count and width (the longest is 100)."""
    counts = Counter(action.status for action in actions)
    top = max(counts.values(), default=0) or 1
    return [
        {
            "value": status.value,
            "label": status.label,
            "css": status.css,
            "colour": STATUS_COLOURS[status],
            "count": counts.get(status.value, 0),
            "width": round(100 * counts.get(status.value, 0) / top),
        }
        for status in Action.Status
    ]
