"""Writes to the working calendar. Only administrators (staff or superusers) may change it;
`actor=None` is the system itself (the `huying calendar` command run by an operator on the
server, data migrations)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from django.db import transaction
from django.utils.translation import gettext as _

from huying.common.errors import NotFound, PermissionDenied, ValidationFailed
from huying.org.models import User
from huying.workdays import seeding
from huying.workdays.inputs import parse_clock, parse_day, parse_is_workday
from huying.workdays.library import library_days, library_years
from huying.workdays.models import (
    CalendarDay,
    CalendarSource,
    WorkingHours,
    working_hours_problem,
)
from huying.workdays.seeding import SeedReport


def _ensure_calendar_admin(actor: User | None) -> None:
    if actor is None:
        return
    if not (actor.is_active and (actor.is_superuser or actor.is_staff)):
        raise PermissionDenied(_("Only administrators may change the working calendar."))


@transaction.atomic
def calendar_seed_from_library(*, years: Iterable[int] | None = None, now: datetime,
                               actor: User | None = None,
                               progress: Callable[[int, SeedReport], None] | None = None,
                               ) -> SeedReport:
    """Load the `chinesecalendar` schedule of `years` (default: every year it covers).
    Administrator rows are kept as they are; years the library lacks are reported."""
    _ensure_calendar_admin(actor)
    return seeding.seed_years(CalendarDay, years=sorted(library_years()) if years is None
                              else years, now=now, progress=progress)


@transaction.atomic
def calendar_override_set(*, actor: User | None, day: date | str, is_workday: bool | str,
                          reason: str, now: datetime, name: str = "") -> CalendarDay:
    """Declare `day` a working day or a rest day (a holiday, or 调休上班 on a weekend).
    The entry replaces the library's for that date and survives every later seeding."""
    _ensure_calendar_admin(actor)
    day = parse_day(day)
    is_workday = parse_is_workday(is_workday)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_(
            "Give a reason for the calendar change, e.g. the State Council notice."))
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        row = CalendarDay(date=day)
    row.is_workday = is_workday
    row.name = (name or "").strip() or (row.name if row.pk else "")
    row.source = CalendarSource.ADMIN
    row.reason = reason[:200]
    row.updated_at = now
    row.updated_by = actor
    row.save()
    return row


@transaction.atomic
def calendar_override_clear(*, actor: User | None, day: date | str,
                            now: datetime) -> CalendarDay | None:
    """Remove an administrator's entry for `day`; the library's entry for that date comes back
    when there is one (returned), else the weekday rule applies (None)."""
    _ensure_calendar_admin(actor)
    day = parse_day(day)
    row = CalendarDay.objects.select_for_update().filter(
        date=day, source=CalendarSource.ADMIN).first()
    if row is None:
        raise NotFound(_("No administrator entry for %(day)s.") % {"day": day.isoformat()})
    row.delete()
    entry = next((d for d in library_days(day.year) if d.date == day), None)
    if entry is None:
        return None
    return CalendarDay.objects.create(date=day, is_workday=entry.is_workday, name=entry.name,
                                      source=CalendarSource.LIBRARY,
                                      reason=seeding.SEED_REASON, updated_at=now)


@transaction.atomic
def working_hours_set(*, actor: User | None, morning_start: time | str, morning_end: time | str,
                      afternoon_start: time | str, afternoon_end: time | str,
                      now: datetime) -> WorkingHours:
    """Change the working periods of every working day (the lunch break lies between)."""
    _ensure_calendar_admin(actor)
    times = [parse_clock(t) for t in (morning_start, morning_end, afternoon_start, afternoon_end)]
    problem = working_hours_problem(*times)
    if problem:
        raise ValidationFailed(problem)
    hours, _created = WorkingHours.objects.select_for_update().get_or_create(
        pk=WorkingHours.SINGLETON_PK)
    hours.morning_start, hours.morning_end, hours.afternoon_start, hours.afternoon_end = times
    hours.updated_at = now
    hours.updated_by = actor
    hours.save()
    return hours
