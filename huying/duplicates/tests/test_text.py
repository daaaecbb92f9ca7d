"""Text reading: the channels' boilerplate and the place names do not make two problems
alike."""

from __future__ import annotations

from huying.duplicates.text import TextProfile, cosine, normalise, split_place


def test_boilerplate_and_punctuation_are_taken_out():
    assert normalise("市民来电反映：幸福路路灯不亮，请尽快处理！") == "幸福路路灯不亮"
    assert normalise("网格员巡查发现，井盖缺失。") == "井盖缺失"


def test_place_names_are_split_from_the_problem():
    problem, places = split_place(normalise("我家门口的幸福路和建设街交叉口红绿灯不亮了"))
    assert "幸福路" in places and "建设街" in places
    assert "幸福" not in problem and "红绿灯不亮" in problem


def test_the_shared_address_of_two_problems_does_not_make_them_alike():
    a = TextProfile.of("光华里6号楼302群租，流动人口未登记。")
    b = TextProfile.of("光华里6号楼302疑似家庭暴力，需民警社区介入。")
    assert cosine(a.places, b.places) > 0.5
    assert cosine(a.problem, b.problem) < 0.2
    assert not a.concepts & b.concepts


def test_concepts_join_different_wordings_of_one_problem():
    caller = TextProfile.of("楼下自来水管子爆了，水一直往外冒")
    grid = TextProfile.of("供水管破裂漏水。")
    assert {"leak", "water_pipe"} <= caller.concepts & grid.concepts
