"""Locating by address: accuracy on a labelled set of callers' addresses and report texts
over the demo county (seed 42), and speed against a plain `str.find` loop over the same
names in the same run.

`python -m bench locate [REPEATS] [--set development|evaluation] [--show]`. Every text is
sorted into one of four outcomes:

- right: located to the expected grid (or a unit or cell grid inside it);
- coarse: located to a unit that contains the expected grid (its community): not wrong,
  but not the grid the target counts;
- unresolved: not located (waits in 待定位 for a person);
- wrong: located to a unit that does not contain the expected place, or a text naming no
  known place located anywhere. Wrong is worse than unresolved: a case sent to the wrong
  grid is handled by the wrong people.

The evaluation set (`huying/gazetteer/data/evaluation.jsonl`) is what is reported; the
development set is the one the rules were tuned on.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

from bench.sweep import setup_django

DATA = Path(__file__).resolve().parents[1] / "huying" / "gazetteer" / "data"


def load(name: str) -> list[dict]:
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def run(*, rows: int, argv: list[str] | None = None) -> None:
    argv = argv if argv is not None else sys.argv[2:]
    set_name = "development" if "development" in argv else "evaluation"
    show = "--show" in argv
    setup_django()
    from django.utils import timezone, translation

    from huying.demo.seed import demo_seed
    from huying.gazetteer.locating import gazetteer_for, locate_text, min_confidence
    from huying.gazetteer.names import normalise
    from huying.org.models import OrgUnit

    translation.activate("zh-hans")
    started = time.perf_counter()
    county = demo_seed(seed=42, now=timezone.now()).county
    print(f"locate benchmark: demo county seeded in {time.perf_counter() - started:.1f} s")
    data = load(set_name)
    units = {u.code: u for u in OrgUnit.objects.filter(path__startswith=county.path)}
    started = time.perf_counter()
    gazetteer = gazetteer_for(county)
    build_time = time.perf_counter() - started

    outcomes: Counter[str] = Counter()
    failures: list[tuple[str, dict, str]] = []
    for row in data:
        result = locate_text(county, row["text"], row["address"])
        expected = units.get(row["expect"]) if row["expect"] else None
        if result.unit is None:
            outcome = "unresolved"
        elif expected is None:
            outcome = "wrong"
        elif result.unit.is_within(expected):
            outcome = "right"
        elif expected.is_within(result.unit):
            outcome = "coarse"
        else:
            outcome = "wrong"
        kind = "negative" if expected is None else "positive"
        outcomes[(kind, outcome)] += 1
        listed = outcome == "wrong" or (show and kind == "positive" and outcome != "right")
        if listed:
            got = f"{result.unit.name}({result.confidence:.2f})" if result.unit else \
                f"— {result.reason}"
            failures.append((outcome, row, got))

    positives = sum(v for (k, _o), v in outcomes.items() if k == "positive")
    negatives = sum(v for (k, _o), v in outcomes.items() if k == "negative")
    print(f"set: {set_name} — {positives} texts naming a known place, {negatives} naming "
          f"none; threshold {min_confidence():.2f}; {gazetteer.size:,} names, automaton "
          f"built in {build_time * 1000:.0f} ms")
    for outcome in ("right", "coarse", "unresolved", "wrong"):
        count = outcomes[("positive", outcome)]
        print(f"  naming a place   {outcome:<10} {count:4d}  {count / positives:6.1%}")
    for outcome in ("unresolved", "wrong"):
        count = outcomes[("negative", outcome)]
        print(f"  naming no place  {outcome:<10} {count:4d}  {count / max(negatives, 1):6.1%}")
    wrong = outcomes[("positive", "wrong")] + outcomes[("negative", "wrong")]
    print(f"  wrongly located, all texts: {wrong} of {len(data)} ({wrong / len(data):.1%})")
    for outcome, row, got in failures:
        print(f"    [{outcome}] {row['id']} {row['address']}｜{row['text']} → {got} "
              f"(expected {row['place'] or 'nothing'})")

    # Speed: the whole pipeline (normalise, automaton, resolution) against the simplest
    # correct alternative, a `str.find` of every name over the same texts.
    texts = [(row["text"], row["address"]) for row in data] * rows
    started = time.perf_counter()
    for text, address in texts:
        locate_text(county, text, address)
    ours = time.perf_counter() - started
    names = sorted(gazetteer.automaton.keys(), key=len, reverse=True)
    started = time.perf_counter()
    for text, address in texts:
        whole = normalise(address + text)
        [name for name in names if whole.find(name) >= 0]
    reference = time.perf_counter() - started
    print(f"speed: {len(texts) / ours:,.0f} addresses/s located; reference str.find loop "
          f"over {len(names):,} names (matching only, no resolution) "
          f"{len(texts) / reference:,.0f}/s; ratio {reference / ours:.1f}× faster")
