"""The bulletin workbook and the commands."""

from __future__ import annotations

from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from huying.analytics.tests.scenario import AFTER_MARCH, MARCH, build_march
from huying.assessment.bulletins import bulletin_export
from huying.assessment.models import Deduction
from huying.assessment.services import deductions_from_facts


@pytest.fixture
def march(world):
    scenario = build_march(world)
    deductions_from_facts(county=world.county, start=MARCH[0], end=MARCH[1], now=AFTER_MARCH)
    return scenario


def test_bulletin_opens_with_chinese_headers(world, march):
    data = bulletin_export(county=world.county, period_kind="month", day=date(2026, 3, 15))
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["部门排名", "镇街排名", "指标"]
    departments = book["部门排名"]
    assert departments["A1"].value == "示范市“乡呼县应”工作通报（2026年3月）"
    headers = [cell.value for cell in departments[2]]
    assert headers == ["排名", "部门", "得分", "按时签收", "及时响应办理", "满意度", "扣分条数",
                       "镇街评价满意率（%）"]
    rows = [[cell.value for cell in row] for row in departments.iter_rows(min_row=3)]
    assert [(r[0], r[2], r[6]) for r in rows] == [(1, 14.0, 0), (2, 13.84, 1), (3, 12.16, 7)]
    towns = book["镇街排名"]
    assert [c.value for c in towns[2]][:3] == ["排名", "镇街", "得分"]
    indicators = book["指标"]
    assert [c.value for c in indicators[2]] == ["指标", "示范市", "海滨街道", "石岭镇"]
    table = {row[0].value: row[1].value for row in indicators.iter_rows(min_row=3)}
    assert table["响应率"] == "4/7（57.14%）"
    assert table["平均办理时长（工作日）"] == "2.00"
    assert table["结案率"] == "5/8（62.50%）"


def test_half_month_title(world):
    data = bulletin_export(county=world.county, period_kind="half_month",
                           day=date(2026, 11, 15))
    sheet = load_workbook(BytesIO(data))["部门排名"]
    assert sheet["A1"].value == "示范市“乡呼县应”工作通报（2026年11月上半月）"


def test_commands(world, tmp_path):
    build_march(world)
    out = StringIO()
    call_command("assessment", "deduce", "--period", "month", "--date", "2026-03-15",
                 stdout=out)
    assert "8 条事实" in out.getvalue() or "8 facts" in out.getvalue()
    assert Deduction.objects.count() == 8
    target = tmp_path / "bulletin.xlsx"
    call_command("assessment", "bulletin", "--period", "month", "--date", "2026-03-15",
                 "--output", str(target), stdout=StringIO())
    assert load_workbook(target)["部门排名"]["A1"].value.startswith("示范市")
