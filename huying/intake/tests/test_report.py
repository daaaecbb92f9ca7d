"""The row-level report (.xlsx): each refused, conflicting or noted row with its column."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from huying.intake.report import report_xlsx
from huying.intake.tests.conftest import CALLS, xlsx_bytes
from huying.intake.tests.test_import_run import run


def test_the_report_lists_each_problem_row_with_its_column_in_chinese(world, now):
    rows = [*CALLS, {**CALLS[0], "诉求内容": "又来一遍"}]
    job = run(world, xlsx_bytes(rows), now)
    sheet = load_workbook(io.BytesIO(report_xlsx(job))).active
    assert sheet.title == "问题清单"
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["行号", "工单编号", "字段", "问题", "结果"]
    assert values[1:] == [
        [5, "RC2026113000063", "诉求类型",
         "诉求类型“其他/环境卫生”未匹配到本地事项类型：事项等待指挥中心分类。", "新建"],
        [6, "RC2026113000071", "诉求类型",
         "诉求类型“噪声扰民”未匹配到本地事项类型：事项等待指挥中心分类。", "新建"],
        [7, "RC2026113000088", "联系电话", "联系电话“1381234”不是有效的号码。", "错误"],
        [8, "RC2026113000095", "诉求内容", "诉求内容为空。", "错误"],
        [9, "RC2026113000102", "所属镇街", "本县（市、区）没有名为“东岗镇”的镇街。", "错误"],
        [10, "RC2026113000017", "工单编号", "工单编号 RC2026113000017 与本文件第 2 行重复。",
         "错误"],
    ]


def test_a_place_outside_the_county_is_reported_on_the_coordinate_columns(world, now):
    row = {**CALLS[1], "经度": 118.1, "纬度": 36.5}
    job = run(world, xlsx_bytes([row]), now)
    values = list(load_workbook(io.BytesIO(report_xlsx(job))).active.iter_rows(values_only=True))
    assert values[1][:3] == (2, "RC2026113000042", "经度、纬度")
    assert "示范市" in values[1][3] and values[1][4] == "错误"
