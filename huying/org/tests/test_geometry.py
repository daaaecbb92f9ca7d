from __future__ import annotations

import json

import pytest

from huying.common.errors import ValidationFailed
from huying.org import services
from huying.org.geometry import UnitLocator, geometry_validate
from huying.org.models import Level
from huying.org.tests.conftest import NOW, square


def test_a_polygon_is_normalised_from_a_json_string():
    value = json.dumps({"type": "Polygon",
                        "coordinates": [[[122, 37, 5], [122.1, 37], [122.1, 37.1], [122, 37]]]})
    result = geometry_validate(value)
    assert result == {"type": "Polygon", "coordinates": [
        [[122.0, 37.0], [122.1, 37.0], [122.1, 37.1], [122.0, 37.0]]]}


def test_a_multipolygon_and_a_feature_are_accepted():
    multi = {"type": "MultiPolygon", "coordinates": [square(122, 37, 0.1)["coordinates"],
                                                     square(122.5, 37, 0.1)["coordinates"]]}
    assert geometry_validate(multi)["type"] == "MultiPolygon"
    feature = {"type": "Feature", "properties": {}, "geometry": square(122, 37, 0.1)}
    assert geometry_validate(feature)["type"] == "Polygon"


@pytest.mark.parametrize("value", [
    "not json",
    "[1, 2",
    42,
    {"type": "Point", "coordinates": [122, 37]},
    {"type": "LineString", "coordinates": [[122, 37], [123, 38]]},
    {"type": "Polygon"},
    {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [[[122, 37], [122.1, 37], [122.1, 37.1]]]},  # too short
    {"type": "Polygon", "coordinates": [[[122, 37], [122.1, 37], [122.1, 37.1], [122, 37.1]]]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},  # bow-tie
    {"type": "Polygon", "coordinates": [[[181, 0], [182, 0], [182, 1], [181, 0]]]},
    {"type": "Polygon", "coordinates": [[[0, 91], [1, 91], [1, 92], [0, 91]]]},
    {"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1], ["a", 0]]]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]},  # no area
])
def test_anything_but_a_valid_polygon_is_refused_with_a_clear_message(value):
    with pytest.raises(ValidationFailed) as info:
        geometry_validate(value)
    assert info.value.message.startswith("边界不是有效的 GeoJSON 多边形：")


def test_the_bow_tie_message_names_the_self_intersection():
    with pytest.raises(ValidationFailed) as info:
        geometry_validate({"type": "Polygon",
                           "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]})
    assert "自相交" in info.value.message


@pytest.fixture
def tree(county, town, community, grid):
    """county 1°×1°, town 0.5°, community 0.2°, grid 0.1° squares at (122, 37);
    the grid has one unit (0.05°) with one cell (0.025°)."""
    unit = services.unit_create(actor=None, parent=grid, level=Level.UNIT, name="单元格",
                                geometry=square(122, 37, 0.05), now=NOW)
    cell = services.unit_create(actor=None, parent=unit, level=Level.CELL, name="细胞格",
                                geometry=square(122, 37, 0.025), now=NOW)
    return {"county": county, "town": town, "community": community, "grid": grid,
            "unit": unit, "cell": cell}


def test_the_locator_returns_the_deepest_unit_containing_the_point(tree):
    locator = UnitLocator(tree["county"])
    assert locator.locate(122.01, 37.01) == tree["cell"]
    assert locator.locate(122.04, 37.04) == tree["unit"]
    assert locator.locate(122.08, 37.08) == tree["grid"]
    assert locator.locate(122.15, 37.15) == tree["community"]
    assert locator.locate(122.4, 37.4) == tree["town"]
    assert locator.locate(122.9, 37.9) == tree["county"]
    assert locator.locate_at_level(122.01, 37.01, Level.GRID) == tree["grid"]


def test_the_locator_returns_none_outside_the_county(tree):
    locator = UnitLocator(tree["county"])
    assert locator.locate(121.5, 37.5) is None
    assert locator.locate(0, 0) is None


def test_the_locator_sees_new_boundaries_after_a_rebuild(tree):
    locator = UnitLocator(tree["county"])
    services.unit_update_geometry(actor=None, unit=tree["cell"],
                                  geometry=square(122.03, 37.03, 0.01), now=NOW)
    assert locator.locate(122.01, 37.01) == tree["cell"]
    locator.rebuild()
    assert locator.locate(122.01, 37.01) == tree["unit"]
    assert locator.locate(122.035, 37.035) == tree["cell"]
