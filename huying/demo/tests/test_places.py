"""The demo county's place names (unique, each inside its grid) and the labelled sets of
bench/locate.py over them (every expected grid exists, every positive names a place)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from huying.demo.geography import SMALL
from huying.demo.seed import demo_seed
from huying.gazetteer.locating import gazetteer_forget
from huying.gazetteer.models import Place
from huying.org.models import Level, OrgUnit

DATA = Path(__file__).resolve().parents[2] / "gazetteer" / "data"
NOW = datetime(2026, 3, 2, tzinfo=UTC)


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(("name", "least"), [("evaluation", 300), ("development", 40)])
def test_the_sets_label_real_grids_of_the_demo_county(db, name, least):
    demo_seed(seed=42, now=NOW)
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


def test_every_community_has_its_own_uniquely_named_places_inside_their_grids(db):
    county = demo_seed(seed=7, sizes=SMALL, now=NOW).county
    places = list(Place.objects.filter(county=county).select_related("unit"))
    names = [p.name for p in places]
    assert len(names) == len(set(names)) > 30
    assert {p.kind for p in places} >= {"road", "compound", "landmark"}
    assert any(p.aliases for p in places)
    for place in places:
        assert place.unit.level == Level.GRID
        assert shape(place.unit.geometry).contains(Point(place.longitude, place.latitude))
    communities = {p.unit.parent_id for p in places if p.kind == "road"}
    assert len(communities) > 3  # not the same roads everywhere
