"""Parsing the strings operators type (CLI, API, admin) into calendar values.

Every malformed input becomes `ValidationFailed` with a Chinese message saying what is
expected, before anything is written.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from huying.common.errors import ValidationFailed
from huying.workdays.calendar import NATURAL_HOURS, UNITS, WORKING_DAYS, WORKING_HOURS

UNIT_ALIASES = {
    "自然小时": NATURAL_HOURS, "小时": NATURAL_HOURS,
    "工作小时": WORKING_HOURS, "工作时": WORKING_HOURS,
    "工作日": WORKING_DAYS,
}
WORK_WORDS = {"work": True, "workday": True, "上班": True, "工作日": True,
              "rest": False, "holiday": False, "休息": False, "放假": False}


def parse_day(value: date | str) -> date:
    """A date, or a string YYYY-MM-DD (also YYYY/MM/DD and YYYYMMDD)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationFailed(_(
        "Malformed date “%(value)s”: write it as YYYY-MM-DD, e.g. 2027-01-01.") % {"value": text})


def parse_instant(value: datetime | str) -> datetime:
    """An aware datetime; a string in ISO form or "YYYY-MM-DD HH:MM"; without an offset it
    is read in the platform's time zone (settings.TIME_ZONE)."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationFailed(_(
                "Malformed time “%(value)s”: write it as YYYY-MM-DD HH:MM, e.g. 2025-09-30 10:00.")
                                   % {"value": text}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return moment


def parse_amount(value: Decimal | float | int | str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(_(
            "Malformed time limit “%(value)s”: give a number of zero or more, e.g. 5 or 0.5.")
            % {"value": value})
    return amount


def parse_unit(value: str) -> str:
    text = str(value).strip()
    unit = UNIT_ALIASES.get(text, text)
    if unit not in UNITS:
        raise ValidationFailed(_(
            "Unknown time limit unit “%(value)s”: use natural_hours (自然小时), working_hours (工作小时) or working_days (工作日).")  # noqa: E501
                               % {"value": text})
    return unit


def parse_is_workday(value: bool | str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in WORK_WORDS:
        raise ValidationFailed(_(
            "Unknown day status “%(value)s”: use work (上班) or rest (休息).") % {"value": value})
    return WORK_WORDS[text]


def parse_clock(value: time | str) -> time:
    if isinstance(value, time):
        return value
    text = str(value).strip()
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(_(
            "Malformed time of day “%(value)s”: write it as HH:MM, e.g. 08:30.") % {"value": text}
        ) from None


def parse_year(value: int | str) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        year = 0
    if not 1900 <= year <= 2200:
        raise ValidationFailed(_("Malformed year “%(value)s”: give four digits, e.g. 2027.")
                               % {"value": value})
    return year
