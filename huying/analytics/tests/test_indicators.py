"""The indicators on a hand-built month whose numerators and denominators are known."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.analytics import indicators as ind
from huying.analytics.tests.scenario import MARCH, build_march
from huying.common import memo

EXPECTED_COUNTY = {
    # accepted: A B C D E G H I (F rejected)
    "closure_rate": (5, 8),              # A B C I closed, E resolved locally
    "on_time_closure_rate": (3, 4),      # closed A B C I; B's completion was late
    "handling_rate": (5, 7),             # A·D05 A·D25 B C1 C2 D·D05 I (D07 returned)
    "on_time_handling_rate": (4, 5),     # replied A B C1 C2 I; B late
    "rework_rate": (1, 4),               # the towns evaluated A B C C; C rated unsatisfied
                                         # once (I lapsed: no evaluation made)
    "accurate_dispatch_rate": (4, 5),    # dispatched A B C D I; D returned by D07
    "satisfaction_rate": (3, 5),         # A very, B basically, C unsatisfied, C satisfied,
                                         # I automatic satisfied
    "town_satisfaction_rate": (2, 4),    # made: A very, B basic, C unsatisfied, C satisfied
    "lapsed_evaluation_share": (1, 5),   # I
    "resolution_rate": (4, 5),
    "transfer_rate": (7, 8),             # A B C D G H I left the grid (H called, then
                                         # sent back: the grid still could not close it);
                                         # E resolved by the grid itself
    "response_rate": (4, 7),             # A·D25 cancelled, B late, D·D05 still running
    "signing_rate": (6, 7),              # A·D25 never signed
    "on_time_signing_rate": (5, 7),      # B signed late
}


@pytest.fixture
def march(world):
    return build_march(world)


def ratio_of(values: list[ind.IndicatorValue], code: str):
    return next(v.value for v in values if v.code == code)


def test_county_indicators_match_the_hand_count(world, march):
    values = ind.indicators_for(ind.Scope(county=world.county), *MARCH)
    for code, (numerator, denominator) in EXPECTED_COUNTY.items():
        ratio = ratio_of(values, code)
        assert (code, ratio.numerator, ratio.denominator) == (code, numerator, denominator)
    average = ratio_of(values, "average_handling_days")
    # (7.5 + 46 + 8.5 + 8.5 + 4.5) working hours ÷ 7.5 h a day ÷ 5 replies = 2.0 days
    assert average.count == 5 and average.value == pytest.approx(2.0)
    assert average.display == "2.00"


def test_extra_shares_and_display(world, march):
    scope = ind.Scope(county=world.county)
    local = ind.local_resolution_share(scope, *MARCH)
    calls = ind.call_quality_rate(scope, *MARCH)
    assert (local.numerator, local.denominator) == (1, 8)
    assert (calls.numerator, calls.denominator) == (6, 7)  # H bounced
    assert calls.fraction == "6/7" and calls.percent == "85.71%"
    empty = ind.Ratio(0, 0)
    assert empty.rate is None and empty.percent == "—"


def test_department_and_town_scopes(world, march):
    d05 = ind.Scope(county=world.county, department=world.dept("D05"))
    assert ind.handling_rate(d05, *MARCH) == ind.Ratio(5, 6)
    assert ind.satisfaction_rate(d05, *MARCH) == ind.Ratio(3, 5)
    assert ind.response_rate(d05, *MARCH) == ind.Ratio(4, 6)
    d07 = ind.Scope(county=world.county, department=world.dept("D07"))
    assert ind.accurate_dispatch_rate(d07, *MARCH) == ind.Ratio(0, 1)
    assert ind.handling_rate(d07, *MARCH) == ind.Ratio(0, 0)  # its one assignment returned
    town_b = ind.Scope(county=world.county, town=world.towns[1])
    assert ind.closure_rate(town_b, *MARCH) == ind.Ratio(0, 0)
    assert ind.closure_rate(town_b, *MARCH).rate is None


def test_rates_are_aggregate_queries(world, march):
    scope = ind.Scope(county=world.county)
    with CaptureQueriesContext(connection) as queries:
        ind.closure_rate(scope, *MARCH)
        ind.response_rate(scope, *MARCH)
        ind.satisfaction_rate(scope, *MARCH)
    assert len(queries) == 3


def test_the_whole_table_is_three_reads_and_the_working_hours(world, march):
    memo.forget_all_here()
    with CaptureQueriesContext(connection) as queries:
        values = ind.indicators_for(ind.Scope(county=world.county), *MARCH)
    # three reads of the rollups, and the working hours for the average handling time
    assert len(values) == len(ind.INDICATORS) and len(queries) == 4
    assert all(value.definition for value in values)
    with CaptureQueriesContext(connection) as queries:
        assert ind.indicators_for(ind.Scope(county=world.county), *MARCH) == values
    assert len(queries) == 3  # the working hours are remembered between requests


def test_indicator_periods_are_whole_days(world, march):
    start, end = MARCH
    with pytest.raises(ValueError):
        ind.closure_rate(ind.Scope(county=world.county), start.replace(hour=9), end)


def test_nothing_counts_outside_the_period(world, march):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    april = (datetime(2026, 4, 1, tzinfo=tz), datetime(2026, 5, 1, tzinfo=tz))
    values = ind.indicators_for(ind.Scope(county=world.county), *april)
    assert all((v.value.denominator if isinstance(v.value, ind.Ratio) else v.value.count) == 0
               for v in values)


@pytest.mark.parametrize("indicator", [ind.satisfaction_rate, ind.on_time_handling_rate,
                                       ind.handling_rate, ind.rework_rate])
def test_an_indicator_per_department_equals_each_department_s_own_in_four_reads(
        world, march, indicator):
    with CaptureQueriesContext(connection) as queries:
        every = ind.indicator_per_department(indicator, world.county, *MARCH)
    # the assignment and outcome rollups grouped by department, and their labels: the same
    # four reads for 3 departments or 300
    assert len(queries) == 4
    assert every  # the hand-made month has departments with work
    for department in world.departments.values():
        own = indicator(ind.Scope(county=world.county, department=department), *MARCH)
        assert every.get(department.pk, ind.Ratio(0, 0)) == own, department.code
