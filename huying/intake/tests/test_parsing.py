"""The cells of an export as people type them."""

from __future__ import annotations

from datetime import datetime

import pytest

from huying.intake.parsing import RowProblem, called_at_parse, phone_parse, title_from
from huying.intake.tests.conftest import NOW, TZ


@pytest.mark.parametrize(("raw", "clean"), [
    ("138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"),
    ("+86 139 1234 5678", "13912345678"), (13812345678, "13812345678"),
    (13812345678.0, "13812345678"), ("0631-5812345", "0631-5812345"),
    ("（0631）5812345", "0631-5812345"), ("06315812345", "0631-5812345"),
    ("010-12345678", "010-12345678"), ("5812345", "5812345"),
    ("13812345678/0631-5812345", "13812345678"), ("１３８１２３４５６７８", "13812345678"),
    ("", ""), (None, ""),
])
def test_phones_are_cleaned(raw, clean):
    assert phone_parse(raw) == clean


@pytest.mark.parametrize("raw", ["1381234", "138****5678", "无", "123456789012345"])
def test_bad_phones_name_the_field(raw):
    with pytest.raises(RowProblem) as caught:
        phone_parse(raw)
    assert caught.value.field == "reporter_phone"


@pytest.mark.parametrize("raw", [
    "2026/11/30 08:15", "2026-11-30 08:15:00", "2026年11月30日 08:15", "2026.11.30 08:15",
    datetime(2026, 11, 30, 8, 15), 46356.34375,
])
def test_call_times_in_the_formats_exports_use(raw):
    assert called_at_parse(raw, now=NOW) == datetime(2026, 11, 30, 8, 15, tzinfo=TZ)


def test_a_bad_or_future_call_time_is_refused():
    for raw in ("昨天上午", "2026/13/01 08:00", "2026/12/31 08:00"):
        with pytest.raises(RowProblem) as caught:
            called_at_parse(raw, now=NOW)
        assert caught.value.field == "called_at"
    assert called_at_parse("  ", now=NOW) is None


def test_a_title_is_the_first_clause_of_the_content():
    assert title_from("井盖没了，差点掉进去！") == "井盖没了"
    long = "小区东门外面那条路上从上个月开始就一直有人在晚上十点以后摆摊卖烧烤而且音响很大"
    assert title_from(long) == long[:29] + "…"
