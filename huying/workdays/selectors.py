"""Reads of the working calendar: the per-operation `WorkCalendar`, the working hours and
whether a year's official schedule is present."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.common import memo
from huying.workdays.calendar import WorkCalendar
from huying.workdays.library import library_covers
from huying.workdays.models import CalendarDay, CalendarSource, WorkingHours

DEFAULT_WARNING_WEEKS = 8


def working_hours_current() -> WorkingHours:
    """The stored working hours, or the unsaved defaults (08:30–12:00, 13:30–17:30)."""
    return (WorkingHours.objects.filter(pk=WorkingHours.SINGLETON_PK).first()
            or WorkingHours(pk=WorkingHours.SINGLETON_PK))


def calendar_explicit_days(year: int) -> dict[date, bool]:
    """Every recorded day of `year` (one query): date → is it a working day."""
    return dict(CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
                .values_list("date", "is_workday"))


CALENDAR = "calendar"  # the memo group of the working hours and the calendar days


def _remembered_year(year: int) -> dict[date, bool]:
    return memo.remembered(CALENDAR, ("year", year), lambda: calendar_explicit_days(year))


def work_calendar() -> WorkCalendar:
    """A calendar for one operation (a request, one sweep run). The working hours and each
    year's days are remembered between operations (`common.memo`: forgotten when an
    administrator changes either), so a step of the lifecycle reads neither."""
    periods = memo.remembered(CALENDAR, "hours", lambda: working_hours_current().periods())
    return WorkCalendar(periods=periods, tz=settings.TIME_ZONE, load_year=_remembered_year)


def calendar_year_status(year: int) -> tuple[bool, str]:
    """Whether `year`'s official schedule is in the table, and a sentence saying so.

    Covered means the library's rows for the year are seeded, or an administrator has
    entered at least one rest day (holiday) in it.
    """
    rows = CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    library_rows = rows.filter(source=CalendarSource.LIBRARY).count()
    admin_rows = rows.filter(source=CalendarSource.ADMIN).count()
    admin_holidays = rows.filter(source=CalendarSource.ADMIN, is_workday=False).count()
    if library_rows:
        return True, _(
            "%(year)d: official schedule from the calendar library (%(library)d days, %(admin)d administrator entries)."  # noqa: E501
        ) % {
            "year": year, "library": library_rows, "admin": admin_rows}
    if admin_holidays:
        return True, _("%(year)d: schedule entered by administrators (%(admin)d days).") % {
            "year": year, "admin": admin_rows}
    if library_covers(year):
        return False, _(
            "%(year)d: the calendar library has this year's schedule but it is not loaded; run “huying calendar seed --years %(year)d”."  # noqa: E501
        ) % {
            "year": year}
    return False, _(
        "The %(year)d holiday schedule is missing: deadlines in %(year)d count Monday to Friday as working days until an administrator enters the official holidays and make-up workdays (admin “Calendar days”, or “huying calendar set”)."  # noqa: E501
    ) % {"year": year}


def calendar_schedule_warning(*, now: datetime,
                              weeks_ahead: int | None = DEFAULT_WARNING_WEEKS) -> str | None:
    """A warning when this year's schedule is missing, or next year's is and `now` is within
    `weeks_ahead` weeks of 1 January (always, when `weeks_ahead` is None); else None."""
    today = timezone.localtime(now).date()
    covered, message = calendar_year_status(today.year)
    if not covered:
        return message
    next_year = today.year + 1
    if weeks_ahead is not None and date(next_year, 1, 1) - today > timedelta(weeks=weeks_ahead):
        return None
    covered, message = calendar_year_status(next_year)
    return None if covered else message
