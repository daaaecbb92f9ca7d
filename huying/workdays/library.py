"""What the `chinesecalendar` package (import name `chinese_calendar`) knows.

The package ships the State Council's schedule for the years it covers (2004–2026 in 1.11)
and raises NotImplementedError for any other year; this module hides both facts behind
`library_years()` and `library_days(year)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import chinese_calendar

from huying.workdays.calendar import weekday_rule

# The library's English holiday names → the names shown in the calendar table (data, not UI).
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
MAKE_UP_SUFFIX = "（调休上班）"


@dataclass(frozen=True)
class LibraryDay:
    date: date
    is_workday: bool
    name: str


@cache
def library_years() -> frozenset[int]:
    """The years whose official schedule the installed library contains."""
    return frozenset(day.year for day in (*chinese_calendar.holidays, *chinese_calendar.workdays))


def library_covers(year: int) -> bool:
    return year in library_years()


def _chinese_name(english: str | None) -> str:
    return HOLIDAY_NAMES_ZH.get(english or "", english or "")


def library_days(year: int) -> list[LibraryDay]:
    """Statutory holidays (including those on weekends) and make-up workdays of `year`,
    in date order; empty when the library does not cover the year. Days the library marks
    as rest without naming them (ordinary weekends) are left to the weekday rule."""
    if not library_covers(year):
        return []
    days = [LibraryDay(day, False, _chinese_name(name))
            for day, name in chinese_calendar.holidays.items()
            if day.year == year and name is not None]
    days += [LibraryDay(day, True, _chinese_name(name) + MAKE_UP_SUFFIX)
             for day, name in chinese_calendar.workdays.items()
             if day.year == year and not weekday_rule(day)]
    return sorted(days, key=lambda d: d.date)
