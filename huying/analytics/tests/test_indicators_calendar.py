"""Known answers across the working calendar: a holiday in the middle of the handling time
is not counted, a weekend make-up workday (调休) is, and the rollups keep the answer."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from huying.analytics import indicators as ind
from huying.analytics.tests.scenario import dispatch, sign_reply
from huying.workdays.services import calendar_override_set
from tests.factories import figures_refresh

TZ = ZoneInfo("Asia/Shanghai")
# Monday 11 May 2026; its Tuesday made a holiday, the Saturday before a make-up workday.
MONDAY = datetime(2026, 5, 11, 9, 0, tzinfo=TZ)
MAY = (datetime(2026, 5, 1, tzinfo=TZ), datetime(2026, 6, 1, tzinfo=TZ))


def average(world):
    return ind.average_handling_days(ind.Scope(county=world.county), *MAY)


@pytest.fixture
def holiday(world):
    calendar_override_set(actor=world.user("admin"), day=MONDAY.date() + timedelta(days=1),
                          is_workday=False, reason="测试：临时假日", now=MONDAY)


def test_a_holiday_between_dispatch_and_reply_does_not_count(world, holiday):
    # Monday 09:00 → Wednesday 09:00: Monday 7 h (09:00–12:00, 13:30–17:30) + Wednesday
    # 0.5 h (08:30–09:00) = 7.5 h = 1.00 working day; without the holiday it would be 2.00.
    _case, (lead,) = dispatch(world, lead="D05", now=MONDAY)
    sign_reply(world, lead, signed=MONDAY + timedelta(minutes=30),
               replied=MONDAY + timedelta(days=2))
    figures_refresh(MONDAY + timedelta(days=2))
    assert average(world).count == 1
    assert average(world).display == "1.00"


def test_a_make_up_saturday_counts_as_a_working_day(world):
    saturday = MONDAY - timedelta(days=2)
    calendar_override_set(actor=world.user("admin"), day=saturday.date(), is_workday=True,
                          reason="测试：调休上班", now=saturday)
    # Friday 17:00 → Monday 09:00: Friday 0.5 h + Saturday 7.5 h + Monday 0.5 h = 8.5 h
    friday = MONDAY - timedelta(days=3) + timedelta(hours=8)
    _case, (lead,) = dispatch(world, lead="D05", now=friday)
    sign_reply(world, lead, signed=friday + timedelta(minutes=10), replied=MONDAY)
    figures_refresh(MONDAY)
    assert average(world).display == f"{8.5 / 7.5:.2f}"
