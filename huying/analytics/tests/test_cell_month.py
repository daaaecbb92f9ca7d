"""The monthly cell rollup (`CellMonth`, without the matter type): kept by the same
differences as `CellDay`, rebuilt and verified with it, and read for the whole months of a
density period while the partial months at its edges are read from the day table (a density
of one matter reads the day table throughout). Every density answer equals the day table's
alone, before and after cases change (a reopening, a point moved, a matter reclassified)."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from huying.analytics import figures, screen
from huying.analytics import map as county_map
from huying.analytics.contribution import entries_from_json
from huying.analytics.models import CellDay, CellMonth, RollupMemo
from huying.analytics.rollups import (
    contributions_recomputed,
    rollups_queue,
    rollups_rebuild,
    rollups_refresh_queued,
    rollups_verify,
    table_contents,
)
from huying.analytics.tests.scenario import AFTER_MARCH, at, build_march, dispatch, sign_reply
from huying.analytics.tests.simulated import background, matter
from huying.cases import services as cs
from huying.cases.models import Case, CaseStatus, Rating

DENSITY = screen.DENSITY_MEASURES
# Partial January, whole February, partial March; whole February and March; one whole month;
# inside one month (the day table only); partial February, whole March, partial April.
PERIODS = [(date(2026, 1, 25), date(2026, 3, 18)), (date(2026, 2, 1), date(2026, 3, 31)),
           (date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 3), date(2026, 3, 20)),
           (date(2026, 2, 10), date(2026, 4, 3))]


def day_table_only(s: figures.Slice) -> dict[str, dict[str, int]]:
    """The density of a slice summed from `CellDay` alone, day by day: the reference."""
    rows = CellDay.objects.filter(county_id=s.county.pk, day__gte=s.first, day__lte=s.last)
    if s.unit is not None:
        rows = rows.filter(town_id=s.unit.pk)
    if s.matter_type is not None:
        rows = rows.filter(matter_type_id=s.matter_type.pk)
    found = {}
    for row in rows.values("cell").order_by().annotate(**{m: Sum(m) for m in DENSITY}):
        measures = {m: int(row[m]) for m in DENSITY if row[m]}
        if measures:
            found[row["cell"]] = measures
    return found


def read(s: figures.Slice) -> dict[str, dict[str, int]]:
    return {str(row.key): {m: row[m] for m in DENSITY if row[m]}
            for row in figures.breakdown(s, "cell", DENSITY) if any(row[m] for m in DENSITY)}


def slices(world) -> list[figures.Slice]:
    m003 = matter(world, "M003")
    return [figures.Slice(county=world.county, first=first, last=last, **extra)
            for first, last in PERIODS
            for extra in ({}, {"unit": world.towns[0]}, {"matter_type": m003})]


def assert_months_agree_with_days(world) -> None:
    for s in slices(world):
        assert read(s) == day_table_only(s), (s.first, s.last, s.unit, s.matter_type)
    assert rollups_verify(now=AFTER_MARCH) == []


@pytest.fixture
def spread(world):
    """Reports from 20 January to 10 April in three grids, the hand-built March on top, and
    one case of cycle 1 replied and waiting for its evaluation."""
    background(world, first=date(2026, 1, 20), last=date(2026, 4, 10), per_day=0.7)
    build_march(world)
    case, (lead,) = dispatch(world, lead="D05", now=at(14, 9))
    sign_reply(world, lead, signed=at(14, 10), replied=at(15, 10))
    rollups_refresh_queued(now=AFTER_MARCH)
    case.refresh_from_db()
    return case


def test_whole_months_are_read_from_the_month_table_and_the_edges_from_the_day_table(
        world, spread):
    s = figures.Slice(county=world.county, first=date(2026, 1, 25), last=date(2026, 3, 18))
    with CaptureQueriesContext(connection) as queries:
        found = read(s)
    tables = [("analytics_cellmonth" in q["sql"], "analytics_cellday" in q["sql"])
              for q in queries.captured_queries]
    assert tables.count((True, False)) == 1 and tables.count((False, True)) == 2
    assert found == day_table_only(s) and sum(v["received"] for v in found.values()) > 50
    # the month table holds each (town, cell) of a month once, whatever its days and matters
    february = {"county_id": world.county.pk, "day__gte": date(2026, 2, 1),
                "day__lte": date(2026, 2, 28)}
    keys = set(CellDay.objects.filter(**february).values_list("town_id", "cell"))
    assert CellMonth.objects.filter(**february).count() == len(keys) > 20
    assert CellDay.objects.filter(**february).count() > len(keys)


def test_a_density_of_one_matter_reads_the_day_table_for_every_day(world, spread):
    s = figures.Slice(county=world.county, first=date(2026, 1, 25), last=date(2026, 3, 18),
                      matter_type=matter(world, "M003"))
    with CaptureQueriesContext(connection) as queries:
        found = read(s)
    assert not any("analytics_cellmonth" in q["sql"] for q in queries.captured_queries)
    assert found == day_table_only(s) and found
    assert set(CellMonth.objects.values_list("day", flat=True)) == {
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)}


def test_the_density_equals_the_day_table_alone_through_changes(world, spread):
    assert_months_agree_with_days(world)

    # the replied case is rated unsatisfied: reopened (重办), open again in March's month row
    cs.case_evaluate(case=spread, actor=world.user("initiator_a"), stars=1,
                     rating=Rating.UNSATISFIED, now=at(16, 9), comment="没修好")
    spread.refresh_from_db()
    assert spread.cycle == 2 and spread.status == CaseStatus.DISPATCHED
    # a February report moved to another grid, one reclassified, one reopened by hand
    february = list(Case.objects.filter(reported_at__month=2).order_by("pk")[:3])
    lon, lat = world.point_in(2)
    Case.objects.filter(pk=february[0].pk).update(longitude=lon, latitude=lat)
    Case.objects.filter(pk=february[1].pk).update(matter_type=matter(world, "M003"))
    Case.objects.filter(pk=february[2].pk).update(status=CaseStatus.DISPATCHED)
    rollups_queue(c.pk for c in february)
    march = CellMonth.objects.filter(day=date(2026, 3, 1))
    states = {"replied": Sum("status_replied"), "dispatched": Sum("status_dispatched")}
    before = march.aggregate(**states)
    rollups_refresh_queued(now=AFTER_MARCH)
    assert march.aggregate(**states) == {"replied": before["replied"] - 1,
                                         "dispatched": before["dispatched"] + 1}
    assert_months_agree_with_days(world)


def test_the_panels_answer_as_from_the_day_table(world, spread, monkeypatch):
    period = screen.Period(code=screen.YEAR, first=date(2026, 1, 1), last=date(2026, 3, 18))
    leader = world.user("leader")
    f = county_map.map_filter(county=world.county, today=date(2026, 3, 18),
                              first=date(2026, 1, 25), last=date(2026, 3, 18))
    with_months = (screen.screen_density(world.county, period, resolution=8),
                   screen.screen_density(world.county, period),
                   county_map.map_density(leader, world.county, f))
    day_only = tuple(figures._Shape(shape.day, None, shape.columns)
                     for shape in figures._CASE_SHAPES)
    monkeypatch.setattr(figures, "_CASE_SHAPES", day_only)
    assert (screen.screen_density(world.county, period, resolution=8),
            screen.screen_density(world.county, period),
            county_map.map_density(leader, world.county, f)) == with_months
    assert with_months[0]["total"] > 50


def test_rebuild_and_verify_keep_the_month_table(world, spread):
    before = {k: v for k, v in table_contents().items() if k[0] == "CellMonth"}
    assert before
    rollups_rebuild(now=AFTER_MARCH)
    assert {k: v for k, v in table_contents().items() if k[0] == "CellMonth"} == before
    row = CellMonth.objects.filter(received__gt=0).order_by("pk").first()
    CellMonth.objects.filter(pk=row.pk).update(received=row.received + 1)
    (difference,) = rollups_verify(now=AFTER_MARCH)
    assert (difference.table, difference.measure, difference.found) == (
        "CellMonth", "received", difference.expected + 1)


def test_the_migration_sums_the_day_table_by_month_and_completes_the_memos(world, spread):
    """A database of before the migration: no month table, memos without month entries.
    The migration fills both so that the next refresh of any case subtracts what it added."""
    module = importlib.import_module("huying.analytics.migrations.0005_cell_month")
    recomputed = dict(contributions_recomputed())
    CellMonth.objects.all().delete()
    for memo in RollupMemo.objects.all():
        memo.entries = [e for e in memo.entries if e[0] != "CellMonth"]
        memo.save(update_fields=["entries"])
    module.cell_months_fill(apps, SimpleNamespace(connection=connection))
    assert rollups_verify(now=AFTER_MARCH) == []
    assert {m.case_id: entries_from_json(m.entries) for m in RollupMemo.objects.all()} == (
        recomputed)
    # a later change of a case is applied from the completed memo
    case = Case.objects.filter(reported_at__month=2).order_by("pk").first()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DISPATCHED,
                                           reported_at=case.reported_at + timedelta(days=30))
    rollups_queue([case.pk])
    rollups_refresh_queued(now=AFTER_MARCH)
    assert_months_agree_with_days(world)
