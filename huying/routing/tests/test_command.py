"""`huying routing train | evaluate [--file] | classify FILE`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huying.routing.store import model_path


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("routing", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_train_prints_progress_and_the_figures(world):
    out, _err = run("train")
    assert "92 个事项类型" in out and "首选准确率" in out and "前三准确率" in out
    assert model_path().exists()


def test_classify_answers_the_top_three_of_each_text(world, trained, tmp_path):
    file = tmp_path / "in.json"
    file.write_text(json.dumps([{"text": "路灯坏了晚上很黑", "channel": "12345"},
                                {"text": "井盖丢了", "channel": "grid"}], ensure_ascii=False),
                    encoding="utf-8")
    out, _err = run("classify", str(file))
    answer = json.loads(out)
    assert len(answer) == 2 and [len(a) for a in answer] == [3, 3]
    assert answer[0][0]["code"] == "M002" and answer[1][0]["code"] == "M001"
    assert set(answer[0][0]) == {"code", "confidence"}
    assert 0 < answer[0][0]["confidence"] <= 1


def test_without_a_model_classify_trains_one_first_and_says_so(world, tmp_path):
    file = tmp_path / "in.json"
    file.write_text('[{"text": "路灯坏了", "channel": "12345"}]', encoding="utf-8")
    out, err = run("classify", str(file))
    assert "先训练一个" in err and json.loads(out)[0][0]["code"] == "M002"


@pytest.mark.parametrize("content, says", [
    ("not json", "不是 JSON"),
    ('{"text": "路灯"}', "JSON 列表"),
    ('[{"channel": "12345"}]', "第 1 项"),
    ('[{"text": "  "}]', "第 1 项"),
    ('[{"text": "路灯", "channel": 5}]', "channel"),
])
def test_a_bad_classify_file_is_a_clear_command_error(world, trained, tmp_path, content, says):
    file = tmp_path / "in.json"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=says):
        run("classify", str(file))


def test_a_missing_file_is_a_command_error(world, trained, tmp_path):
    with pytest.raises(CommandError, match="无法读取"):
        run("classify", str(tmp_path / "nowhere.json"))


def test_evaluate_prints_the_held_out_figures(world):
    out, err = run("evaluate")
    assert "先训练一个" in err and "首选准确率" in out and "前三准确率" in out


def test_evaluate_a_labelled_file(world, trained, tmp_path):
    file = tmp_path / "labelled.jsonl"
    file.write_text('{"text": "路灯坏了晚上很黑", "code": "M002"}\n'
                    '{"text": "井盖丢了", "code": "M002"}\n', encoding="utf-8")
    out, _err = run("evaluate", "--file", str(file))
    assert "2 条文本" in out and "首选准确率 50.0%" in out


def test_evaluate_refuses_a_bad_labelled_file(world, trained, tmp_path):
    file = tmp_path / "labelled.jsonl"
    file.write_text('{"text": "路灯坏了"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="第 1 行"):
        run("evaluate", "--file", str(file))
