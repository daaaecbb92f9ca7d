"""Text → territorial unit, with a per-process gazetteer cache.

Building a county's automaton reads its units and places, so each process keeps one per
county. The cache is only an accelerator: a save of a place or a unit in this process
forgets it at once (`apps.py` connects the signals), other processes see the edit within
`GAZETTEER_TTL_SECONDS`.
"""

from __future__ import annotations

import time

from django.conf import settings

from huying.gazetteer.matcher import Gazetteer, LocateResult
from huying.gazetteer.models import Place
from huying.org.models import OrgUnit

GAZETTEER_TTL_SECONDS = 300
_gazetteers: dict[int, tuple[float, Gazetteer]] = {}


def gazetteer_build(county: OrgUnit) -> Gazetteer:
    units = (OrgUnit.objects.filter(path__startswith=county.path, active=True)
             .defer("geometry").order_by("code"))
    places = (Place.objects.filter(county=county, active=True)
              .only("name", "kind", "aliases", "unit_id").order_by("pk"))
    return Gazetteer(county, units, places)


def gazetteer_for(county: OrgUnit) -> Gazetteer:
    cached = _gazetteers.get(county.pk)
    if cached is not None and time.monotonic() - cached[0] < GAZETTEER_TTL_SECONDS:
        return cached[1]
    gazetteer = gazetteer_build(county)
    _gazetteers[county.pk] = (time.monotonic(), gazetteer)
    return gazetteer


def gazetteer_forget(*_args: object, **_kwargs: object) -> None:
    """Drop every cached automaton (also a signal receiver: a place or a unit changed)."""
    _gazetteers.clear()


def min_confidence() -> float:
    return float(settings.HUYING_LOCATE_MIN_CONFIDENCE)


def locate_text(county: OrgUnit, text: str, address: str = "", *, title: str = "",
                threshold: float | None = None) -> LocateResult:
    """Where the words put a report of `county`: `text` is its description, `address`
    the address field (weighted higher). Reads no case and writes nothing."""
    return gazetteer_for(county).locate(
        address=address, title=title, description=text,
        min_confidence=min_confidence() if threshold is None else threshold)
