"""Point → territorial unit, with a per-process locator cache.

Building a locator reads every boundary of a county, so each process keeps one per county
for a few minutes. The cache is only an accelerator: any process can rebuild it, and a
boundary edit is seen everywhere within `LOCATOR_TTL_SECONDS`.
"""

from __future__ import annotations

import time

from huying.org.geometry import UnitLocator
from huying.org.models import OrgUnit

LOCATOR_TTL_SECONDS = 300
_locators: dict[int, tuple[float, UnitLocator]] = {}


def locator_for(county: OrgUnit) -> UnitLocator:
    cached = _locators.get(county.pk)
    if cached is not None and time.monotonic() - cached[0] < LOCATOR_TTL_SECONDS:
        return cached[1]
    locator = UnitLocator(county)
    _locators[county.pk] = (time.monotonic(), locator)
    return locator


def locator_forget() -> None:
    _locators.clear()


def locate(county: OrgUnit, longitude: float, latitude: float) -> OrgUnit | None:
    return locator_for(county).locate(longitude, latitude)
