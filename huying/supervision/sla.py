"""SLA clocks: start, stop, pause, extend — and the sweep that fires warnings and breaches.

Called by `supervision/subscribers.py` on the case lifecycle's domain events, inside the
case action's transaction, and by the periodic sweep. Every instant is computed with the
working calendar of one operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from huying.cases.models import Assignment, Case
from huying.catalog.models import LimitUnit, MatterType
from huying.catalog.rules import strictest_limit
from huying.supervision import effects
from huying.supervision.models import ClockState, Metric, SlaClock, Stage
from huying.workdays.calendar import WorkCalendar
from huying.workdays.selectors import work_calendar

METRICS = (Metric.SIGN, Metric.RESPOND, Metric.COMPLETE)
OPEN_STATES = (ClockState.RUNNING, ClockState.PAUSED)


def urgent_limits() -> dict[str, tuple[Decimal, str]]:
    """Limits that apply to every case marked urgent, whatever its type (configurable)."""
    configured = getattr(settings, "HUYING_URGENT_LIMITS", None) or {
        Metric.SIGN: ("1", LimitUnit.NATURAL_HOURS),
        Metric.RESPOND: ("1", LimitUnit.WORKING_DAYS),
        Metric.COMPLETE: ("3", LimitUnit.WORKING_DAYS),
    }
    return {metric: (Decimal(amount), unit) for metric, (amount, unit) in configured.items()}


def limit_for(matter: MatterType, metric: str, *, urgent: bool, start: datetime,
              calendar: WorkCalendar) -> tuple[Decimal, str]:
    """The limit that applies: the matter type's, or a shorter one for urgent cases
    (时限就低 — the shortest real deadline wins)."""
    candidates = [matter.limit(metric)]
    if urgent:
        candidates.append(urgent_limits()[metric])
    return strictest_limit(candidates,
                           deadline_for=lambda amount, unit: calendar.add(start, amount, unit))


def fraction_point(calendar: WorkCalendar, start: datetime, due: datetime, unit: str,
                   fraction: float) -> datetime:
    """The instant when `fraction` of the allowed time has been used, measured in the same
    kind of time as the limit (working time for working units)."""
    if unit == LimitUnit.NATURAL_HOURS:
        return start + (due - start) * fraction
    total = calendar.working_seconds_between(start, due)
    return calendar.add_working_seconds(calendar.next_working_instant(start), total * fraction)


def next_check(clock: SlaClock) -> datetime | None:
    if clock.state != ClockState.RUNNING:
        return None
    return {Stage.NONE: clock.warn_half_at, Stage.HALF: clock.warn_three_quarters_at,
            Stage.THREE_QUARTERS: clock.due_at}.get(Stage(clock.stage))


def clock_schedule(clock: SlaClock, calendar: WorkCalendar) -> None:
    """(Re)compute due time and warning points from start, limit, pauses and extensions."""
    due = calendar.add(clock.started_at, clock.limit_amount, clock.limit_unit)
    if clock.extended_days:
        due = calendar.extend_by_working_days(due, clock.extended_days)
    if clock.paused_seconds:
        due = shift(calendar, due, clock.paused_seconds, clock.limit_unit)
    clock.due_at = due
    clock.warn_half_at = fraction_point(calendar, clock.started_at, due, clock.limit_unit, 0.5)
    clock.warn_three_quarters_at = fraction_point(calendar, clock.started_at, due,
                                                  clock.limit_unit, 0.75)
    clock.next_check_at = next_check(clock)


def shift(calendar: WorkCalendar, moment: datetime, seconds: float, unit: str) -> datetime:
    if unit == LimitUnit.NATURAL_HOURS:
        return moment + timedelta(seconds=seconds)
    return calendar.add_working_seconds(moment, seconds)


def clocks_start(*, assignment: Assignment, now: datetime,
                 calendar: WorkCalendar | None = None) -> list[SlaClock]:
    calendar = calendar or work_calendar()
    case = assignment.case
    clocks = []
    for metric in METRICS:
        amount, unit = limit_for(case.matter_type, metric, urgent=case.urgent, start=now,
                                 calendar=calendar)
        clock = SlaClock(assignment=assignment, case=case, department=assignment.department,
                         cycle=assignment.cycle, metric=metric, limit_amount=amount,
                         limit_unit=unit, started_at=now)
        clock_schedule(clock, calendar)
        clocks.append(clock)
    return SlaClock.objects.bulk_create(clocks)


def clock_stop(*, assignment: Assignment, metric: str | tuple[str, ...], now: datetime
               ) -> None:
    """Stop the open clocks of `metric` (one or several: one statement either way)."""
    metrics = (metric,) if isinstance(metric, str) else metric
    SlaClock.objects.filter(assignment=assignment, metric__in=metrics,
                            state__in=OPEN_STATES).update(
        state=ClockState.STOPPED, stopped_at=now, next_check_at=None)


def clocks_cancel(*, assignment: Assignment, now: datetime) -> None:
    SlaClock.objects.filter(assignment=assignment, state__in=OPEN_STATES).update(
        state=ClockState.CANCELLED, stopped_at=now, next_check_at=None)


def clock_extend(*, assignment: Assignment, extra_days: int, now: datetime) -> None:
    """An approved extension moves the completion due time by working days. A breach that
    already happened stays on the record."""
    calendar = work_calendar()
    for clock in SlaClock.objects.select_for_update().filter(
            assignment=assignment, metric=Metric.COMPLETE, state__in=OPEN_STATES):
        clock.extended_days += extra_days
        clock_schedule(clock, calendar)
        clock.save()


def clocks_pause(*, case: Case, now: datetime) -> None:
    SlaClock.objects.filter(case=case, cycle=case.cycle, state=ClockState.RUNNING).update(
        state=ClockState.PAUSED, paused_at=now, next_check_at=None)


def clocks_resume(*, case: Case, now: datetime) -> None:
    """Suspension (挂账) does not count: each clock gets back the time it was paused,
    measured in its own kind of time."""
    calendar = work_calendar()
    for clock in SlaClock.objects.select_for_update().filter(case=case,
                                                            state=ClockState.PAUSED):
        if clock.limit_unit == LimitUnit.NATURAL_HOURS:
            paused = (now - clock.paused_at).total_seconds()
        else:
            paused = calendar.working_seconds_between(clock.paused_at, now)
        clock.paused_seconds += max(paused, 0)
        clock.paused_at = None
        clock.state = ClockState.RUNNING
        clock_schedule(clock, calendar)
        clock.save()


# ---------------------------------------------------------------------------------------
# the sweep


@dataclass
class SweepResult:
    examined: int = 0
    fired: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})

    @property
    def total(self) -> int:
        return sum(self.fired.values())


def stage_reached(clock: SlaClock, now: datetime) -> int:
    if now >= clock.due_at:
        return Stage.BREACHED
    if now >= clock.warn_three_quarters_at:
        return Stage.THREE_QUARTERS
    if now >= clock.warn_half_at:
        return Stage.HALF
    return Stage.NONE


def sla_sweep_due(*, now: datetime, batch: int = 500) -> SweepResult:
    """Fire every warning level and breach that is due, each exactly once.

    Safe to run in several processes at once: a level is claimed by a conditional UPDATE
    (`stage` must still be the previous level), and only the process whose UPDATE changed
    the row fires it.
    """
    result = SweepResult()
    seen: set[int] = set()
    while True:
        # The partial index on next_check_at answers this without touching clocks that are
        # not due, however many are open.
        due = [pk for pk in SlaClock.objects.filter(
            next_check_at__lte=now, state=ClockState.RUNNING,
        ).order_by("next_check_at").values_list("pk", flat=True)[:batch] if pk not in seen]
        if not due:
            return result
        for pk in due:
            seen.add(pk)
            result.examined += 1
            clock_fire_due_levels(pk=pk, now=now, result=result)


def clock_fire_due_levels(*, pk: int, now: datetime, result: SweepResult) -> None:
    clock = SlaClock.objects.filter(pk=pk).first()
    if clock is None or clock.state != ClockState.RUNNING:
        return
    target = stage_reached(clock, now)
    for level in range(clock.stage + 1, target + 1):
        with transaction.atomic():
            clock.stage = level
            updates = {"stage": level, "next_check_at": next_check(clock)}
            if level == Stage.BREACHED:
                updates["breached_at"] = now
            claimed = SlaClock.objects.filter(
                Q(pk=pk, stage=level - 1, state=ClockState.RUNNING)).update(**updates)
            if claimed != 1:
                return  # another worker fired this level, or the clock stopped meanwhile
            for name, value in updates.items():
                setattr(clock, name, value)
            effects.level_fired(clock=clock, level=level, now=now)
            result.fired[level] += 1
