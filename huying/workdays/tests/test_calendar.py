"""Deadline arithmetic (huying.workdays.calendar) against the real 2025/2026 schedules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from huying.workdays.calendar import WorkCalendar
from huying.workdays.library import library_days
from huying.workdays.tests.conftest import at, library_only_calendar


def test_five_working_days_from_the_eve_of_national_day_2025_end_at_the_close_of_oct_14():
    calendar = library_only_calendar()
    assert calendar.add(at("2025-09-30 10:00"), 5, "working_days") == at("2025-10-14 17:30")


def test_national_day_2025_holidays_and_the_saturday_make_up_day():
    calendar = library_only_calendar()
    assert not any(calendar.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert calendar.is_workday(date(2025, 10, 11))  # Saturday, 调休上班
    assert not calendar.is_workday(date(2025, 10, 12))


def test_spring_festival_2026_matches_the_library_schedule():
    days = {d.date: d.is_workday for d in library_days(2026)}
    assert [d for d in days if not days[d] and d.month == 2] == [
        date(2026, 2, d) for d in range(15, 24)]
    make_up = sorted(d for d in days if days[d] and d.month == 2)
    assert make_up == [date(2026, 2, 14), date(2026, 2, 28)]
    assert [d.weekday() for d in make_up] == [5, 5]  # both Saturdays


def test_working_days_across_spring_festival_2026_count_the_make_up_saturdays():
    calendar = library_only_calendar()
    start = at("2026-02-13 10:00")  # Friday before the holiday
    assert calendar.add(start, 1, "working_days") == at("2026-02-14 17:30")
    assert calendar.add(start, 2, "working_days") == at("2026-02-24 17:30")
    assert calendar.add(at("2026-02-27 17:00"), 1, "working_hours") == at("2026-02-28 09:00")


def test_a_deadline_crossing_into_2027_uses_the_weekday_rule_without_error():
    calendar = library_only_calendar()
    assert calendar.add(at("2026-12-28 10:00"), 5, "working_days") == at("2027-01-04 17:30")


def test_an_admin_holiday_on_2027_01_01_moves_the_deadline():
    calendar = library_only_calendar({date(2027, 1, 1): False})
    assert calendar.add(at("2026-12-28 10:00"), 5, "working_days") == at("2027-01-05 17:30")


def test_working_hours_skip_the_lunch_break():
    calendar = library_only_calendar()
    assert calendar.add(at("2025-09-16 11:00"), 2, "working_hours") == at("2025-09-16 14:30")


def test_working_hours_that_use_up_the_morning_end_at_noon_not_after_lunch():
    calendar = library_only_calendar()
    assert calendar.add(at("2025-09-16 08:30"), 3.5, "working_hours") == at("2025-09-16 12:00")


def test_working_hours_skip_the_weekend():
    calendar = library_only_calendar()
    assert calendar.add(at("2025-09-19 16:30"), 3, "working_hours") == at("2025-09-22 10:30")


def test_working_hours_started_on_a_saturday_count_from_monday_morning():
    calendar = library_only_calendar()
    assert calendar.add(at("2025-09-20 15:00"), 1, "working_hours") == at("2025-09-22 09:30")


def test_working_days_started_in_the_evening_count_from_the_next_working_day():
    calendar = library_only_calendar()
    # 18:00 Tue → starts 08:30 Wed; one working day after Wed is Thu.
    assert calendar.add(at("2025-09-16 18:00"), 1, "working_days") == at("2025-09-18 17:30")
    # Before 08:30 the day's own morning period is the next one, so Tue is the start day.
    assert calendar.add(at("2025-09-16 07:00"), 1, "working_days") == at("2025-09-17 17:30")


def test_half_a_working_day_is_half_a_day_of_working_hours_after_the_start_day():
    calendar = library_only_calendar()
    # End of Tue, then 3.75 working hours: 08:30–12:00 Wed (3.5 h) and 13:30–13:45.
    assert calendar.add(at("2025-09-16 10:00"), Decimal("0.5"), "working_days") == at(
        "2025-09-17 13:45")
    assert calendar.add(at("2025-09-16 10:00"), 0, "working_days") == at("2025-09-16 17:30")


def test_natural_hours_are_plain_elapsed_time_through_holidays():
    calendar = library_only_calendar()
    assert calendar.add(at("2025-09-30 22:00"), 4, "natural_hours") == at("2025-10-01 02:00")


def test_an_instant_given_in_utc_is_read_on_the_shanghai_clock():
    calendar = library_only_calendar()
    start = datetime(2025, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    due = calendar.add(start, 5, "working_days")
    assert due == at("2025-10-14 17:30")
    assert due.utcoffset().total_seconds() == 8 * 3600


def test_next_working_instant_is_the_moment_itself_inside_a_period():
    calendar = library_only_calendar()
    assert calendar.next_working_instant(at("2025-09-16 10:00")) == at("2025-09-16 10:00")
    assert calendar.next_working_instant(at("2025-09-16 12:00")) == at("2025-09-16 13:30")
    assert calendar.next_working_instant(at("2025-09-30 17:30")) == at("2025-10-09 08:30")


def test_working_time_between_is_negative_when_the_end_is_before_the_start():
    calendar = library_only_calendar()
    a, b = at("2025-09-16 10:00"), at("2025-09-17 10:00")
    assert calendar.working_hours_between(a, b) == 7.5
    assert calendar.working_hours_between(b, a) == -7.5
    assert calendar.working_seconds_between(a, a) == 0


def test_working_time_between_ignores_the_national_day_holiday():
    calendar = library_only_calendar()
    assert calendar.working_hours_between(at("2025-09-30 17:00"), at("2025-10-09 09:00")) == 1


def test_custom_working_hours_are_used():
    calendar = WorkCalendar(periods=[(time(9, 0), time(12, 0)), (time(14, 0), time(18, 0))])
    assert calendar.add(at("2025-09-16 11:00"), 2, "working_hours") == at("2025-09-16 15:00")


def test_naive_datetimes_negative_amounts_and_unknown_units_are_refused():
    calendar = library_only_calendar()
    with pytest.raises(ValueError):
        calendar.add(datetime(2025, 9, 16, 10), 1, "working_hours")
    with pytest.raises(ValueError):
        calendar.add(at("2025-09-16 10:00"), -1, "working_hours")
    with pytest.raises(ValueError):
        calendar.add(at("2025-09-16 10:00"), 1, "fortnights")


def test_disordered_working_periods_are_refused():
    with pytest.raises(ValueError):
        WorkCalendar(periods=[(time(13, 30), time(17, 30)), (time(8, 30), time(12, 0))])


def test_extending_a_due_at_the_close_of_a_day_by_one_working_day_gives_the_next_close():
    calendar = library_only_calendar()
    assert calendar.extend_by_working_days(at("2025-09-30 17:30"), 1) == at("2025-10-09 17:30")
    assert calendar.extend_by_working_days(at("2025-09-16 10:00"), 2) == at("2025-09-18 10:00")
