"""A Paginator whose count stops at a bound: counting every match of a large list reads every
match (100,000 partners in the national directory), while nobody pages through 50 pages."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_BOUND = 1001  # one more than the results reachable by pages (50 pages of 20)


class BoundedPaginator(Paginator):
    """Counts at most `bound` matches, in ONE query:
    `SELECT COUNT(*) FROM (SELECT pk ... LIMIT bound)`.

    `count` is the number of results reachable by pages: the exact count below the bound,
    `bound - 1` at or above it, with `has_more` true: the page then says « Plus de 1 000 »
    and pages beyond the last reachable one show the last (as `get_page` does).
    """

    def __init__(self, object_list, per_page, *, bound=None, probe=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.bound = bound or COUNT_BOUND
        self.probe = max(probe or 0, self.bound)

    @cached_property
    def counted(self):
        """The matches counted, at most `probe` (`bound` unless a caller needs to know more:
        the directory, whether the matches are few enough to sort apart)."""
        return self.object_list.order_by().values("pk")[: self.probe].count()

    @cached_property
    def count(self):
        return min(self.counted, self.bound - 1)

    @cached_property
    def has_more(self):
        """True when more results match than `count` says (the bound was reached)."""
        return self.counted >= self.bound
