"""The report's workbook and document, opened back and read cell by cell."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from huying.analytics.reports.assembly import report_assemble
from huying.analytics.reports.excel import report_workbook, sheet_name
from huying.analytics.reports.word import report_document
from huying.analytics.tests.report_scenario import build_report_month
from huying.analytics.tests.scenario import AFTER_MARCH

SHEETS = ["研判摘要", "总体情况", "指标", "近12个月走势", "分镇街情况", "分事项类型情况（前10位）",
          "部门办理情况", "部门排名", "镇街排名", "热点", "未处置预警", "逾期清单"]


@pytest.fixture
def month(world):
    return build_report_month(world)


@pytest.fixture
def report(world, month):
    return report_assemble(county=world.county, kind="monthly", day=date(2026, 3, 2),
                           now=AFTER_MARCH)


def test_the_workbook_has_one_sheet_per_section_in_chinese(report, month):
    book = load_workbook(BytesIO(report_workbook(report)))
    assert book.sheetnames == SHEETS
    overview = book["总体情况"]
    assert overview["A1"].value == "示范市“乡呼县应”月报告（2026年3月） — 总体情况"
    assert [c.value for c in overview[2]] == ["统计项", "本期", "上期", "环比", "口径"]
    assert overview.freeze_panes == "A3"
    # reported: 9 in March, 1 in February
    assert [overview["A3"].value, overview["B3"].value, overview["C3"].value,
            overview["D3"].value] == ["上报", 9, 1, "↑800.0%"]
    assert (overview["A8"].value, overview["B8"].value) == ("办结", 4)
    assert overview.column_dimensions["E"].width == 60  # the definitions wrap
    indicators = book["指标"]
    assert [indicators["A3"].value, indicators["B3"].value] == ["结案率", "5/8（62.50%）"]
    towns = book["分镇街情况"]
    assert [c.value for c in towns[3]][:4] == [1, "海滨街道", 9, "100.0%"]
    overdue = book["逾期清单"]
    assert overdue["B3"].value == month.cases["D"].number and overdue["H3"].value == 27.6
    assert book["未处置预警"]["A3"].value == "本期无预警数据。"
    summary = book["研判摘要"]
    rows = {row[0].value: row[1].value for row in summary.iter_rows(min_row=3)}
    assert rows["报告编号"] == "〔2026〕第3期"
    assert rows["统计期间"] == "2026-03-01 — 2026-03-31"
    assert rows["研判 1"] == report.summary[0]
    assert summary.column_dimensions["B"].width > 60


def test_the_document_has_the_official_head_numbered_sections_and_tables(report, month):
    doc = Document(BytesIO(report_document(report)))
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[0] == "示范市社会综合治理联动指挥中心"
    assert texts[1] == "示范市“乡呼县应”月报告（2026年3月）"
    assert texts[2] == "〔2026〕第3期 · 2026年4月1日 08:00 生成"
    headings = [t for t in texts if "、" in t[:4]]
    assert headings[:3] == ["一、研判摘要", "二、总体情况", "三、指标"]
    assert headings[-1] == "十二、逾期清单"
    assert report.summary[0] in texts
    assert "本期无预警数据。" in texts and "本期无热点数据。" in texts
    assert texts[-1] == "2026年4月1日"
    # a table per section with rows (not hotspots, not warnings)
    assert len(doc.tables) == 9
    overview = doc.tables[0]
    assert [c.text for c in overview.rows[0].cells] == ["统计项", "本期", "上期", "环比", "口径"]
    assert [c.text for c in overview.rows[1].cells][:3] == ["上报", "9", "1"]
    assert doc.tables[-1].rows[1].cells[1].text == month.cases["D"].number
    # the eleven-column tables stand on a landscape page, the rest on portrait A4
    orientations = [s.orientation for s in doc.sections]
    assert orientations[0] == WD_ORIENT.PORTRAIT and WD_ORIENT.LANDSCAPE in orientations
    assert round(doc.sections[0].page_width.cm, 1) == 21.0


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a b c"
    assert sheet_name("a/b:c", taken) == "a b c 2"
    assert len(sheet_name("长" * 40, taken)) == 31
