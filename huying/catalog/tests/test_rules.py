from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from huying.catalog.models import LimitUnit, ListKind
from huying.catalog.rules import ensure_grid_admission, ensure_may_call, strictest_limit
from huying.common.errors import NotOnList

DAY = date(2025, 3, 3)
NH, WH, WD = LimitUnit.NATURAL_HOURS, LimitUnit.WORKING_HOURS, LimitUnit.WORKING_DAYS


def test_calling_for_a_town_duty_matter_is_refused_naming_the_list_and_item(loaded, county):
    item = loaded["versions"][ListKind.TOWN_DUTY].items.get(matter_code="M071")
    with pytest.raises(NotOnList) as refused:
        ensure_may_call(county, "M071", DAY)
    error = refused.value
    assert "邻里纠纷" in error.message
    assert str(item.position) in error.message
    assert error.details == {"list": ListKind.TOWN_DUTY, "version": 1,
                             "item": item.position, "matter_code": "M071"}


def test_calling_for_a_call_list_matter_is_allowed(loaded, county):
    ensure_may_call(county, "M001", DAY)


def test_calling_for_a_matter_on_no_list_is_refused(loaded, county):
    with pytest.raises(NotOnList) as refused:
        ensure_may_call(county, "M999", DAY)
    assert refused.value.details["list"] == ListKind.CALL


def test_calling_before_any_list_is_in_force_is_refused(loaded, county):
    with pytest.raises(NotOnList):
        ensure_may_call(county, "M001", date(2024, 12, 31))


def test_grid_admission_refuses_a_professional_matter(loaded, county):
    ensure_grid_admission(county, "M071", DAY)  # 邻里纠纷
    with pytest.raises(NotOnList) as refused:
        ensure_grid_admission(county, "M018", DAY)  # 非法储存经营危险化学品
    assert "非法储存经营危险化学品" in refused.value.message


def test_strictest_limit_takes_the_smaller_amount_of_one_unit():
    assert strictest_limit([(Decimal(5), WD), (Decimal(3), WD), (Decimal(10), WD)]) == (
        Decimal(3), WD)


def test_strictest_limit_compares_units_by_their_least_natural_time():
    # 24 natural hours never end after one working day; 2 natural hours beat 4 working hours.
    assert strictest_limit([(Decimal(1), WD), (Decimal(24), NH)]) == (Decimal(24), NH)
    assert strictest_limit([(Decimal(4), WH), (Decimal(2), NH)]) == (Decimal(2), NH)
    assert strictest_limit([(Decimal(1), WD), (Decimal(48), NH)]) == (Decimal(1), WD)
    assert strictest_limit([(Decimal(2), WH), (Decimal(2), NH)]) == (Decimal(2), NH)


def test_strictest_limit_uses_real_deadlines_when_given_a_calendar():
    start = datetime(2025, 3, 7, 16, 0)  # a Friday afternoon
    friday_to_monday = {(Decimal(1), WD): start + timedelta(days=3),
                        (Decimal(30), NH): start + timedelta(hours=30)}
    chosen = strictest_limit(friday_to_monday, deadline_for=lambda a, u: friday_to_monday[(a, u)])
    assert chosen == (Decimal(30), NH)
