"""Is next year's schedule there, and when are administrators warned that it is not."""

from __future__ import annotations

import pytest

from huying.workdays.models import CalendarDay
from huying.workdays.selectors import calendar_schedule_warning, calendar_year_status
from huying.workdays.services import calendar_override_set
from huying.workdays.tests.conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-11-22 10:00")


def test_a_library_year_is_covered():
    covered, message = calendar_year_status(2026)
    assert covered and "2026" in message


def test_2027_is_missing_until_an_admin_enters_a_holiday():
    covered, message = calendar_year_status(2027)
    assert not covered and "2027" in message
    calendar_override_set(actor=None, day="2027-01-01", is_workday=False, reason="x", now=NOW)
    assert calendar_year_status(2027)[0]


def test_an_admin_make_up_workday_alone_does_not_cover_a_year():
    calendar_override_set(actor=None, day="2027-02-06", is_workday=True, reason="x", now=NOW)
    assert not calendar_year_status(2027)[0]


def test_a_library_year_not_loaded_asks_for_seeding():
    CalendarDay.objects.filter(date__year=2026).delete()
    covered, message = calendar_year_status(2026)
    assert not covered and "seed" in message


def test_the_warning_starts_eight_weeks_before_a_missing_year():
    assert calendar_schedule_warning(now=at("2026-10-01 10:00")) is None
    assert "2027" in calendar_schedule_warning(now=at("2026-11-22 10:00"))
    assert "2027" in calendar_schedule_warning(now=at("2026-10-01 10:00"), weeks_ahead=None)


def test_no_warning_once_next_year_is_entered():
    calendar_override_set(actor=None, day="2027-01-01", is_workday=False, reason="x", now=NOW)
    assert calendar_schedule_warning(now=NOW) is None


def test_a_missing_current_year_always_warns():
    assert "2027" in calendar_schedule_warning(now=at("2027-03-01 10:00"))
