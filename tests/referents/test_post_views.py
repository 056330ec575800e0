"""The agenda of the next meeting, read from the roadmaps app (who may post what:
tests/security/test_access_matrix.py)."""

from django.apps import apps

from referents import services
from referents.services import actions_to_discuss


def test_agenda_without_the_roadmaps_app(monkeypatch, territory):
    def missing(app_label, model_name):
        raise LookupError(app_label)

    monkeypatch.setattr(services.apps, "get_model", missing)
    assert actions_to_discuss(territory=territory) == []
    monkeypatch.undo()
    assert apps.get_model("roadmaps", "Action")  # the contract exists once roadmaps has landed
