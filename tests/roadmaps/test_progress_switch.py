"""The first step switches an action's progress from the figure entered by hand to the share of
steps done: never silently. The forms say so before, the history and the timeline after."""

from django.urls import reverse

from roadmaps.models import Action, ProgressUpdate
from roadmaps.services import history, writes

SLUG = "grand-angouleme"
NOTICE = (
    "L'avancement de cette action sera désormais calculé à partir des étapes (actuellement 40 %)."
)


def unescape(html):
    return html.replace("&#x27;", "'").replace("&#39;", "'")


def set_by_hand(action, coordinator):
    writes.record_progress(action=action, by=coordinator, note="Point de mai", progress=40)
    action.refresh_from_db()
    assert action.effective_progress == 40


def test_the_forms_say_that_the_first_step_switches_the_progress(
    coordinator_client, action, coordinator
):
    set_by_hand(action, coordinator)
    assert NOTICE in unescape(coordinator_client.get(action.get_absolute_url()).text)
    url = reverse("roadmaps:step_create", args=[SLUG, action.pk])
    assert NOTICE in unescape(coordinator_client.get(url).text)


def test_the_first_step_records_the_switch_in_the_history_and_the_timeline(
    coordinator_client, action, coordinator
):
    set_by_hand(action, coordinator)
    url = reverse("roadmaps:step_create", args=[SLUG, action.pk])
    response = coordinator_client.post(url, {"title": "Réserver la salle", "due_date": ""})
    assert response.status_code == 302
    action = Action.objects.get(pk=action.pk)
    assert action.effective_progress == 0

    # The history says the progress went from 40 % to 0 %, and who did it.
    entry = next(
        e
        for e in history.action_history(action)
        if e.subject == "l'action" and any(c.field == "progress" for c in e.changes)
    )
    change = next(c for c in entry.changes if c.field == "progress")
    assert (change.old, change.new, entry.user) == ("40", "0", coordinator)

    # The timeline's latest point d'étape gives the value the page shows, and why.
    latest = action.updates.first()
    assert latest.progress == 0 and latest.author == coordinator
    assert "désormais calculé à partir des étapes" in latest.note
    page = unescape(coordinator_client.get(action.get_absolute_url()).text)
    assert "Avancement → 0 %" in page and "Avancement → 40 %" in page
    assert "sera désormais calculé" not in page  # said once, before the switch only


def test_later_steps_and_an_unchanged_progress_add_no_point_d_etape(
    coordinator_client, action, coordinator
):
    url = reverse("roadmaps:step_create", args=[SLUG, action.pk])
    coordinator_client.post(url, {"title": "Première", "due_date": ""})  # 0 % → 0 %
    coordinator_client.post(url, {"title": "Seconde", "due_date": ""})
    assert not ProgressUpdate.objects.exists()
    assert Action.objects.get(pk=action.pk).steps.count() == 2


def test_a_point_d_etape_cannot_set_a_progress_computed_from_steps(
    coordinator_client, action, coordinator
):
    coordinator_client.post(
        reverse("roadmaps:step_create", args=[SLUG, action.pk]), {"title": "Une", "due_date": ""}
    )
    url = reverse("roadmaps:progress_create", args=[SLUG, action.pk])
    assert "progress" not in coordinator_client.get(url).context["form"].fields
    data = {"date": "2024-02-01", "note": "Point", "status": "", "progress": "80"}
    assert coordinator_client.post(url, data).status_code == 302
    assert action.updates.get().progress is None  # the timeline never contradicts the steps
    assert Action.objects.get(pk=action.pk).effective_progress == 0
