"""Data shared by the benchmarks and the query-budget tests (no test module is imported here).

`build_large` fills a roadmap with 1,000 actions: bench/roadmaps_dashboard.py times the pages on
it, tests/roadmaps/test_queries.py proves their query count does not grow with it.
"""

import datetime

from roadmaps.models import Action, Axis, Indicator, IndicatorValue, ProgressUpdate, Step


def build_large(roadmap, axes=20, actions=50, steps=10, late_every=25):
    """20 axes × 50 actions × 10 steps, with bulk_create to keep the test fast.

    One action in `late_every` ended in 2023 (late unless done), the others end in 2031.
    """
    created_axes = Axis.objects.bulk_create(
        Axis(roadmap=roadmap, number=n, title=f"Axe {n}") for n in range(10, 10 + axes)
    )
    created_actions = Action.objects.bulk_create(
        Action(
            axis=axis,
            number=n,
            title=f"Action {axis.number}.{n}",
            status=Action.Status.values[n % 6],
            start_date=datetime.date(2022, 1, 1),
            end_date=datetime.date(2023 if n % late_every == 0 else 2031, 6, 30),
            to_discuss=n % 7 == 0,
        )
        for axis in created_axes
        for n in range(1, actions + 1)
    )
    Step.objects.bulk_create(
        Step(action=action, title=f"Étape {n}", done=n % 3 == 0)
        for action in created_actions
        for n in range(steps)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(action=action, label="Participants", baseline=0, target=100)
        for action in created_actions[::10]
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, date=datetime.date(2023, m, 1), value=m * 10)
        for indicator in indicators
        for m in range(1, 4)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(action=action, date=datetime.date(2023, 1, 1), note="RAS")
        for action in created_actions[::5]
    )
