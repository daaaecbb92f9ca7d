from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation


def locate(*args: str) -> tuple[str, int]:
    out = StringIO()
    with translation.override("zh-hans"):
        try:
            call_command("locate", *args, stdout=out)
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code)
    return out.getvalue(), code


def test_the_command_prints_the_unit_its_path_the_words_and_the_confidence(world):
    out, code = locate("就在锦华小区3号楼后面", "--county", world.county.code)
    assert code == 0
    assert f"单位编码：{world.grids[0].code}" in out
    assert "所属：示范市 › 海滨街道 › 海滨街道第一社区 › 海滨街道网格1" in out
    assert "匹配词：锦华小区" in out and "置信度：0.90" in out


def test_the_address_option_is_weighted_and_the_county_may_be_left_out(world):
    out, code = locate("以前在翠竹花园也反映过", "--address", "锦华小区5号楼")
    assert code == 0 and world.grids[0].code in out


def test_an_unresolved_text_says_why_and_exits_with_one(world):
    out, code = locate("我家楼下的下水道堵了")
    assert code == 1
    assert "未能定位：文字中没有已知的地名。" in out


def test_bad_arguments_are_clear_command_errors(world):
    with translation.override("zh-hans"), pytest.raises(CommandError, match="没有编码为"):
        call_command("locate", "锦华小区", "--county", "999999", stdout=StringIO())
    with translation.override("zh-hans"), pytest.raises(CommandError, match="阈值"):
        call_command("locate", "锦华小区", "--threshold", "2", stdout=StringIO())
