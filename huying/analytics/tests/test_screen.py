"""The big screen's panels on the hand-built March (scenario.py), with known answers, and
their query counts, which do not grow with the cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils.translation import gettext_noop

from huying.analytics import screen
from huying.analytics.models_warnings import EarlyWarning, WarningKind, WarningState
from huying.analytics.rollups import rollups_refresh_queued
from huying.analytics.tests.scenario import AFTER_MARCH, TZ, build_march, dispatch
from huying.analytics.tests.simulated import background
from huying.cases.locating import locator_for
from huying.cases.models import Case
from huying.common.errors import ValidationFailed
from huying.common.messages import message
from huying.supervision.sweep import sweep_run
from tests.factories import square

MARCH_1, MARCH_31 = date(2026, 3, 1), date(2026, 3, 31)
MARCH = screen.Period(code=screen.MONTH, first=MARCH_1, last=MARCH_31)


@pytest.fixture
def march(world):
    return build_march(world)


def overdue_at_the_end_of_march(world) -> None:
    """D's clocks ran out in March: the sweep fires their breach, the rollups follow."""
    sweep_run(now=AFTER_MARCH)
    rollups_refresh_queued(now=AFTER_MARCH)


def more_cases(world) -> None:
    """Six weeks of reports in three grids and more dispatched cases: the queries must
    not grow with them."""
    background(world, first=date(2026, 2, 1), last=MARCH_31, per_day=2)
    for lead in ("D01", "D07", "D11"):
        dispatch(world, lead=lead)
    rollups_refresh_queued(now=AFTER_MARCH)


# ---------------------------------------------------------------------------------------
# periods


def test_periods_end_today_and_start_at_the_day_week_month_or_year():
    wednesday = date(2026, 3, 18)
    assert screen.screen_period("today", wednesday).first == wednesday
    assert screen.screen_period("week", wednesday).first == date(2026, 3, 16)
    assert screen.screen_period(None, wednesday).first == date(2026, 3, 1)  # month
    assert screen.screen_period("year", wednesday).first == date(2026, 1, 1)
    assert screen.screen_period("year", wednesday).label == "今年"
    with pytest.raises(ValidationFailed):
        screen.screen_period("fortnight", wednesday)


# ---------------------------------------------------------------------------------------
# the panels, with known answers


def test_counters_chain_today_and_over_the_month(world, march):
    counters = {c.code: c for c in screen.screen_counters(world.county, MARCH)}
    # nine reports; E resolved by its grid; A B C D I dispatched, all signed; A B C I
    # responded and completed
    assert [counters[code].period for code in (
        "received", "handled_grid", "handled_community", "handled_town", "called_up",
        "signed", "responded", "completed")] == [9, 1, 0, 0, 5, 5, 4, 4]
    # "today" is 31 March: nothing was reported on it
    assert all(c.today == 0 for c in counters.values())
    assert counters["received"].label == "受理"
    on_the_second = screen.Period(code=screen.TODAY, first=date(2026, 3, 2),
                                  last=date(2026, 3, 2))
    today = {c.code: c for c in screen.screen_counters(world.county, on_the_second)}
    assert today["received"].today == today["received"].period == 9


def test_trend_has_every_day_of_the_last_thirty(world, march):
    points = screen.screen_trend(world.county, MARCH_31)
    assert len(points) == 30 and points[-1].day == MARCH_31
    assert points[0].day == date(2026, 3, 2) and points[0].values["received"] == 9
    assert points[0].values == {"received": 9, "resolved": 1, "dispatched": 5, "done": 5}
    assert sum(p.values["received"] for p in points) == 9
    with pytest.raises(ValidationFailed):
        screen.screen_trend(world.county, MARCH_31, days=0)


def test_channels_and_their_shares(world, march):
    shares = {s.code: s for s in screen.screen_channels(world.county, MARCH)}
    assert (shares["town"].count, shares["grid"].count) == (8, 1)
    assert round(shares["town"].share, 4) == round(8 / 9, 4)
    assert shares["grid"].label == "网格通"


def test_towns_every_one_even_without_reports(world, march):
    overdue_at_the_end_of_march(world)
    rows = screen.screen_places(world.county, MARCH)
    first, second = world.towns
    assert [(r.name, r.received, r.done, r.open, r.overdue) for r in rows] == [
        # done: A B C I closed, E resolved; open: D (overdue), G (at the centre), H (sent
        # back to the town)
        (first.name, 9, 5, 3, 1), (second.name, 0, 0, 0, 0)]
    assert rows[0].done_rate.fraction == "5/9"
    # one level down: the town's community, then its grids
    communities = screen.screen_places(world.county, MARCH, unit=first)
    assert [(r.name, r.received) for r in communities] == [(world.communities[0].name, 9)]
    grids = screen.screen_places(world.county, MARCH, unit=world.communities[0])
    assert [(r.name, r.received) for r in grids] == [(world.grids[0].name, 9),
                                                     (world.grids[1].name, 0)]


def test_departments_ranked_by_work_on_time(world, march):
    overdue_at_the_end_of_march(world)
    rows = screen.screen_departments(world.county, MARCH)
    d05, d25 = world.dept("D05"), world.dept("D25")
    assert [r.code for r in rows] == ["D05", "D25"]  # D07 returned its only assignment
    top = rows[0]
    # D05: A, B, C (two cycles), D (redispatched) and I; B replied late; D never responded
    assert (top.rank, top.name, top.assignments, top.replied, top.replied_on_time,
            top.overdue) == (1, d05.short_name or d05.name, 6, 5, 4, 1)
    assert top.on_time.percent == "80.00%"
    # evaluations of D05's cases: A very satisfied, B basic, C unsatisfied then satisfied,
    # I lapsed (counted satisfied)
    assert top.satisfaction.fraction == "3/5"
    # D25 co-handled A and never signed: nothing replied, so ranked last
    assert (rows[1].rank, rows[1].code, rows[1].assignments, rows[1].on_time.rate) == (
        2, d25.code, 1, None)
    assert screen.screen_departments(world.county, MARCH, limit=1) == rows[:1]


def test_density_per_cell_as_geojson_hexagons(world, march):
    cells = screen.screen_density(world.county, MARCH)
    # the county's diagonal is 57 km: shown in cells of resolution 7 (1.4 km edges)
    assert cells["resolution"] == 7
    assert cells["max"] == cells["total"] == 9  # every March report at one spot of grid 1
    (feature,) = cells["features"]
    ring = feature["geometry"]["coordinates"][0]
    assert len(ring) == 7 and ring[0] == ring[-1]  # a closed hexagon of [lng, lat]
    lon, lat = world.point_in(0)
    assert abs(ring[0][0] - lon) < 0.02 and abs(ring[0][1] - lat) < 0.02
    assert feature["properties"] == {"cell": feature["id"], "count": 9, "open": 3,
                                     "overdue": 0, "level": 5,
                                     "place": world.grids[0].name}


def test_a_small_county_keeps_the_cells_of_the_rollups_and_a_large_one_coarser(world):
    assert screen.display_resolution(world.county) == 7
    world.county.geometry = square(122.0, 37.0, 0.05)  # a town-sized county, 7 km across
    assert screen.display_resolution(world.county) == 8
    world.county.geometry = square(120.0, 36.0, 2.0)  # a prefecture, 280 km across
    assert screen.display_resolution(world.county) == 5
    world.county.geometry = None
    assert screen.display_resolution(world.county) == 8


def test_finer_cells_sum_into_the_coarser_ones_shown(world, march):
    background(world, first=MARCH_1, last=MARCH_31, per_day=2)
    fine = screen.screen_density(world.county, MARCH, resolution=8)
    coarse = screen.screen_density(world.county, MARCH, resolution=6)
    assert fine["total"] == coarse["total"] and len(fine["features"]) > len(coarse["features"])
    assert sum(f["properties"]["open"] for f in fine["features"]) == sum(
        f["properties"]["open"] for f in coarse["features"])


def test_the_base_map_is_the_county_and_its_towns(world):
    base = screen.county_base_map(world.county)
    assert [f["properties"]["name"] for f in base["features"]] == [
        u.name for u in sorted([world.county, *world.towns], key=lambda u: u.code)]
    assert base["features"][0]["geometry"]["type"] == "Polygon"


def test_hot_cases_overdue_first_then_red_and_orange_without_personal_data(world, march):
    g, h = march.cases["G"], march.cases["H"]
    Case.objects.filter(pk=g.pk).update(colour="orange")
    Case.objects.filter(pk=h.pk).update(colour="red")
    overdue_at_the_end_of_march(world)
    hot = screen.screen_hot_cases(world.county, AFTER_MARCH)
    assert (hot.overdue, hot.red_orange) == (1, 2)
    d = march.cases["D"]
    assert [c.number for c in hot.items] == [d.number, h.number, g.number]
    first = hot.items[0]
    assert (first.department, first.overdue_metric) == (
        world.dept("D05").short_name or world.dept("D05").name, "响应")
    # the response was due Wednesday 4 March 17:30
    assert first.overdue_since == datetime(2026, 3, 4, 17, 30, tzinfo=TZ)
    assert first.overdue_days(AFTER_MARCH) == round(
        (AFTER_MARCH - first.overdue_since).total_seconds() / 86400, 1)
    assert (hot.items[1].colour_label, hot.items[2].colour_label) == ("红色", "橙色")
    shown = repr(hot.items)
    assert "张三" not in shown and "13912345678" not in shown and "新华路" not in shown
    assert len(screen.screen_hot_cases(world.county, AFTER_MARCH, limit=2).items) == 2
    with pytest.raises(ValidationFailed):
        screen.screen_hot_cases(world.county, AFTER_MARCH, limit=21)


def a_warning(world, *, kind: str, key: str, cases=(), z: float | None = None,
              figures: dict | None = None, state: str = WarningState.OPEN) -> EarlyWarning:
    at = datetime(2026, 3, 20, 9, tzinfo=TZ)
    return EarlyWarning.objects.create(
        county=world.county, kind=kind, key=key, state=state,
        title=message(gettext_noop("Surge of reports in %(place)s"), place=world.grids[0].name),
        explanation=message(gettext_noop("Cases: %(numbers)s."),
                            numbers="、".join(c.number for c in cases)),
        current=len(cases) or 12, z=z, since=date(2026, 3, 17), figures=figures or {},
        case_ids=[c.pk for c in cases], first_seen=at, last_seen=at)


def test_warnings_most_pressing_first_explained_with_how_far_above_normal(world, march):
    cases = [march.cases[k] for k in "ABCDEG"]
    surge = a_warning(world, kind=WarningKind.SURGE_UNIT, key="1", cases=cases, z=4.24,
                      figures={"ratio": 3.46, "current": 6})
    repeated = a_warning(world, kind=WarningKind.REPEATED, key="2", cases=cases[:3],
                         figures={"count": 3, "days": 14})
    a_warning(world, kind=WarningKind.SENSITIVE, key="3", state=WarningState.CLOSED)
    items = screen.screen_warnings(world.county)
    assert [w.id for w in items] == [repeated.pk, surge.pk]  # repeated reports first
    assert items[0].above == "14天内3件"
    second = items[1]
    assert second.title == f"{world.grids[0].name}诉求激增"
    assert second.above == "为常态的3.5倍（稳健Z值4.2）"
    assert second.kind_label == "网格诉求激增" and second.since == date(2026, 3, 17)
    assert second.cases_total == 6 and len(second.cases) == screen.CASES_PER_WARNING


# ---------------------------------------------------------------------------------------
# query counts


PANELS = {
    "counters": (lambda w: screen.screen_counters(w.county, MARCH), 2),
    "trend": (lambda w: screen.screen_trend(w.county, MARCH_31), 1),
    "channels": (lambda w: screen.screen_channels(w.county, MARCH), 1),
    "places": (lambda w: screen.screen_places(w.county, MARCH), 3),
    "departments": (lambda w: screen.screen_departments(w.county, MARCH), 5),
    "density": (lambda w: screen.screen_density(w.county, MARCH), 1),
    "hot": (lambda w: screen.screen_hot_cases(w.county, AFTER_MARCH), 5),
    "warnings": (lambda w: screen.screen_warnings(w.county), 2),
    "base": (lambda w: screen.county_base_map(w.county), 1),
}


@pytest.mark.parametrize("panel", list(PANELS))
def test_each_panel_costs_a_fixed_number_of_queries(world, march, panel,
                                                    django_assert_max_num_queries):
    read, queries = PANELS[panel]
    locator_for(world.county)  # the per-process locator, loaded once
    # channel labels come from a per-process cache: warm it
    read(world)
    with django_assert_max_num_queries(queries):
        read(world)
    overdue_at_the_end_of_march(world)
    more_cases(world)
    for w in range(3):
        a_warning(world, kind=WarningKind.REPEATED, key=f"q{w}",
                  cases=list(Case.objects.all()[:40]))
    for case in Case.objects.filter(status="registered")[:30]:
        Case.objects.filter(pk=case.pk).update(colour="red")
    read(world)  # the channel labels' cache lives a minute: warm it again
    with django_assert_max_num_queries(queries):
        read(world)


def test_more_cases_change_the_answers_not_the_queries(world, march):
    more_cases(world)
    counters = {c.code: c.period for c in screen.screen_counters(world.county, MARCH)}
    assert counters["received"] > 9 + 3 and counters["called_up"] == 8
    assert sum(r.received for r in screen.screen_places(world.county, MARCH)) == \
        counters["received"]
    assert len(screen.screen_density(world.county, MARCH)["features"]) > 10
    assert {r.code for r in screen.screen_departments(world.county, MARCH)} >= {
        "D01", "D05", "D07", "D11"}
    assert screen.screen_trend(world.county, MARCH_31, days=60)[0].day == \
        MARCH_31 - timedelta(days=59)
