"""Reads of SLA state reused by case search, pages and indicators."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from huying.cases.models import Case
from huying.cases.ports import ClockView
from huying.supervision.lookback import lookback_cases
from huying.supervision.models import (
    ClockState,
    Interview,
    InterviewStatus,
    ListedCase,
    SlaClock,
    Slip,
    SlipKind,
    SlipStatus,
    Stage,
)
from huying.workdays.selectors import work_calendar


def case_ids_overdue(*, now: datetime) -> QuerySet:
    """Cases with a clock still running (or paused) past its due time."""
    return SlaClock.objects.filter(
        state__in=[ClockState.RUNNING, ClockState.PAUSED], due_at__lt=now,
    ).values("case_id")


def clocks_overdue(*, county_id: int, now: datetime) -> QuerySet[SlaClock]:
    """A county's clocks still running (or paused) past their due time, the longest overdue
    first, with their case, its matter type and town, and the department: the overdue list
    of the reports. Unlike the board it does not wait for the sweep to mark the breach."""
    return (SlaClock.objects.filter(case__county_id=county_id,
                                    state__in=[ClockState.RUNNING, ClockState.PAUSED],
                                    due_at__lt=now)
            .select_related("case__matter_type", "case__town", "department")
            .defer("case__town__geometry")
            .order_by("due_at", "pk"))


def clocks_of_case(case_id: int) -> QuerySet[SlaClock]:
    return SlaClock.objects.filter(case_id=case_id).select_related("department").order_by(
        "cycle", "department_id", "metric")


def case_clock_views(case: Case, now: datetime) -> list[ClockView]:
    """The SLA clocks of every cycle of a case, as the case detail shows them (provided to
    `cases.ports`); working time left only while a clock still counts."""
    calendar = work_calendar()
    views = []
    for clock in clocks_of_case(case.pk):
        remaining = None
        if clock.state in (ClockState.RUNNING, ClockState.PAUSED):
            remaining = calendar.working_seconds_between(now, clock.due_at)
        views.append(ClockView(clock.assignment_id, clock.department.code, clock.department.name,
                               clock.cycle, clock.metric, clock.due_at, clock.state,
                               clock.stage, remaining))
    return views


# ---------------------------------------------------------------------------------------
# the supervision board


def _county_clocks(county_id: int):
    return SlaClock.objects.filter(case__county_id=county_id,
                                   state__in=[ClockState.RUNNING, ClockState.PAUSED])


def board_breaches(*, county_id: int, department_ids: list[int] | None = None) -> QuerySet:
    """Open clocks past their breach: what is overdue right now."""
    rows = _county_clocks(county_id).filter(stage=Stage.BREACHED)
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    return rows.select_related("case", "department").order_by("due_at")


def board_warnings(*, county_id: int, department_ids: list[int] | None = None) -> QuerySet:
    """Open clocks past a warning level (50 % or 75 %) but not yet overdue."""
    rows = _county_clocks(county_id).filter(stage__in=[Stage.HALF, Stage.THREE_QUARTERS])
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    return rows.select_related("case", "department").order_by("due_at")


def interviews_open(*, county_id: int, department_ids: list[int] | None = None) -> QuerySet:
    rows = Interview.objects.filter(case__county_id=county_id, status=InterviewStatus.SCHEDULED)
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    return rows.select_related("case", "department", "interviewer", "interviewee")


def interviews_list(*, county_id: int, department_ids: list[int] | None = None,
                    status: str | None = None) -> QuerySet:
    rows = Interview.objects.filter(case__county_id=county_id)
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("case", "department", "interviewer", "interviewee")


def slips_list(*, county_id: int, department_ids: list[int] | None = None,
               kind: str | None = None, status: str | None = None) -> QuerySet:
    rows = Slip.objects.filter(county_id=county_id)
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("department", "issued_by")


def slips_awaiting_reply(*, county_id: int, department_ids: list[int] | None = None
                         ) -> QuerySet:
    return slips_list(county_id=county_id, department_ids=department_ids).filter(
        kind__in=[SlipKind.SUPERVISION, SlipKind.WARNING], status=SlipStatus.ISSUED)


def listed_cases(*, county_id: int, active: bool = True) -> QuerySet:
    rows = ListedCase.objects.filter(case__county_id=county_id)
    if active:
        rows = rows.filter(delisted_at__isnull=True)
    return rows.select_related("case", "listed_by")


def board_summary(*, county, now: datetime, department_ids: list[int] | None = None
                  ) -> dict[str, int]:
    """The counters of the supervision board (scoped to departments for department staff)."""
    summary = {
        "breaches": board_breaches(county_id=county.pk, department_ids=department_ids).count(),
        "warnings": board_warnings(county_id=county.pk, department_ids=department_ids).count(),
        "interviews_open": interviews_open(county_id=county.pk,
                                           department_ids=department_ids).count(),
        "slips_awaiting_reply": slips_awaiting_reply(county_id=county.pk,
                                                     department_ids=department_ids).count(),
    }
    if department_ids is None:
        summary["listed_cases"] = listed_cases(county_id=county.pk).count()
        summary["lookback"] = lookback_cases(county=county, now=now).count()
    return summary
