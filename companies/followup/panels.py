"""What the follow-up adds to pages of the apps below it (portal/panels.py)."""

from django.utils import timezone

from companies import perms
from portal.panels import Panel


def my_reminders(request, territory):
    """« Mes rappels » on the home page of a signed-in coordinator: their pending rappels in
    the territory, overdue ones first and marked (one query; none for a non-coordinator)."""
    reminders = perms.get_my_reminders_for_user(request, territory)
    if reminders is None:
        return None
    today = timezone.localdate()
    for reminder in reminders:
        reminder.overdue = reminder.is_overdue(today)
    return Panel(
        "companies/_home_reminders.html",
        {
            "reminders": reminders,
            "overdue_count": sum(reminder.overdue for reminder in reminders),
        },
    )
