from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from huying.workdays.calendar import WorkCalendar
from huying.workdays.library import library_days

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """An instant on the Shanghai wall clock, e.g. at("2025-09-30 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def library_only_calendar(extra: dict[date, bool] | None = None) -> WorkCalendar:
    """A calendar straight from the library (no database), plus optional admin days."""
    def load_year(year: int) -> dict[date, bool]:
        days = {d.date: d.is_workday for d in library_days(year)}
        days.update({d: w for d, w in (extra or {}).items() if d.year == year})
        return days
    return WorkCalendar(tz="Asia/Shanghai", load_year=load_year)


@pytest.fixture
def calendar_admin(django_user_model):
    return django_user_model.objects.create_user(username="calendar-admin", is_staff=True)


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user(username="grid-worker")
