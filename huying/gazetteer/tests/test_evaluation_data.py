"""The labelled sets of bench/locate.py stay well-formed: every expected grid exists in
the demo county and every positive names a place of its gazetteer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from huying.demo.seed import demo_seed
from huying.gazetteer.locating import gazetteer_forget
from huying.gazetteer.models import Place
from huying.org.models import Level, OrgUnit

DATA = Path(__file__).resolve().parents[1] / "data"


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(("name", "least"), [("evaluation", 300), ("development", 40)])
def test_the_sets_label_real_grids_of_the_demo_county(db, name, least):
    demo_seed(seed=42, now=datetime(2026, 3, 2, tzinfo=UTC))
    gazetteer_forget()
    data = rows(name)
    positives = [r for r in data if r["expect"]]
    assert len(positives) >= least and len(data) > len(positives)
    assert len({r["id"] for r in data}) == len(data)
    grids = dict(OrgUnit.objects.filter(level=Level.GRID).values_list("code", "pk"))
    places = {(p.name, p.unit.code) for p in Place.objects.select_related("unit")}
    for row in positives:
        assert row["expect"] in grids, row
        assert (row["place"], row["expect"]) in places, row
