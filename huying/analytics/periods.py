"""Reporting periods (日、周、半月、月) as half-open [start, end) instants in Asia/Shanghai."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.common.errors import ValidationFailed

DAY, WEEK, HALF_MONTH, MONTH = "day", "week", "half_month", "month"
PERIOD_KINDS = {DAY: gettext_lazy("Day"), WEEK: gettext_lazy("Week"),
                HALF_MONTH: gettext_lazy("Half month"), MONTH: gettext_lazy("Month")}


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def period_days(kind: str, day: date) -> tuple[date, date]:
    """The first day of the period containing `day` and the first day after it."""
    if kind == DAY:
        return day, day + timedelta(days=1)
    if kind == WEEK:
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=7)
    last = pycalendar.monthrange(day.year, day.month)[1]
    next_month = date(day.year, day.month, last) + timedelta(days=1)
    if kind == HALF_MONTH:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=16)
        return day.replace(day=16), next_month
    if kind == MONTH:
        return day.replace(day=1), next_month
    raise ValidationFailed(_("Unknown period %(kind)s: use day, week, half_month or month.")
                           % {"kind": kind}, field="period")


def period_bounds(kind: str, day: date) -> tuple[datetime, datetime]:
    """[start, end) of the day, week (Monday first), half month (1–15, 16–end) or month
    containing `day`, as aware instants in the platform's time zone."""
    first, after = period_days(kind, day)
    tz = _tz()
    return (datetime.combine(first, time.min, tzinfo=tz),
            datetime.combine(after, time.min, tzinfo=tz))


def period_label(kind: str, day: date) -> str:
    """"2026年11月上半月", "2026年11月", "2026年11月9日至11月15日", "2026年11月15日"."""
    first, after = period_days(kind, day)
    last = after - timedelta(days=1)
    values = {"year": first.year, "month": first.month, "day": first.day,
              "last_month": last.month, "last_day": last.day}
    if kind == DAY:
        return _("%(year)d-%(month)02d-%(day)02d") % values
    if kind == WEEK:
        return _("%(year)d-%(month)02d-%(day)02d to %(last_month)02d-%(last_day)02d") % values
    if kind == HALF_MONTH:
        if first.day == 1:
            return _("first half of %(year)d-%(month)02d") % values
        return _("second half of %(year)d-%(month)02d") % values
    return _("%(year)d-%(month)02d") % values
