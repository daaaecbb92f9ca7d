"""The labelled pairs of `data/evaluation.json` and how the scorer does on them.

The set is split by scene (`group`): every third scene is held out, so no text of the
held-out part is seen while the weights are fitted. `bench/duplicates.py` reports both
parts; the fitting itself (`weights_fit`) reads the training part only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from huying.duplicates.scoring import Judgement, Side

EVALUATION = Path(__file__).resolve().parent / "data" / "evaluation.json"


class BadPair(ValueError):
    """A pair that does not have the judge's shape; the message says where."""


def side_from_json(data: Any, where: str) -> Side:
    if not isinstance(data, dict):
        raise BadPair(f"{where}: expected an object")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadPair(f"{where}.text: expected a non-empty string")
    channel = data.get("channel", "")
    if not isinstance(channel, str):
        raise BadPair(f"{where}.channel: expected a string")
    raw_at = data.get("reported_at")
    try:
        reported_at = datetime.fromisoformat(raw_at) if isinstance(raw_at, str) else None
    except ValueError:
        reported_at = None
    if reported_at is None or reported_at.tzinfo is None:
        raise BadPair(f"{where}.reported_at: expected an ISO 8601 time with its offset")
    point = []
    for name, low, high in (("longitude", -180, 180), ("latitude", -90, 90)):
        value = data.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not low <= value <= high):
            raise BadPair(f"{where}.{name}: expected a number from {low} to {high} or null")
        point.append(value)
    if (point[0] is None) != (point[1] is None):
        raise BadPair(f"{where}: give both longitude and latitude, or neither")
    matter = data.get("matter")
    if matter is not None and not isinstance(matter, str):
        raise BadPair(f"{where}.matter: expected a matter code")
    units = {}
    for name in ("grid", "community"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise BadPair(f"{where}.{name}: expected a unit code")
        units[name] = value or None
    return Side(text=text, channel=channel, reported_at=reported_at, longitude=point[0],
                latitude=point[1], matter=matter or None, **units)


def pairs_from_json(data: Any) -> list[tuple[Side, Side]]:
    if not isinstance(data, list):
        raise BadPair("expected a JSON list of pairs {\"a\": {...}, \"b\": {...}}")
    pairs = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise BadPair(f"[{index}]: expected an object with \"a\" and \"b\"")
        pairs.append((side_from_json(item.get("a"), f"[{index}].a"),
                      side_from_json(item.get("b"), f"[{index}].b")))
    return pairs


@dataclass(frozen=True)
class Labelled:
    a: Side
    b: Side
    duplicate: bool
    kind: str
    held_out: bool


def labelled_pairs(path: Path = EVALUATION) -> list[Labelled]:
    data = json.loads(path.read_text(encoding="utf-8"))
    sides = pairs_from_json(data)
    return [Labelled(a=a.read(), b=b.read(), duplicate=bool(item["duplicate"]),
                     kind=item.get("kind", ""), held_out=is_held_out(item.get("group", "")))
            for (a, b), item in zip(sides, data, strict=True)]


def is_held_out(group: str) -> bool:
    """Every third scene ("s03", "s06" …); a pair of two scenes only if both are."""
    scenes = [g for g in group.split("+") if g]
    return bool(scenes) and all(int(g.lstrip("s")) % 3 == 0 for g in scenes)


@dataclass(frozen=True)
class Quality:
    pairs: int
    true_positive: int
    false_positive: int
    false_negative: int

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def quality(items: list[Labelled], judgements: list[Judgement], threshold: float) -> Quality:
    tp = fp = fn = 0
    for item, judgement in zip(items, judgements, strict=True):
        said = judgement.score >= threshold
        tp += said and item.duplicate
        fp += said and not item.duplicate
        fn += item.duplicate and not said
    return Quality(pairs=len(items), true_positive=tp, false_positive=fp, false_negative=fn)
