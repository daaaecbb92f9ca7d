"""Properties of the deadline arithmetic over the real calendar, for any start and amount."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from huying.workdays.tests.conftest import SHANGHAI, library_only_calendar

CALENDAR = library_only_calendar()
starts = st.datetimes(min_value=datetime(2025, 9, 1), max_value=datetime(2027, 2, 1)).map(
    lambda moment: moment.replace(microsecond=0, tzinfo=SHANGHAI))
hours = st.decimals(min_value=0, max_value=200, places=2)
units = st.sampled_from(["natural_hours", "working_hours", "working_days"])


@given(start=starts, amount=hours)
def test_the_working_time_from_start_to_due_equals_the_working_hours_limit(start, amount):
    due = CALENDAR.add(start, amount, "working_hours")
    assert abs(CALENDAR.working_seconds_between(start, due) - float(amount) * 3600) < 1e-3
    assert CALENDAR.working_seconds_between(due, start) == -CALENDAR.working_seconds_between(
        start, due)


@given(start=starts, a=hours, b=hours, unit=units)
def test_the_due_instant_never_decreases_as_the_limit_grows(start, a, b, unit):
    low, high = sorted([a, b])
    assert CALENDAR.add(start, low, unit) <= CALENDAR.add(start, high, unit)
    assert CALENDAR.add(start, low, unit) >= start


@given(start=starts, days=st.integers(min_value=1, max_value=30))
def test_a_working_days_limit_ends_at_the_close_of_a_working_day(start, days):
    due = CALENDAR.add(start, days, "working_days")
    assert CALENDAR.is_workday(due.date())
    assert (due.hour, due.minute) == (17, 30)
    # One more working day is exactly one working day's worth of working time later.
    later = CALENDAR.add(start, Decimal(days + 1), "working_days")
    assert CALENDAR.working_seconds_between(due, later) == CALENDAR.seconds_per_day
    assert later - due >= timedelta(hours=15)
