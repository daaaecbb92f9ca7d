"""The warning scan on simulated weeks: a planted surge is found, a quiet period raises
nothing, scanning again updates instead of duplicating."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import translation

from huying.analytics.models_warnings import EarlyWarning, WarningKind, WarningState
from huying.analytics.tests.simulated import TZ, background, plant, span
from huying.analytics.warnings import warning_close, warnings_live, warnings_scan
from huying.cases.models import CaseStatus

TODAY = date(2026, 3, 15)                       # a Sunday
NOW = datetime(2026, 3, 15, 20, 0, tzinfo=TZ)
HISTORY = TODAY - timedelta(days=7 * 10)


@pytest.fixture
def quiet(world):
    return background(world, first=HISTORY, last=TODAY)


def kinds(report) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in report.findings:
        found.setdefault(finding.kind, []).append(finding)
    return found


def test_a_quiet_period_raises_nothing(world, quiet):
    report = warnings_scan(county=world.county, now=NOW)
    assert report.findings == [] and not EarlyWarning.objects.exists()


def test_a_planted_surge_is_found_by_grid_cell_and_matter(world, quiet):
    began = TODAY - timedelta(days=4)
    planted = plant(world, grid=0, days=span(TODAY, 5), per_day=6)
    report = warnings_scan(county=world.county, now=NOW)
    found = kinds(report)
    [grid] = found[WarningKind.SURGE_UNIT]
    assert grid.key == str(world.grids[0].pk)
    assert grid.since == began
    assert grid.figures["current"] >= 30 and grid.figures["ratio"] >= 2
    assert set(c.pk for c in planted) <= set(grid.case_ids)
    [cell] = found[WarningKind.SURGE_CELL]
    assert cell.since == began and set(cell.case_ids) == {c.pk for c in planted}
    [matter] = found[WarningKind.SURGE_MATTER]
    assert matter.key == "M002" and matter.since == began
    [repeated] = found[WarningKind.REPEATED]  # 30 open reports of one matter at one place
    assert repeated.current == 30 and repeated.since == began
    assert WarningKind.SENSITIVE not in found
    assert EarlyWarning.objects.filter(state=WarningState.OPEN).count() == 4

    with translation.override("zh-hans"):
        title, text = str(grid.title), str(grid.explanation)
    assert title == f"{world.grids[0].name}诉求激增"
    assert "03-11" in text and "稳健Z值" in text and "倍" in text and "路灯不亮" in text
    assert planted[0].number in text


def test_scanning_again_updates_the_same_warnings(world, quiet):
    plant(world, grid=0, days=span(TODAY - timedelta(days=1), 4), per_day=6)
    first = warnings_scan(county=world.county, now=NOW - timedelta(hours=20))
    ids = sorted(w.pk for w in first.raised)
    more = plant(world, grid=0, days=[TODAY], per_day=6)
    again = warnings_scan(county=world.county, now=NOW)
    assert again.raised == [] and sorted(w.pk for w in again.updated) == ids
    assert EarlyWarning.objects.count() == len(ids)
    grid = EarlyWarning.objects.get(kind=WarningKind.SURGE_UNIT)
    assert grid.last_seen == NOW and grid.first_seen == NOW - timedelta(hours=20)
    assert more[0].pk in grid.case_ids and grid.current == grid.figures["current"]


def test_a_surge_that_is_over_subsides(world, quiet):
    plant(world, grid=0, days=span(TODAY, 3), per_day=8, status=CaseStatus.RESOLVED)
    warnings_scan(county=world.county, now=NOW)
    assert EarlyWarning.objects.filter(state=WarningState.OPEN).count() == 3
    later = NOW + timedelta(days=12)
    background(world, first=TODAY + timedelta(days=1), last=later.date(), seed=2)
    report = warnings_scan(county=world.county, now=later)
    assert report.findings == [] and len(report.subsided) == 3
    assert all(w.closed_by is None for w in report.subsided)
    assert not warnings_live(world.county)


def test_a_warning_closed_by_a_person_is_not_raised_again_for_the_same_episode(world, quiet):
    plant(world, grid=0, days=span(TODAY - timedelta(days=1), 4), per_day=6)
    warnings_scan(county=world.county, now=NOW - timedelta(hours=20))
    grid = EarlyWarning.objects.get(kind=WarningKind.SURGE_UNIT)
    warning_close(warning=grid, actor=world.user("supervisor"), now=NOW - timedelta(hours=2),
                  note="已安排网格员排查")
    report = warnings_scan(county=world.county, now=NOW)
    assert [f.kind for f in report.suppressed] == [WarningKind.SURGE_UNIT]
    assert not EarlyWarning.objects.filter(kind=WarningKind.SURGE_UNIT,
                                           state=WarningState.OPEN).exists()
    # … until it doubles.
    plant(world, grid=0, days=[TODAY], per_day=45)
    report = warnings_scan(county=world.county, now=NOW + timedelta(hours=1))
    assert [w.kind for w in report.raised] == [WarningKind.SURGE_UNIT]


def test_sensitive_reports_in_one_place_are_a_cluster(world, quiet):
    spot = world.point_in(2)
    cases = plant(world, grid=2, days=[TODAY - timedelta(days=2), TODAY], per_day=1,
                  code="M005", sensitive=True, spot=spot, title="多名工人讨要工资")
    report = warnings_scan(county=world.county, now=NOW)
    [cluster] = kinds(report)[WarningKind.SENSITIVE]
    assert cluster.key.startswith("cell:") and set(cluster.case_ids) == {c.pk for c in cases}
    assert cluster.since == TODAY - timedelta(days=2)
    with translation.override("zh-hans"):
        assert "涉稳" in str(cluster.title) and cases[0].number in str(cluster.explanation)
    [live] = warnings_live(world.county)
    assert live.kind == WarningKind.SENSITIVE


def test_sensitive_reports_on_one_subject_across_towns_are_a_cluster(world, quiet):
    a = plant(world, grid=0, days=[TODAY], per_day=1, code="M005", sensitive=True)
    b = plant(world, grid=3, days=[TODAY - timedelta(days=1)], per_day=1, code="M005",
              sensitive=True)
    [cluster] = kinds(warnings_scan(county=world.county, now=NOW))[WarningKind.SENSITIVE]
    assert cluster.key == "matter:M005"
    assert set(cluster.case_ids) == {a[0].pk, b[0].pk}


def test_three_open_reports_of_one_matter_at_one_place_are_repeated_reports(world, quiet):
    cases = plant(world, grid=1, days=[TODAY - timedelta(days=9), TODAY - timedelta(days=3),
                                       TODAY], per_day=1, code="M007")
    [repeated] = kinds(warnings_scan(county=world.county, now=NOW))[WarningKind.REPEATED]
    assert repeated.key == f"unit:{world.grids[1].pk}:M007"
    assert set(repeated.case_ids) == {c.pk for c in cases}
    assert repeated.since == TODAY - timedelta(days=9)
    with translation.override("zh-hans"):
        assert world.grids[1].name in str(repeated.title)
