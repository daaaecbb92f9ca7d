"""Counting a list only up to a cap: at a city's volume `COUNT(*)` over millions of rows
costs more than the page it goes with, and past 10,000 no one reads on — they filter."""

from __future__ import annotations

from django.db.models import QuerySet

COUNT_CAP = 10_000


def count_capped(rows: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(the count, at most `cap`; whether more rows exist), by `COUNT(*)` over a LIMIT."""
    counted = rows[:cap + 1].count()
    return min(counted, cap), counted > cap
