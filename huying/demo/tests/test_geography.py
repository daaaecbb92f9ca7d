from __future__ import annotations

from huying.demo.geography import SMALL, Sizes, county_plan, split
from huying.org.geometry import geometry_validate


def test_the_plan_is_deterministic_in_the_seed():
    first, second = county_plan(11, SMALL), county_plan(11, SMALL)
    pairs = list(zip(first.walk(), second.walk(), strict=True))
    assert all(a.name == b.name and a.geojson() == b.geojson() for a, b in pairs)
    other = county_plan(12, SMALL)
    assert [a.geojson() for a in other.walk()] != [a.geojson() for a in first.walk()]


def test_every_boundary_passes_validation():
    for area in county_plan(5, SMALL).walk():
        assert geometry_validate(area.geojson())["type"] in ("Polygon", "MultiPolygon")


def test_the_full_plan_has_about_eight_hundred_grids_and_unique_community_names():
    plan = county_plan(42, Sizes())
    grids = [a for a in plan.walk() if a.level == "grid"]
    communities = [a.name for a in plan.walk() if a.level == "community"]
    assert 780 <= len(grids) <= 830
    assert len(communities) == len(set(communities))
    assert sum(1 for g in grids if g.is_sea) >= 4
    lon_min, lat_min, lon_max, lat_max = plan.geometry.bounds
    assert lon_min >= 122.29 and lon_max <= 122.69 and lat_min >= 36.79 and lat_max <= 37.21


def test_split_tiles_a_square_into_non_overlapping_pieces():
    import random

    from shapely.geometry import box

    square = box(0, 0, 1, 1)
    pieces = split(square, 9, random.Random(1))
    assert len(pieces) == 9
    assert abs(sum(p.area for p in pieces) - 1) < 1e-9
    for i, a in enumerate(pieces):
        for b in pieces[i + 1:]:
            assert a.intersection(b).area < 1e-12
