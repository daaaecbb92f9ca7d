"""Hotspots (热点): where and what is reported most, for the dashboard and the big screen.

Read from the rollups (`figures.breakdown`), one query per call. A hexagonal cell is named
by the unit at its centre (the per-process locator, `cases/locating.py`) and carries its
centre and outline for a map.
"""

from __future__ import annotations

from dataclasses import dataclass

import h3
from django.utils.translation import gettext as _

from huying.analytics.figures import Slice, breakdown
from huying.cases.locating import locate
from huying.common.errors import ValidationFailed

HOTSPOT_GROUPS = ("grid", "unit", "town", "cell", "matter_type")
MAX_LIMIT = 100


@dataclass(frozen=True)
class Hotspot:
    key: object
    label: str
    count: int          # reports received in the slice
    share: float        # of every report of the slice, located or not (0–1)
    open: int           # of them still open
    sensitive: int
    centre: tuple[float, float] | None = None            # (latitude, longitude) of a cell
    outline: tuple[tuple[float, float], ...] = ()        # a cell's corners, (lat, lng)

    @property
    def percent(self) -> str:
        return f"{self.share * 100:.1f}%"


HOTSPOT_MEASURES = ("received", "open", "sensitive")


def hotspots(s: Slice, by: str = "grid", limit: int = 10) -> list[Hotspot]:
    """The `limit` keys of `by` with most reports in the slice, most first; reports not
    located (or not classified) count in the shares but are never a hotspot."""
    if by not in HOTSPOT_GROUPS:
        raise ValidationFailed(_("Hotspots are by grid, unit, town, cell or matter type."),
                               field="by")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(_("Ask for 1 to %(max)d hotspots.") % {"max": MAX_LIMIT},
                               field="limit")
    rows = breakdown(s, by, HOTSPOT_MEASURES)
    total = sum(row["received"] for row in rows)
    spots = []
    for row in rows:
        if row.key in (0, "", None) or not row["received"]:
            continue
        centre: tuple[float, float] | None = None
        outline: tuple[tuple[float, float], ...] = ()
        label = row.label
        if by == "cell":
            lat, lng = h3.cell_to_latlng(str(row.key))
            centre = (lat, lng)
            outline = tuple(h3.cell_to_boundary(str(row.key)))
            unit = locate(s.county, lng, lat)
            label = unit.name if unit is not None else str(row.key)
        spots.append(Hotspot(key=row.key, label=label, count=row["received"],
                             share=row["received"] / total if total else 0.0,
                             open=row["open"], sensitive=row["sensitive"], centre=centre,
                             outline=outline))
        if len(spots) >= limit:
            break
    return spots
