"""Reads of SLA state reused by case search, pages and indicators."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from huying.supervision.models import ClockState, SlaClock


def case_ids_overdue(*, now: datetime) -> QuerySet:
    """Cases with a clock still running (or paused) past its due time."""
    return SlaClock.objects.filter(
        state__in=[ClockState.RUNNING, ClockState.PAUSED], due_at__lt=now,
    ).values("case_id")


def clocks_of_case(case_id: int) -> QuerySet[SlaClock]:
    return SlaClock.objects.filter(case_id=case_id).select_related("department").order_by(
        "cycle", "department_id", "metric")
