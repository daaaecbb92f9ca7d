"""What the case reads need from the apps above `cases`, filled in by those apps.

A case's detail shows its SLA clocks and the case search filters on "overdue"; both are
answered by supervision, which `cases` must not import. Supervision provides the two
readers in its `AppConfig.ready()`; until then asking raises, so a missing provider is a loud
configuration error, never a silently empty answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from huying.cases.models import Case


@dataclass(frozen=True)
class ClockView:
    """One SLA clock as the case detail shows it."""

    assignment_id: int
    department_code: str
    department_name: str
    cycle: int
    metric: str
    due_at: datetime
    state: str
    stage: int
    working_seconds_remaining: float | None


ClocksReader = Callable[[Case, datetime], list[ClockView]]
OverdueReader = Callable[[datetime], QuerySet]

_providers: dict[str, Callable] = {}


def provide(*, case_clocks: ClocksReader, case_ids_overdue: OverdueReader) -> None:
    """Called once by the app that keeps the clocks (supervision)."""
    _providers["case_clocks"] = case_clocks
    _providers["case_ids_overdue"] = case_ids_overdue


def _provider(name: str) -> Callable:
    try:
        return _providers[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No app provides {name!r} to huying.cases.ports (is huying.supervision in "
            "INSTALLED_APPS?)") from None


def case_clocks(case: Case, *, now: datetime) -> list[ClockView]:
    """The SLA clocks of every cycle of the case."""
    return _provider("case_clocks")(case, now)


def case_ids_overdue(*, now: datetime) -> QuerySet:
    """Ids of the cases with an open clock past its breach, as a subquery."""
    return _provider("case_ids_overdue")(now)
