"""roadmaps.queries: the reads other apps make of the roadmaps (the référents' meeting agenda)."""

import pytest
from django.core.exceptions import FieldError

from roadmaps.models import Action
from roadmaps.queries import actions_to_discuss
from tests.factories import ActionFactory, AxisFactory, RoadmapFactory


def test_actions_to_discuss_are_the_territorys_flagged_actions(territory, other_territory):
    axis = AxisFactory(roadmap=RoadmapFactory(territory=territory))
    flagged = ActionFactory(axis=axis, title="Parrainage des jeunes", to_discuss=True)
    ActionFactory(axis=axis, title="Action tranquille", to_discuss=False)
    elsewhere = AxisFactory(roadmap=RoadmapFactory(territory=other_territory))
    ActionFactory(axis=elsewhere, title="Action d'ailleurs", to_discuss=True)
    assert actions_to_discuss(territory=territory) == [flagged]
    assert actions_to_discuss(territory=other_territory)[0].title == "Action d'ailleurs"


def test_actions_to_discuss_take_one_query_with_their_links(territory, django_assert_num_queries):
    axis = AxisFactory(roadmap=RoadmapFactory(territory=territory))
    for number in range(5):
        ActionFactory(axis=axis, title=f"Action {number}", to_discuss=True)
    # 1 actions with axis, roadmap and territory (their str and URL need nothing more)
    with django_assert_num_queries(1):
        actions = actions_to_discuss(territory=territory)
        assert [str(a) for a in actions] and all(a.get_absolute_url() for a in actions)


def test_a_query_error_reaches_the_caller(territory, monkeypatch):
    """The agenda used to swallow FieldError: a renamed field silently emptied it. Now the
    error reaches the page (a 500 the tests see), never an empty agenda."""

    def renamed(**lookups):
        raise FieldError("Cannot resolve keyword 'to_discuss' into field.")

    monkeypatch.setattr(Action.objects, "filter", renamed)
    with pytest.raises(FieldError):
        actions_to_discuss(territory=territory)
