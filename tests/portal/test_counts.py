"""The small-count rule shared by every page and file that publishes counts of people."""

import pytest

from portal.counts import shown_count


@pytest.mark.parametrize(
    "value,shown", [(0, 0), (1, "moins de 5"), (4, "moins de 5"), (5, 5), (123, 123)]
)
def test_counts_under_five_are_never_shown_as_numbers(value, shown):
    assert (str(shown_count(value)) if isinstance(shown, str) else shown_count(value)) == shown
