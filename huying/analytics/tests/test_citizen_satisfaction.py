"""群众满意率: the citizens' ratings, counted apart from the town's evaluation (满意率)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from huying.analytics import indicators as ind
from huying.citizens import services as citizens
from huying.citizens.tests.conftest import close_case
from tests.factories import figures_refresh


def around(now):
    """The whole days from the day before `now` to the day after (indicator periods are
    whole days)."""
    first = datetime.combine(timezone.localdate(now) - timedelta(days=1), time.min,
                             tzinfo=timezone.get_current_timezone())
    return first, first + timedelta(days=3)


def rated(world, now, rating: str, *, grid: int = 0, rated_at=None, evaluation="satisfied"):
    lon, lat = world.point_in(grid)
    report, _token = citizens.citizen_report_file(
        phone="13800138000", county=world.county, now=now, description="路灯不亮。",
        longitude=lon, latitude=lat)
    close_case(world, report.case, at=now, rating=evaluation)
    report.refresh_from_db()
    return citizens.citizen_rating_add(report=report, rating=rating, comment="",
                                       now=rated_at or now)


def test_citizen_satisfaction_counts_satisfied_and_basically_satisfied(world, now):
    start, end = around(now)
    rated(world, now, "satisfied", evaluation="basically_satisfied")
    rated(world, now, "basically_satisfied")
    rated(world, now, "unsatisfied")
    rated(world, now, "satisfied", rated_at=now + timedelta(days=2))  # after the period
    figures_refresh(now)
    county = ind.Scope(county=world.county)
    assert ind.citizen_satisfaction_rate(county, start, end) == ind.Ratio(2, 3)
    assert ind.citizen_satisfaction_rate(county, start, end).percent == "66.67%"
    # the town's evaluations of the same four cases, all made in the period: 3 "satisfied",
    # 1 "basically satisfied" (not counted in 满意率) — a figure of its own
    assert ind.satisfaction_rate(county, start, end) == ind.Ratio(3, 4)
    values = {v.code: v for v in ind.indicators_for(county, start, end)}
    assert values["citizen_satisfaction_rate"].display == "2/3（66.67%）"
    assert str(values["citizen_satisfaction_rate"].name) == "群众满意率"


def test_scopes_of_the_citizen_satisfaction_rate(world, now):
    start, end = around(now)
    rated(world, now, "satisfied")
    rated(world, now, "unsatisfied")
    figures_refresh(now)
    d05 = ind.Scope(county=world.county, department=world.dept("D05"))
    d07 = ind.Scope(county=world.county, department=world.dept("D07"))
    town_a = ind.Scope(county=world.county, town=world.towns[0])
    town_b = ind.Scope(county=world.county, town=world.towns[1])
    assert ind.citizen_satisfaction_rate(d05, start, end) == ind.Ratio(1, 2)
    assert ind.citizen_satisfaction_rate(d07, start, end) == ind.Ratio(0, 0)
    assert ind.citizen_satisfaction_rate(town_a, start, end) == ind.Ratio(1, 2)
    assert ind.citizen_satisfaction_rate(town_b, start, end).percent == "—"
