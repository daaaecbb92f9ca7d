"""`huying duplicates judge FILE`."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

PAIR = {
    "a": {"text": "市民来电反映，幸福路口的自来水管子爆了，水一直往外冒", "channel": "12345",
          "longitude": 122.05, "latitude": 37.05, "reported_at": "2026-03-02T09:00:00+08:00",
          "matter": "M089"},
    "b": {"text": "幸福路口供水管破裂漏水。", "channel": "grid", "longitude": 122.0503,
          "latitude": 37.0502, "reported_at": "2026-03-02T11:30:00+08:00"},
}
OTHER = {"a": PAIR["a"], "b": {**PAIR["b"], "text": "幸福路口红绿灯不亮", "matter": "M041"}}


def judged(tmp_path, capsys, data) -> list[dict]:
    path = tmp_path / "pairs.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("duplicates", "judge", str(path))
    return json.loads(capsys.readouterr().out)


def test_judge_prints_a_verdict_per_pair_in_order(world, tmp_path, capsys):
    first, second = judged(tmp_path, capsys, [PAIR, OTHER])
    assert first["duplicate"] is True and 0.5 <= first["score"] <= 1
    assert first["reasons"][:2] == ["相距 35 米", "间隔 2 小时"]
    assert "不同渠道：12345政务服务便民热线 / 网格通" in first["reasons"]
    assert second["duplicate"] is False and second["score"] <= 0.05
    assert "不同事项：停水及供水管网漏水 / 交通信号灯故障" in second["reasons"]
    assert set(first) == {"duplicate", "score", "reasons"}


@pytest.mark.parametrize(("content", "words"), [
    ("not json", "不是 JSON 文件"),
    ('{"a": 1}', "expected a JSON list"),
    ('[{"a": {"text": "x"}}]', "[0].a.reported_at"),
    ('[{"a": {"text": "x", "reported_at": "2026-03-02T09:00:00"}, "b": {}}]', "offset"),
    ('[{"a": {"text": "x", "reported_at": "2026-03-02T09:00:00+08:00", "longitude": 200,'
     ' "latitude": 1}, "b": {}}]', "[0].a.longitude"),
])
def test_a_bad_file_is_a_clear_command_error(world, tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=words.replace("[", r"\[").replace("]", r"\]")):
        call_command("duplicates", "judge", str(path))


def test_a_missing_file_is_a_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("duplicates", "judge", str(tmp_path / "nope.json"))
