"""What an upload must be: an .xlsx or .csv that is one, not empty, with a header row."""

from __future__ import annotations

import pytest

from huying.common.errors import ValidationFailed
from huying.intake.mapping import mapping_clean, mapping_default
from huying.intake.reading import file_check
from huying.intake.tests.conftest import CALLS, HEADERS, csv_bytes, xlsx_bytes

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationFailed) as caught:
        file_check(name, content)
    assert caught.value.details["field"] == "file"
    return caught.value.message


def test_the_headers_and_formats_are_read():
    assert file_check("a.xlsx", xlsx_bytes(CALLS)).headers == HEADERS
    table = file_check("a.CSV", csv_bytes(CALLS, encoding="gb18030"))
    assert (table.file_format, table.encoding, table.headers) == ("csv", "gb18030", HEADERS)
    assert file_check("a.csv", csv_bytes(CALLS, encoding="utf-8-sig")).encoding == "utf-8-sig"


def test_a_renamed_pdf_is_refused_saying_what_it_is():
    assert refusal("工单.xlsx", PDF) == ("文件名为 工单.xlsx，但实际是 PDF 文件；请将工单导出为 "
                                        ".xlsx 或 .csv。")
    assert "PDF" in refusal("工单.csv", PDF)


def test_other_wrong_files_are_refused_clearly():
    assert refusal("工单.pdf", PDF) == "只能导入 .xlsx 或 .csv 格式的导出文件，不能导入“工单.pdf”。"
    assert refusal("工单.xlsx", b"") == "文件是空的。"
    assert refusal("工单.csv", b"  \r\n") == "文件是空的。"
    assert refusal("工单.xlsx", "工单编号,诉求内容\n".encode()) == \
        "文件扩展名为 .xlsx，但不是 Excel 工作簿。"
    assert refusal("工单.csv", xlsx_bytes(CALLS)) == \
        "文件扩展名为 .csv，但实际是 Excel 工作簿，请改为 .xlsx。"
    assert refusal("工单.xlsx", b"PK\x03\x04broken") == "无法读取该 Excel 工作簿，文件可能已损坏。"
    assert refusal("工单.csv", b"\xff\xfe\x00\x00\xc3(") == \
        "该 CSV 文件既不是 UTF-8 也不是 GBK 编码，请另存为 UTF-8 CSV。"


def test_a_file_without_its_header_row_is_refused():
    headless = "RC2026113000017,2026/11/30 08:15,王女士,13812345678,路灯不亮\n"
    assert refusal("工单.csv", headless.encode()).startswith("第一行是数据而不是列名")
    assert refusal("工单.csv", b",,,\n" + headless.encode()).startswith(
        "第一行是数据而不是列名")
    assert refusal("工单.csv", "工单编号,诉求内容\n".encode()) == "文件只有表头，没有工单数据。"
    assert refusal("工单.csv", "工单编号,诉求内容,工单编号\nA,B,C\n".encode()) == \
        "表头中“工单编号”列出现了两次。"
    assert refusal("工单.csv", "工单编号,,诉求内容\nA,B,C\n".encode()) == "表头第 2 列没有列名。"


def test_a_file_over_the_limit_is_refused(settings):
    settings.HUYING_IMPORT_MAX_BYTES = 1024 * 1024
    assert refusal("工单.csv", b"a" * (1024 * 1024 + 1)) == "文件超过 1 MB，请分批导出。"


def test_the_default_mapping_knows_the_12345_headers():
    mapping = mapping_default([*HEADERS, "所属区域", "备注"])
    assert mapping == {
        "工单编号": "external_id", "来电时间": "called_at", "来电人": "reporter_name",
        "联系电话": "reporter_phone", "工单标题": "title", "诉求内容": "description",
        "诉求地址": "address", "诉求类型": "matter", "紧急程度": "urgent", "所属镇街": "town",
        "经度": "longitude", "纬度": "latitude", "是否保密": "sensitive",
        # A second column for a field already taken, and an unknown one, are not read.
        "所属区域": "", "备注": ""}


def test_an_edited_mapping_is_checked_against_the_headers():
    headers = ["单号", "内容", "区域"]
    assert mapping_clean({"单号": "external_id", "内容": "description"}, headers) == \
        {"单号": "external_id", "内容": "description", "区域": ""}
    cases = [
        ({"单号": "external_id"}, "请为以下字段各指定一列：诉求内容。"),
        ({"单号": "external_id", "内容": "description", "备注": "title"},
         "列对应中的“备注”列在文件中不存在。"),
        ({"单号": "external_id", "内容": "description", "区域": "district"},
         "列对应中有未知字段 district。"),
        ({"单号": "external_id", "内容": "description", "区域": "description"},
         "“内容”和“区域”两列都对应到了诉求内容。"),
        (["单号"], "列对应关系必须是“列名: 字段”的对象。"),
    ]
    for mapping, text in cases:
        with pytest.raises(ValidationFailed) as caught:
            mapping_clean(mapping, headers)
        assert caught.value.message == text
