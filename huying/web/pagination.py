"""Pages of a list whose total is counted only up to a cap.

A county's list at a city's volume holds millions of cases: `COUNT(*)` over all of them costs
more than the page itself, and no one pages past the hundredth page (they filter instead).
The paginator counts at most `COUNT_CAP` + 1 rows (`SELECT COUNT(*) FROM (… LIMIT n)`) and
says "more than 10,000" past it; the pages beyond the cap are not offered.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator

from huying.common.counting import COUNT_CAP


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if hasattr(rows, "count") and hasattr(rows, "query"):
            return rows[:self.cap + 1].count()
        return len(rows)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """More rows than the cap: the count shown is a lower bound."""
        return self._counted > self.cap


def page_of(rows, size: int, number: str | None):
    return CappedPaginator(rows, size).get_page(number)
