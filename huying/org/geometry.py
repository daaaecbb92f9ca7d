"""Boundaries of territorial units: validation of GeoJSON polygons and point location.

Geometry is stored as plain GeoJSON (longitude, latitude; WGS-84/GCJ-02 as the map supplies)
in `OrgUnit.geometry`; shapely 2 does the geometry in memory, so no GDAL/PostGIS is needed.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from huying.common.errors import ValidationFailed
from huying.org.models import LEVEL_ORDER, OrgUnit

POLYGON_TYPES = ("Polygon", "MultiPolygon")


def _refuse(reason: str) -> ValidationFailed:
    return ValidationFailed(
        _("The boundary is not a valid GeoJSON polygon: %(reason)s") % {"reason": reason},
        code="invalid_geometry")


def _position(value: Any) -> list[float]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise _refuse(_("a position must be [longitude, latitude]"))
    lon, lat = value[0], value[1]
    for number in (lon, lat):
        if isinstance(number, bool) or not isinstance(number, int | float) \
                or not math.isfinite(number):
            raise _refuse(_("coordinates must be numbers"))
    if not -180 <= lon <= 180:
        raise _refuse(_("longitude %(value)s is out of range (-180 to 180)") % {"value": lon})
    if not -90 <= lat <= 90:
        raise _refuse(_("latitude %(value)s is out of range (-90 to 90)") % {"value": lat})
    # Altitude, if any, is dropped: boundaries are two-dimensional.
    return [float(lon), float(lat)]


def _ring(value: Any) -> list[list[float]]:
    if not isinstance(value, list | tuple):
        raise _refuse(_("a ring must be a list of positions"))
    ring = [_position(p) for p in value]
    if len(ring) < 4:
        raise _refuse(_("a ring needs at least four positions"))
    if ring[0] != ring[-1]:
        raise _refuse(_("a ring must end where it starts (closed ring)"))
    return ring


def _polygon(value: Any) -> list[list[list[float]]]:
    if not isinstance(value, list | tuple) or not value:
        raise _refuse(_("a polygon must be a non-empty list of rings"))
    return [_ring(r) for r in value]


def _why_invalid(geom: BaseGeometry) -> str:
    """GEOS's reason ("Self-intersection[0.5 0.5]") in the user's language."""
    reason = explain_validity(geom)
    name, _bracket, where = reason.partition("[")
    known = {
        "Self-intersection": _("self-intersection"),
        "Ring Self-intersection": _("a ring touches itself"),
        "Too few points": _("too few points"),
        "Hole lies outside shell": _("a hole lies outside the outer ring"),
        "Nested shells": _("nested outer rings"),
        "Nested holes": _("nested holes"),
        "Interior is disconnected": _("the interior is cut in pieces"),
        "Invalid Coordinate": _("an invalid coordinate"),
    }.get(name.strip())
    if known is None:
        return reason
    return f"{known} [{where}" if where else known


def geometry_validate(value: Any) -> dict:
    """Check a boundary and return it normalised to `{"type", "coordinates"}`.

    Accepts a GeoJSON Polygon or MultiPolygon (or a Feature wrapping one), as a dict or a JSON
    string. Refuses anything else, coordinates out of range, open rings and invalid shapes
    (self-intersections, bow-ties) with `ValidationFailed`.
    """
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except (ValueError, UnicodeDecodeError):
            raise _refuse(_("the text is not JSON")) from None
    if not isinstance(value, dict):
        raise _refuse(_("expected a GeoJSON object"))
    if value.get("type") == "Feature":
        value = value.get("geometry")
        if not isinstance(value, dict):
            raise _refuse(_("the feature has no geometry"))
    kind = value.get("type")
    if kind not in POLYGON_TYPES:
        raise _refuse(_("the type must be Polygon or MultiPolygon, not %(type)s")
                      % {"type": kind if isinstance(kind, str) else "?"})
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        normalised = _polygon(coordinates)
    else:
        if not isinstance(coordinates, list | tuple) or not coordinates:
            raise _refuse(_("a multipolygon must be a non-empty list of polygons"))
        normalised = [_polygon(p) for p in coordinates]
    result = {"type": kind, "coordinates": normalised}
    try:
        geom = shape(result)
    except Exception:  # shapely raises several types for malformed input
        raise _refuse(_("the shape cannot be built")) from None
    if not geom.is_valid:
        raise _refuse(_("the shape is invalid (%(detail)s)") % {"detail": _why_invalid(geom)})
    if geom.is_empty or geom.area <= 0:
        raise _refuse(_("the polygon has no area"))
    return result


class UnitLocator:
    """Finds the deepest territorial unit containing a point (cell → unit → grid → …).

    Built from the units of one county with one STRtree per level; build it once per
    process or request and `rebuild()` after boundaries change. It holds no shared state.
    """

    def __init__(self, county: OrgUnit) -> None:
        self.county = county
        self.rebuild()

    def rebuild(self) -> None:
        units = (OrgUnit.objects.filter(path__startswith=self.county.path, active=True,
                                        geometry__isnull=False)
                 .order_by("code"))
        by_level: dict[str, tuple[list[OrgUnit], list[BaseGeometry]]] = {}
        for unit in units:
            try:
                geom = shape(unit.geometry)
            except Exception:  # a hand-edited bad boundary must not break location
                continue
            if geom.is_empty:
                continue
            bucket = by_level.setdefault(unit.level, ([], []))
            bucket[0].append(unit)
            bucket[1].append(geom)
        # Deepest level first, so the first hit is the most precise place.
        self._trees: list[tuple[list[OrgUnit], list[BaseGeometry], STRtree]] = [
            (units_, geoms, STRtree(geoms))
            for level in reversed(LEVEL_ORDER) if level in by_level
            for units_, geoms in [by_level[level]]
        ]

    @property
    def levels(self) -> list[str]:
        return [units[0].level for units, _geoms, _tree in self._trees]

    def locate(self, lon: float, lat: float) -> OrgUnit | None:
        """The deepest unit whose boundary covers (lon, lat), or None outside every unit."""
        point = Point(lon, lat)
        for units, _geoms, tree in self._trees:
            hits = tree.query(point, predicate="intersects")
            if len(hits):
                # Codes order the units, so a point on a shared edge always goes the same way.
                return units[int(min(hits))]
        return None

    def locate_at_level(self, lon: float, lat: float, level: str) -> OrgUnit | None:
        """The unit of one level (e.g. Level.GRID) covering the point."""
        point = Point(lon, lat)
        for units, _geoms, tree in self._trees:
            if units[0].level == level:
                hits = tree.query(point, predicate="intersects")
                return units[int(min(hits))] if len(hits) else None
        return None
