"""The figures of the situation view on the hand-built March (see scenario.py)."""

from __future__ import annotations

from datetime import date

import pytest

from huying.analytics import figures as f
from huying.analytics.rollups import rollups_refresh_queued
from huying.analytics.tests.scenario import AFTER_MARCH, build_march
from huying.common.errors import ValidationFailed
from huying.supervision.sweep import sweep_run

MARCH_1, MARCH_31 = date(2026, 3, 1), date(2026, 3, 31)


@pytest.fixture
def march(world):
    return build_march(world)


def whole(world, **narrow) -> f.Slice:
    return f.Slice(county=world.county, first=MARCH_1, last=MARCH_31, **narrow)


def test_the_big_screen_chain(world, march):
    counters = f.live_counters(world.county, MARCH_1, MARCH_31)
    # nine reports; E resolved by its grid; A B C D I dispatched, all lead-signed; A B C I
    # responded (D's redispatched lead never answered); A B C I closed
    assert counters == f.Counters(received=9, handled_grid=1, handled_community=0,
                                  handled_town=0, called_up=5, signed=5, responded=4,
                                  completed=4)


def test_totals_by_stage(world, march):
    t = f.totals(whole(world))
    assert (t["status_closed"], t["status_resolved"], t["status_rejected"]) == (4, 1, 1)
    assert t["status_dispatched"] == 1 and t["status_triage"] == 1  # D; G
    assert t["open"] == 3 and t["overdue"] == 0
    # D's clocks ran out in March; once the sweep has fired their breach, D is overdue
    sweep_run(now=AFTER_MARCH)
    rollups_refresh_queued(now=AFTER_MARCH)
    assert f.totals(whole(world))["overdue"] == 1


def test_breakdowns_by_town_channel_and_department(world, march):
    towns = f.breakdown(whole(world), "town")
    assert towns[0].label == world.towns[0].name and towns[0]["received"] == 9
    channels = {row.key: row["received"] for row in f.breakdown(whole(world), "channel")}
    assert sum(channels.values()) == 9
    departments = {row.label: (row["dispatched"], row["replied"])
                   for row in f.department_breakdown(whole(world))}
    d05 = world.dept("D05")
    assert departments[d05.short_name or d05.name] == (6, 5)


def test_a_town_slice_and_its_children(world, march):
    town_b = whole(world, unit=world.towns[1])
    assert f.totals(town_b)["received"] == 0
    children = f.breakdown(whole(world, unit=world.towns[0]), "child")
    assert sum(row["received"] for row in children) == 9


def test_a_month_table_and_day_rows_give_the_same_answer(world, march):
    # 1–31 March is read from the month table; 28 Feb–31 Mar from it plus one day row
    assert f.totals(whole(world)) == f.totals(
        f.Slice(county=world.county, first=date(2026, 2, 28), last=MARCH_31))


def test_trend_has_every_period(world, march):
    days = f.trend(whole(world), "day")
    assert len(days) == 31 and days[1]["received"] == 9  # Monday 2 March
    weeks = f.trend(whole(world), "week")
    assert weeks[0].first == date(2026, 2, 23) and sum(p["received"] for p in weeks) == 9
    months = f.trend(whole(world), "month")
    assert [(p.label, p["received"]) for p in months] == [("2026年3月", 9)]


def test_daily_series_per_key(world, march):
    series = f.daily_series(whole(world), "town")
    assert series == {world.towns[0].pk: {date(2026, 3, 2): 9}}


def test_unsupported_slices_are_a_clear_refusal(world, march):
    with pytest.raises(ValidationFailed):
        f.breakdown(whole(world, colour="red"), "grid")  # colour is not kept per grid
    with pytest.raises(ValidationFailed):
        f.breakdown(whole(world), "weekday")
    with pytest.raises(ValidationFailed):
        f.Slice(county=world.county, first=MARCH_31, last=MARCH_1)
    with pytest.raises(ValidationFailed):
        f.totals(whole(world, department=world.dept("D05")))


def test_every_read_is_one_query_per_table(world, march, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        f.totals(whole(world))
    with django_assert_max_num_queries(2):  # the counts, then the towns' names
        f.breakdown(whole(world), "town")
