"""The labelled set: its shape, and the scorer's quality on the held-out scenes (a
regression guard; the figures themselves are `python -m bench duplicates`)."""

from __future__ import annotations

import json
from collections import Counter

from huying.catalog.relations import RELATION_SEED
from huying.duplicates.evaluation import EVALUATION, labelled_pairs, pairs_from_json, quality
from huying.duplicates.scoring import judge

RELATIONS = frozenset(frozenset((a, b)) for a, b, _ in RELATION_SEED)


def test_the_set_has_three_hundred_pairs_of_every_kind_in_the_judge_format():
    data = json.loads(EVALUATION.read_text(encoding="utf-8"))
    assert len(data) >= 300 and len(pairs_from_json(data)) == len(data)
    kinds = Counter(item["kind"] for item in data)
    assert set(kinds) == {"duplicate", "same_place_other_matter", "same_matter_weeks_later",
                          "other_scene"}
    assert min(kinds.values()) >= 30
    assert {item["a"]["channel"] for item in data} >= {"12345", "grid", "web"}


def test_the_held_out_scenes_are_judged_with_f1_above_0_9():
    held_out = [item for item in labelled_pairs() if item.held_out]
    assert 80 <= len(held_out) <= 120
    judgements = [judge(i.a, i.b, relations=RELATIONS) for i in held_out]
    result = quality(held_out, judgements, threshold=0.5)
    assert result.f1 >= 0.9, result
