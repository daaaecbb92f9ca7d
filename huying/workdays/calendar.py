"""Deadline arithmetic over the working calendar (DESIGN.md "Time and SLAs").

Pure: no database, no clock. A `WorkCalendar` is given the working periods of a day, the
time zone and a function that returns one year's explicit day statuses; it loads each year
the first time a date in it is needed and keeps it for its own lifetime only. Build one per
operation (a request, one sweep run) with `huying.workdays.selectors.work_calendar()` so that
an admin's edit is seen by the next operation in every process.

Units (the values of `huying.catalog.models.LimitUnit`):

* ``natural_hours`` — plain elapsed time.
* ``working_hours`` (工作时) — only time inside a working period of a working day counts;
  the lunch break, evenings, rest days and holidays do not. Fractions are allowed.
* ``working_days`` — "by the end of the Nth working day after the start; a start outside
  working hours counts from the next working period". The start day is the day of the next
  working instant (the start itself when it lies inside a working period); the due instant is
  the end of the last working period of the Nth working day after it. A fraction ``N + f``
  adds ``f`` of one working day's working time after that end, i.e. half a working day
  (7.5 working hours by default → 3.75) into the following working day. So the result
  grows steadily with the amount, and ``N + 1`` lands exactly at the end of the next day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

NATURAL_HOURS = "natural_hours"
WORKING_HOURS = "working_hours"
WORKING_DAYS = "working_days"
UNITS = (NATURAL_HOURS, WORKING_HOURS, WORKING_DAYS)

DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)),
                                                  (time(13, 30), time(17, 30)))

# No real calendar goes this long without a working day; stops a loop if an admin marked
# everything as rest.
_MAX_DAYS_SCANNED = 366 * 30

Amount = Decimal | float | int
YearLoader = Callable[[int], Mapping[date, bool]]


def weekday_rule(day: date) -> bool:
    """The fallback: Monday to Friday work, Saturday and Sunday rest."""
    return day.weekday() < 5


def _no_explicit_days(year: int) -> Mapping[date, bool]:
    return {}


class WorkCalendar:
    """Working days, working periods and deadline arithmetic for one operation."""

    def __init__(self, *, periods: Sequence[tuple[time, time]] = DEFAULT_PERIODS,
                 tz: tzinfo | str = "Asia/Shanghai",
                 load_year: YearLoader = _no_explicit_days) -> None:
        periods = tuple(periods)
        if not periods or any(not start < end for start, end in periods) or any(
                earlier[1] > later[0] for earlier, later in pairwise(periods)):
            raise ValueError(f"working periods must be ordered and non-empty: {periods}")
        self.periods = periods
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._load_year = load_year
        self._years: dict[int, Mapping[date, bool]] = {}
        self.seconds_per_day = sum(
            (datetime.combine(date.min, end) - datetime.combine(date.min, start)).total_seconds()
            for start, end in periods)

    # -- days -------------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        """An explicit row (admin, else library) decides; otherwise the weekday rule."""
        explicit = self._year(day.year).get(day)
        return weekday_rule(day) if explicit is None else explicit

    def _year(self, year: int) -> Mapping[date, bool]:
        if year not in self._years:
            self._years[year] = self._load_year(year)
        return self._years[year]

    def working_days_from(self, day: date):
        """Working days on or after `day`, in order."""
        for offset in range(_MAX_DAYS_SCANNED):
            current = day + timedelta(days=offset)
            if self.is_workday(current):
                yield current
        raise ValueError(f"no working day within {_MAX_DAYS_SCANNED} days of {day}")

    # -- instants ---------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware instant")
        return moment.astimezone(self.tz)

    def _period_bounds(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(datetime.combine(day, start, tzinfo=self.tz),
                 datetime.combine(day, end, tzinfo=self.tz)) for start, end in self.periods]

    def next_working_instant(self, moment: datetime) -> datetime:
        """`moment` itself when inside a working period (start inclusive, end exclusive),
        else the start of the next working period."""
        moment = self.local(moment)
        for day in self.working_days_from(moment.date()):
            for start, end in self._period_bounds(day):
                if moment < end:
                    return max(moment, start)
        raise AssertionError("unreachable")

    def end_of_working_day(self, day: date) -> datetime:
        return datetime.combine(day, self.periods[-1][1], tzinfo=self.tz)

    # -- arithmetic -------------------------------------------------------------------------

    def add(self, start: datetime, amount: Amount, unit: str) -> datetime:
        """The due instant `amount` `unit`s after `start` (see the module docstring)."""
        amount = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
        if amount < 0:
            raise ValueError(f"negative time limit: {amount}")
        if unit == NATURAL_HOURS:
            return self.add_natural_hours(start, amount)
        if unit == WORKING_HOURS:
            return self.add_working_seconds(start, float(amount * 3600))
        if unit == WORKING_DAYS:
            return self.add_working_days(start, amount)
        raise ValueError(f"unknown time limit unit {unit!r}; expected one of {UNITS}")

    def add_natural_hours(self, start: datetime, hours: Amount) -> datetime:
        # Through UTC so that a zone with daylight saving would still add elapsed time.
        elapsed = timedelta(seconds=float(Decimal(str(hours)) * 3600))
        return (self.local(start).astimezone(UTC) + elapsed).astimezone(self.tz)

    def add_working_seconds(self, start: datetime, seconds: float) -> datetime:
        """The instant at which `seconds` of working time have passed since `start`.
        Zero gives the next working instant; a limit that uses up a period exactly ends at
        that period's end (12:00, not 13:30)."""
        if seconds < 0:
            raise ValueError(f"negative working time: {seconds}")
        moment = self.local(start)
        remaining = seconds
        for day in self.working_days_from(moment.date()):
            for period_start, period_end in self._period_bounds(day):
                if moment >= period_end:
                    continue
                begin = max(moment, period_start)
                available = (period_end - begin).total_seconds()
                if remaining <= available:
                    return begin + timedelta(seconds=remaining)
                remaining -= available
        raise AssertionError("unreachable")

    def add_working_days(self, start: datetime, days: Amount) -> datetime:
        days = Decimal(str(days)) if isinstance(days, float) else Decimal(days)
        whole = int(days)
        fraction = days - whole
        start_day = self.next_working_instant(start).date()
        working_days = self.working_days_from(start_day)
        nth = next(working_days)  # the start day itself, counted as day 0
        for _ in range(whole):
            nth = next(working_days)
        due = self.end_of_working_day(nth)
        if fraction:
            due = self.add_working_seconds(due, float(fraction) * self.seconds_per_day)
        return due

    def extend_by_working_days(self, due: datetime, days: Amount) -> datetime:
        """Move an existing due instant later by `days` working days' worth of working time
        (an approved extension 延期). Unlike `add(due, days, "working_days")`, a due at the
        close of Tuesday extended by 1 becomes the close of Wednesday, not Thursday."""
        days = Decimal(str(days)) if isinstance(days, float) else Decimal(days)
        if days < 0:
            raise ValueError(f"negative extension: {days}")
        return self.add_working_seconds(due, float(days) * self.seconds_per_day)

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Working time from `a` to `b` in seconds. Antisymmetric: when `b` is before `a`
        the result is minus the working time from `b` to `a` (so "how much working time is
        left until the due instant" goes negative once it is overdue); zero when equal."""
        a, b = self.local(a), self.local(b)
        if b < a:
            return -self.working_seconds_between(b, a)
        total = 0.0
        day = a.date()
        while day <= b.date():
            if self.is_workday(day):
                for period_start, period_end in self._period_bounds(day):
                    begin, end = max(a, period_start), min(b, period_end)
                    if begin < end:
                        total += (end - begin).total_seconds()
            day += timedelta(days=1)
        return total

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        return self.working_seconds_between(a, b) / 3600
