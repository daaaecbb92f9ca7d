"""The library schedule in the table: present after migrate, and never over admin entries."""

from __future__ import annotations

from datetime import date

import pytest

from huying.workdays.models import CalendarDay, CalendarSource, WorkingHours
from huying.workdays.selectors import work_calendar
from huying.workdays.services import calendar_override_set, calendar_seed_from_library
from huying.workdays.tests.conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-11-22 10:00")


def test_a_freshly_migrated_database_has_the_library_years_and_default_hours():
    assert CalendarDay.objects.filter(date__year=2004).exists()
    assert CalendarDay.objects.get(date=date(2025, 10, 11)).is_workday
    hours = WorkingHours.objects.get()
    assert str(hours) == "08:30–12:00, 13:30–17:30"


def test_the_database_calendar_gives_the_national_day_deadline_without_extra_steps():
    assert work_calendar().add(at("2025-09-30 10:00"), 5, "working_days") == at(
        "2025-10-14 17:30")


def test_seeding_keeps_admin_rows_and_repairs_changed_library_rows():
    calendar_override_set(actor=None, day=date(2025, 10, 8), is_workday=True,
                          reason="county duty day", now=NOW)
    CalendarDay.objects.filter(date=date(2025, 10, 11)).update(is_workday=False)
    report = calendar_seed_from_library(years=[2025], now=NOW)
    kept = CalendarDay.objects.get(date=date(2025, 10, 8))
    assert (kept.source, kept.is_workday) == (CalendarSource.ADMIN, True)
    assert CalendarDay.objects.get(date=date(2025, 10, 11)).is_workday
    assert (report.updated, report.kept_admin) == (1, 1)


def test_seeding_twice_changes_nothing_and_reports_uncovered_years():
    calendar_seed_from_library(now=NOW)
    count = CalendarDay.objects.count()
    report = calendar_seed_from_library(years=[2026, 2027], now=NOW)
    assert CalendarDay.objects.count() == count
    assert (report.created, report.updated, report.removed) == (0, 0, 0)
    assert report.years_not_covered == [2027]


def test_seeding_removes_library_rows_the_library_no_longer_lists():
    CalendarDay.objects.create(date=date(2025, 3, 3), is_workday=False, name="bogus",
                               source=CalendarSource.LIBRARY, updated_at=NOW)
    calendar_seed_from_library(years=[2025], now=NOW)
    assert not CalendarDay.objects.filter(date=date(2025, 3, 3)).exists()


def test_a_calendar_loads_each_year_with_one_query(django_assert_num_queries):
    calendar = work_calendar()
    with django_assert_num_queries(2):
        calendar.add(at("2025-12-25 10:00"), 30, "working_days")  # 2025 and 2026
    with django_assert_num_queries(0):
        calendar.add(at("2025-01-02 10:00"), 60, "working_hours")
