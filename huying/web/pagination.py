"""Pages of a list whose total is counted only up to a cap (`common/counting.py`): past it
the list says "more than 10,000" and the pages beyond the cap are not offered."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

from huying.common.counting import COUNT_CAP, count_capped


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return count_capped(rows, self.cap)
        return min(len(rows), self.cap), len(rows) > self.cap

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self._counted[0]

    @property
    def capped(self) -> bool:
        """More rows than the cap: the count shown is a lower bound."""
        return self._counted[1]


def page_of(rows, size: int, number: str | None):
    return CappedPaginator(rows, size).get_page(number)
