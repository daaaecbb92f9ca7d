"""Calendar days as instants: a day filter becomes a range an index on the column serves
(`reported_at >= start AND reported_at < end`), where `reported_at__date` would not."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local_midnight(day: date) -> datetime:
    """The first instant of `day` in the platform's time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def day_range(first: date | None, last: date | None) -> dict[str, datetime]:
    """Lookups for `field__gte` / `field__lt` covering the days `first`–`last` (inclusive);
    an open end where a day is None."""
    bounds: dict[str, datetime] = {}
    if first is not None:
        bounds["gte"] = local_midnight(first)
    if last is not None:
        bounds["lt"] = local_midnight(last + timedelta(days=1))
    return bounds
