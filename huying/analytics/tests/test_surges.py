"""The surge rule on hand-made daily series (pure: no database)."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huying.analytics.surges import SurgeRules, surge_judge, surge_since, surges_find

LAST = date(2026, 3, 15)  # a Sunday
RULES = SurgeRules()


def days_back(n: int) -> list[date]:
    return [LAST - timedelta(days=i) for i in range(n)]


def flat(per_day: int, days: int = RULES.days_needed) -> dict[date, int]:
    return {day: per_day for day in days_back(days)}


def poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def test_a_planted_surge_is_found_with_the_day_it_began():
    series = flat(3)
    began = LAST - timedelta(days=4)
    for i in range(5):
        series[began + timedelta(days=i)] += 4
    [found] = surges_find({"grid-7": series}, last=LAST)
    assert found.key == "grid-7" and found.surge
    assert found.current == 7 * 3 + 5 * 4 and found.baseline == 21
    assert found.since == began
    assert found.ratio == pytest.approx(41 / 21)
    assert found.z >= RULES.z_threshold
    assert found.expected_low <= 21 <= found.expected_high < found.current
    assert (found.first, found.last) == (LAST - timedelta(days=6), LAST)


def test_a_surge_that_began_before_the_window_dates_back_to_its_first_day():
    series = flat(2)
    began = LAST - timedelta(days=10)
    for day in days_back(11):
        series[day] += 3
    [found] = surges_find({1: series}, last=LAST)
    assert found.since == began


def test_a_flat_series_raises_nothing():
    assert surges_find({1: flat(0), 2: flat(1), 3: flat(5), 4: flat(40)}, last=LAST) == []


def test_noisy_but_normal_series_raise_nothing():
    rng = random.Random(20260315)
    series = {(lam, i): {day: poisson(rng, lam) for day in days_back(RULES.days_needed)}
              for lam in (0.5, 2, 8) for i in range(40)}
    assert surges_find(series, last=LAST) == []


def test_a_sparse_series_going_from_nothing_to_two_reports_is_not_a_surge():
    series = {LAST - timedelta(days=30): 1, LAST - timedelta(days=50): 1,
              LAST: 1, LAST - timedelta(days=1): 1}
    judgement = surge_judge("quiet", series, last=LAST, rules=RULES)
    assert judgement is not None and judgement.current == 2 and not judgement.surge


def test_a_small_unit_needs_the_minimum_count_to_surge():
    quiet = {LAST - timedelta(days=i): 1 for i in range(3)}  # 0 → 3 in a week
    loud = {LAST - timedelta(days=i): 2 for i in range(4)}   # 0 → 8 in a week
    found = surges_find({"quiet": quiet, "loud": loud}, last=LAST)
    assert [j.key for j in found] == ["loud"]
    assert found[0].ratio is None and found[0].since == LAST - timedelta(days=3)


def test_weekday_rhythm_is_not_a_surge():
    # Market day on Mondays: 20 reports; 2 on other days.
    series = {day: 20 if day.weekday() == 0 else 2 for day in days_back(RULES.days_needed)}
    assert surges_find({1: series}, last=LAST) == []
    monday = LAST - timedelta(days=6)
    assert monday.weekday() == 0
    daily = SurgeRules(window_days=1, min_current=3)
    assert surges_find({1: series}, last=monday, rules=daily) == []
    # … while 20 reports on a Tuesday are one.
    series[monday + timedelta(days=1)] = 20
    [found] = surges_find({1: series}, last=monday + timedelta(days=1), rules=daily)
    assert found.since == monday + timedelta(days=1)


def test_a_key_without_enough_history_is_not_judged():
    series = flat(1)
    series.update({day: 9 for day in days_back(7)})
    start = LAST - timedelta(days=7 * 3 + 6)   # three baseline weeks only
    assert surge_judge(1, series, last=LAST, rules=RULES, history_start=start) is None
    start = LAST - timedelta(days=7 * 4 + 6)
    assert surge_judge(1, series, last=LAST, rules=RULES, history_start=start).surge


def test_a_falling_count_is_not_a_surge():
    series = flat(10)
    series.update({day: 0 for day in days_back(7)})
    assert surges_find({1: series}, last=LAST) == []


def test_strongest_surge_first():
    small, large = flat(2), flat(2)
    for day in days_back(7):
        small[day] += 2
        large[day] += 6
    assert [j.key for j in surges_find({"s": small, "l": large}, last=LAST)] == ["l", "s"]


def test_since_is_none_without_any_excess():
    assert surge_since(flat(4), last=LAST, rules=RULES) is None


def test_rules_refuse_overlapping_windows():
    with pytest.raises(ValueError):
        SurgeRules(window_days=8)
    with pytest.raises(ValueError):
        SurgeRules(min_baseline_weeks=9)


weekly_pattern = st.lists(st.integers(min_value=0, max_value=60), min_size=7, max_size=7)


@settings(max_examples=200, deadline=None)
@given(pattern=weekly_pattern, factor=st.integers(min_value=1, max_value=1000))
def test_a_series_identical_to_its_baseline_never_raises_at_any_scale(pattern, factor):
    series = {day: pattern[day.weekday()] * factor for day in days_back(RULES.days_needed)}
    judgement = surge_judge(1, series, last=LAST, rules=RULES)
    assert not judgement.surge and judgement.z == 0


@settings(max_examples=200, deadline=None)
@given(level=st.integers(min_value=0, max_value=50), factor=st.integers(min_value=1, max_value=100),
       window=st.integers(min_value=1, max_value=7))
def test_scaling_a_flat_series_creates_no_surge(level, factor, window):
    rules = SurgeRules(window_days=window)
    assert surges_find({1: flat(level * factor, rules.days_needed)}, last=LAST,
                       rules=rules) == []


@settings(max_examples=200, deadline=None)
@given(base=st.lists(st.integers(min_value=0, max_value=30), min_size=RULES.days_needed,
                     max_size=RULES.days_needed),
       extra=st.integers(min_value=0, max_value=200))
def test_more_reports_in_the_window_never_lower_the_alarm(base, extra):
    series = dict(zip(days_back(RULES.days_needed), base, strict=True))
    before = surge_judge(1, series, last=LAST, rules=RULES)
    series[LAST] += extra
    after = surge_judge(1, series, last=LAST, rules=RULES)
    assert after.z >= before.z
    assert after.surge or not before.surge
    if after.surge:
        assert after.since is not None
        assert LAST - timedelta(days=RULES.since_lookback_days - 1) <= after.since <= LAST
