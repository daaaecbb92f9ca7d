"""Where the warnings go: the prompt slip lists them with their explanations, the command
prints them; and the hotspots beside them."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from huying.analytics.figures import Slice
from huying.analytics.hotspots import hotspots
from huying.analytics.models_warnings import EarlyWarning, WarningKind
from huying.analytics.tests.simulated import TZ, background, plant, span
from huying.analytics.warnings import warnings_live, warnings_scan
from huying.common.errors import ValidationFailed
from huying.supervision.slips import slip_issue_prompt

TODAY = date(2026, 3, 15)
NOW = datetime(2026, 3, 15, 20, 0, tzinfo=TZ)


@pytest.fixture
def surging(world):
    background(world, first=TODAY - timedelta(days=70), last=TODAY)
    return plant(world, grid=0, days=span(TODAY, 5), per_day=6)


def test_the_prompt_slip_lists_the_open_warnings_with_their_explanations(world, surging):
    warnings_scan(county=world.county, now=NOW)
    slip = slip_issue_prompt(county=world.county, day=TODAY + timedelta(days=1),
                             now=NOW + timedelta(hours=12))
    with translation.override("zh-hans"):
        body = str(slip.body)
    assert "四、预警信息（4条）" in body
    line = next(line for line in body.splitlines() if "网格1诉求激增" in line)
    assert "稳健Z值" in line and "自2026-03-11起持续高于常态" in line
    assert surging[-1].pk in set(slip.cases.values_list("pk", flat=True))


def test_a_prompt_slip_without_warnings_has_no_warning_section(world):
    slip = slip_issue_prompt(county=world.county, day=TODAY, now=NOW)
    with translation.override("zh-hans"):
        assert "预警信息" not in str(slip.body)


def test_the_command_prints_what_it_found_in_chinese(world, surging):
    out, err = io.StringIO(), io.StringIO()
    with translation.override("zh-hans"), time_machine.travel(NOW, tick=False):
        call_command("analytics", "warnings", "--county", world.county.code, stdout=out,
                     stderr=err)
        again = io.StringIO()
        call_command("analytics", "warnings", stdout=again, stderr=io.StringIO())
    assert "正在扫描示范市的预警" in err.getvalue()
    text = out.getvalue()
    assert "【新发现】网格诉求激增：海滨街道网格1诉求激增" in text
    assert "示范市：新发现4条，持续0条" in text
    assert "示范市：新发现0条，持续4条" in again.getvalue()
    assert EarlyWarning.objects.count() == 4
    with pytest.raises(CommandError):
        call_command("analytics", "warnings", "--county", "000000", stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_hotspots_by_grid_cell_and_matter(world, surging):
    week = Slice(county=world.county, first=TODAY - timedelta(days=6), last=TODAY)
    [top, *rest] = hotspots(week, by="grid", limit=3)
    assert top.key == world.grids[0].pk and top.label == world.grids[0].name
    assert top.count > rest[0].count and top.open >= 30
    everything = sum(s.count for s in hotspots(week, by="grid", limit=100))
    assert top.share == pytest.approx(top.count / everything)
    [cell] = hotspots(week, by="cell", limit=1)
    assert cell.count >= 30 and cell.label == world.grids[0].name
    assert cell.centre is not None and len(cell.outline) == 6
    [matter] = hotspots(week, by="matter_type", limit=1)
    assert matter.label.startswith("M002")
    assert len(hotspots(week, by="town", limit=10)) == 2
    with pytest.raises(ValidationFailed):
        hotspots(week, by="colour")
    with pytest.raises(ValidationFailed):
        hotspots(week, by="grid", limit=0)


def test_warnings_are_listed_sensitive_first(world, surging):
    plant(world, grid=3, days=[TODAY], per_day=2, code="M005", sensitive=True)
    warnings_scan(county=world.county, now=NOW)
    kinds = [w.kind for w in warnings_live(world.county)]
    assert kinds[0] == WarningKind.SENSITIVE
    assert kinds.index(WarningKind.REPEATED) < kinds.index(WarningKind.SURGE_UNIT)
