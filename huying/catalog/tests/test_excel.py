from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from huying.catalog.data_types import version_fingerprint
from huying.catalog.excel import list_version_export, list_version_import
from huying.catalog.models import ListKind, ListVersion
from huying.common.errors import TransitionNotAllowed


def exported_rows(version) -> list[list]:
    sheet = load_workbook(io.BytesIO(list_version_export(version))).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def workbook(rows: list[list]) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def import_catalogue(county, now, rows):
    return list_version_import(actor=None, county=county, kind=ListKind.CATALOGUE,
                               file=workbook(rows), effective_from=date(2026, 1, 1), now=now)


def test_export_has_chinese_headers_and_one_row_per_matter_type(loaded):
    rows = exported_rows(loaded["versions"][ListKind.CATALOGUE])
    assert rows[0][:5] == ["事项编码", "事项名称", "领域", "网格事项类别", "主体责任部门"]
    assert len(rows) == 93
    assert rows[1][:5] == ["M001", "窨井盖缺失破损", "L01", "C2", "D05"]


def test_import_of_an_exported_catalogue_round_trips(loaded, county, now):
    source = loaded["versions"][ListKind.CATALOGUE]
    report = import_catalogue(county, now, exported_rows(source))
    assert report.ok, [str(e) for e in report.errors]
    assert report.rows == 92
    assert report.version.number == 2
    assert version_fingerprint(report.version) == version_fingerprint(source)


def test_import_of_an_exported_list_round_trips(loaded, county, now):
    source = loaded["versions"][ListKind.TOWN_DUTY]
    report = list_version_import(actor=None, county=county, kind=ListKind.TOWN_DUTY,
                                 file=workbook(exported_rows(source)), title="镇街职责清单 v2",
                                 effective_from=date(2026, 1, 1), now=now)
    assert report.ok
    assert str(report.version.title) == "镇街职责清单 v2"
    assert version_fingerprint(report.version) == version_fingerprint(source)


def test_import_with_a_bad_department_code_reports_row_and_field_and_imports_nothing(
        loaded, county, now):
    rows = exported_rows(loaded["versions"][ListKind.CATALOGUE])
    rows[6][4] = "D99"  # spreadsheet row 7, column 主体责任部门
    report = import_catalogue(county, now, rows)
    assert not report.ok
    assert [(e.row, e.field) for e in report.errors] == [(7, "lead_department")]
    assert "D99" in str(report.errors[0])
    assert "7" in str(report.errors[0])
    assert report.version is None
    assert ListVersion.objects.filter(kind=ListKind.CATALOGUE).count() == 1


def test_import_reports_every_bad_row_not_only_the_first(loaded, county, now):
    rows = exported_rows(loaded["versions"][ListKind.CATALOGUE])
    header = rows[0]
    col = {name: header.index(name) for name in header}
    rows[2][col["领域"]] = "L99"
    rows[3][col["网格事项类别"]] = "C9"
    rows[4][col["颜色"]] = "紫"
    rows[5][col["签收时限"]] = "半小时"
    rows[6][col["办结时限"]] = 0
    rows[7][col["响应时限单位"]] = "周"
    rows[8][col["事项编码"]] = "M001"
    rows[9][col["事项名称"]] = None
    rows[10][col["配合责任部门"]] = "D01、D77"
    report = import_catalogue(county, now, rows)
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "domain"), (4, "grid_category"), (5, "colour"), (6, "sign_amount"),
        (7, "complete_amount"), (8, "respond_unit"), (9, "code"), (10, "name"),
        (11, "co_departments")]
    assert ListVersion.objects.count() == 4


def test_import_of_list_items_reports_unknown_and_duplicate_matter_codes(loaded, county, now):
    rows = [["序号", "事项编码", "事项名称", "备注"], [1, "M071", "邻里纠纷", ""],
            [2, "M999", "不存在", ""], [3, "M071", "邻里纠纷", ""]]
    report = list_version_import(actor=None, county=county, kind=ListKind.TOWN_DUTY,
                                 file=workbook(rows), now=now)
    assert [(e.row, e.field) for e in report.errors] == [(3, "matter_code"),
                                                         (4, "matter_code")]


def test_import_refuses_wrong_headers(loaded, county, now):
    report = list_version_import(actor=None, county=county, kind=ListKind.CALL,
                                 file=workbook([["编号", "名字"], ["M001", "x"]]), now=now)
    assert not report.ok
    assert all(e.row == 1 for e in report.errors)
    assert any("事项编码" in str(e) or "Matter code" in str(e) for e in report.errors)


def test_import_refuses_a_file_that_is_not_xlsx(county, now):
    report = list_version_import(actor=None, county=county, kind=ListKind.CALL,
                                 file=io.BytesIO(b"code,name\nM001,x\n"), now=now)
    assert not report.ok and report.errors[0].row is None


def test_import_into_a_draft_replaces_its_content(loaded, county, now):
    rows = [["序号", "事项编码", "事项名称", "备注"], [1, "M071", "", "示例"]]
    first = list_version_import(actor=None, county=county, kind=ListKind.TOWN_DUTY,
                                file=workbook(rows), now=now)
    rows.append([2, "M084", "", ""])
    second = list_version_import(actor=None, county=county, kind=ListKind.TOWN_DUTY,
                                 file=workbook(rows), version=first.version, now=now)
    assert second.version == first.version
    assert list(second.version.items.values_list("matter_code", "title")) == [
        ("M071", "邻里纠纷"), ("M084", "婚姻家庭纠纷")]


def test_import_into_a_published_version_is_refused(loaded, county, now):
    with pytest.raises(TransitionNotAllowed):
        list_version_import(actor=None, county=county, kind=ListKind.CALL,
                            file=workbook([["事项编码"], ["M001"]]),
                            version=loaded["versions"][ListKind.CALL], now=now)
