"""Administrators change the calendar through the services; others cannot."""

from __future__ import annotations

from datetime import date, time

import pytest

from huying.common.errors import NotFound, PermissionDenied, ValidationFailed
from huying.workdays.models import CalendarDay, CalendarSource, WorkingHours
from huying.workdays.selectors import work_calendar
from huying.workdays.services import (
    calendar_override_clear,
    calendar_override_set,
    working_hours_set,
)
from huying.workdays.tests.conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-11-22 10:00")


def test_an_admin_enters_2027_new_years_day_and_the_deadline_moves(calendar_admin):
    before = work_calendar().add(at("2026-12-28 10:00"), 5, "working_days")
    row = calendar_override_set(actor=calendar_admin, day="2027-01-01", is_workday="rest",
                                reason="国办发明电〔2026〕X号", name="元旦", now=NOW)
    after = work_calendar().add(at("2026-12-28 10:00"), 5, "working_days")
    assert (before, after) == (at("2027-01-04 17:30"), at("2027-01-05 17:30"))
    assert (row.source, row.updated_by, row.updated_at) == (
        CalendarSource.ADMIN, calendar_admin, NOW)


def test_an_admin_entry_replaces_the_library_row_of_the_same_date(calendar_admin):
    calendar_override_set(actor=calendar_admin, day=date(2025, 10, 11), is_workday=False,
                          reason="typhoon", now=NOW)
    row = CalendarDay.objects.get(date=date(2025, 10, 11))
    assert (row.source, row.is_workday, row.name) == (CalendarSource.ADMIN, False,
                                                      "国庆节（调休上班）")


def test_clearing_an_admin_entry_brings_the_library_row_back(calendar_admin):
    calendar_override_set(actor=calendar_admin, day="2025-10-11", is_workday=False, reason="x",
                          now=NOW)
    restored = calendar_override_clear(actor=calendar_admin, day="2025-10-11", now=NOW)
    assert restored is not None and restored.is_workday
    assert restored.source == CalendarSource.LIBRARY


def test_clearing_an_admin_entry_on_an_ordinary_day_leaves_the_weekday_rule(calendar_admin):
    calendar_override_set(actor=calendar_admin, day="2027-01-01", is_workday=False, reason="x",
                          now=NOW)
    assert calendar_override_clear(actor=calendar_admin, day="2027-01-01", now=NOW) is None
    assert work_calendar().is_workday(date(2027, 1, 1))


def test_clearing_a_day_without_an_admin_entry_is_not_found(calendar_admin):
    with pytest.raises(NotFound):
        calendar_override_clear(actor=calendar_admin, day="2025-10-01", now=NOW)
    assert CalendarDay.objects.get(date=date(2025, 10, 1)).source == CalendarSource.LIBRARY


def test_a_malformed_date_override_is_refused_and_changes_nothing(calendar_admin):
    count = CalendarDay.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        calendar_override_set(actor=calendar_admin, day="2027-02-30", is_workday=False,
                              reason="x", now=NOW)
    assert "2027-02-30" in refused.value.message
    assert "年-月-日" in refused.value.message
    assert CalendarDay.objects.count() == count


def test_an_override_without_a_reason_is_refused(calendar_admin):
    with pytest.raises(ValidationFailed):
        calendar_override_set(actor=calendar_admin, day="2027-01-01", is_workday=False,
                              reason="  ", now=NOW)
    assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


def test_a_non_admin_may_not_change_the_calendar(plain_user):
    with pytest.raises(PermissionDenied):
        calendar_override_set(actor=plain_user, day="2027-01-01", is_workday=False,
                              reason="x", now=NOW)
    with pytest.raises(PermissionDenied):
        working_hours_set(actor=plain_user, morning_start="08:00", morning_end="12:00",
                          afternoon_start="13:00", afternoon_end="17:00", now=NOW)
    assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


def test_changed_working_hours_change_working_hour_deadlines(calendar_admin):
    working_hours_set(actor=calendar_admin, morning_start="09:00", morning_end=time(12, 0),
                      afternoon_start="14:00", afternoon_end="18:00", now=NOW)
    assert work_calendar().add(at("2025-09-16 11:00"), 2, "working_hours") == at(
        "2025-09-16 15:00")


def test_working_hours_out_of_order_are_refused_and_change_nothing(calendar_admin):
    with pytest.raises(ValidationFailed):
        working_hours_set(actor=calendar_admin, morning_start="08:30", morning_end="14:00",
                          afternoon_start="13:30", afternoon_end="17:30", now=NOW)
    with pytest.raises(ValidationFailed):
        working_hours_set(actor=calendar_admin, morning_start="8点半", morning_end="12:00",
                          afternoon_start="13:30", afternoon_end="17:30", now=NOW)
    assert WorkingHours.objects.get().morning_end == time(12, 0)
