"""Territorial codes in the unit-grid style (数字城管, GB/T 30428):

    county 6 digits · town +3 · community +3 · grid +W · unit grid +W · cell grid +W

W is `HUYING_GRID_SEQUENCE_WIDTH` (default 3). The code of a unit therefore begins with the
code of every unit above it.
"""

from __future__ import annotations

from django.conf import settings

from huying.org.models import Level

FIXED_WIDTH = {Level.COUNTY: 6, Level.TOWN: 3, Level.COMMUNITY: 3}


def segment_width(level: str) -> int:
    return FIXED_WIDTH.get(level, settings.HUYING_GRID_SEQUENCE_WIDTH)


def child_code(parent_code: str, level: str, sequence: int) -> str:
    """The code of the `sequence`-th (1-based) child at `level` under `parent_code`."""
    width = segment_width(level)
    if not 1 <= sequence < 10**width:
        raise ValueError(f"sequence {sequence} does not fit {width} digits")
    return f"{parent_code}{sequence:0{width}d}"
