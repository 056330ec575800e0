"""The follow-up part of the demo: needs in each status, an overdue rappel; idempotent."""

from django.utils import timezone

from companies.followup import demo
from companies.models import CompanyContact, Exchange, Need, NeedNote, Reminder
from tests.factories import EstablishmentFactory


def counts():
    return [model.objects.count() for model in (Exchange, Need, NeedNote, Reminder, CompanyContact)]


def test_demo_follow_up_in_each_status_and_idempotent(territory, coordinator, angouleme):
    for _ in range(len(demo.STORIES)):
        EstablishmentFactory(commune=angouleme)
    demo.load()
    first = counts()
    demo.load()
    assert counts() == first
    assert set(Need.objects.values_list("status", flat=True)) == set(Need.Status.values)
    assert Reminder.objects.filter(date__lt=timezone.localdate(), person=coordinator).exists()
    assert Exchange.objects.exclude(private_note="").exists()
    assert all(
        exchange.history.first().history_user == coordinator for exchange in Exchange.objects.all()
    )
