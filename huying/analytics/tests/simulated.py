"""Weeks of simulated reports in the test county, written straight into the case table and
counted into the rollups by the real refresh (`rollups_refresh_queued`): fast enough to give
every test its own ten weeks of history, and read by the warnings through the same figures
as in production.

`background` spreads reports over the first three grids (random points, ten matter types,
Poisson counts: a noisy but normal county); `plant` adds a burst at one spot.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from huying.analytics.rollups import rollups_queue, rollups_refresh_queued
from huying.cases.models import Case, CaseStatus, Channel
from huying.catalog.models import MatterType
from tests.factories import World

TZ = ZoneInfo("Asia/Shanghai")
MATTERS = ("M001", "M002", "M003", "M004", "M005", "M006", "M007", "M008", "M009", "M010")
_numbers = itertools.count(1)
# When the refresh records it computed the rollups (only stored, never compared).
REFRESHED_AT = datetime(2026, 3, 15, 21, 0, tzinfo=TZ)


def poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def matter(world: World, code: str) -> MatterType:
    return MatterType.objects.get(version__county=world.county, code=code)


def _case(world: World, *, grid: int, at: datetime, lon: float, lat: float, matter_type:
          MatterType, status: str, sensitive: bool = False, title: str = "路灯不亮") -> Case:
    unit = world.grids[grid]
    community = world.communities[grid // 2]
    return Case(number=f"SIM{next(_numbers):07d}", channel=Channel.TOWN, title=title,
                description=title, county=world.county, town=world.towns[grid // 2],
                community=community, grid=unit, unit=unit, matter_type=matter_type,
                colour=matter_type.colour, status=status, sensitive=sensitive,
                longitude=lon, latitude=lat, reported_at=at, updated_at=at)


def background(world: World, *, first: date, last: date, per_day: float = 1.5,
               grids: Sequence[int] = (0, 1, 2), seed: int = 1) -> list[Case]:
    """Resolved reports, `per_day` a grid on average, anywhere in the grid."""
    rng = random.Random(seed)
    types = [matter(world, code) for code in MATTERS]
    cases = []
    day = first
    while day <= last:
        for grid in grids:
            ring = world.grids[grid].geometry["coordinates"][0]
            for _ in range(poisson(rng, per_day)):
                at = datetime.combine(day, time(8), tzinfo=TZ) + timedelta(
                    minutes=rng.randrange(12 * 60))
                cases.append(_case(
                    world, grid=grid, at=at,
                    lon=rng.uniform(ring[0][0] + 0.001, ring[2][0] - 0.001),
                    lat=rng.uniform(ring[0][1] + 0.001, ring[2][1] - 0.001),
                    matter_type=rng.choice(types), status=CaseStatus.RESOLVED))
        day += timedelta(days=1)
    return save(cases)


def plant(world: World, *, grid: int, days: Sequence[date], per_day: int, code: str = "M002",
          status: str = CaseStatus.REGISTERED, sensitive: bool = False,
          spot: tuple[float, float] | None = None, title: str = "路灯不亮") -> list[Case]:
    """`per_day` reports on each of `days`, within a few metres of one spot of the grid."""
    lon, lat = spot or world.point_in(grid)
    matter_type = matter(world, code)
    cases = [_case(world, grid=grid, at=datetime.combine(day, time(9 + i % 8), tzinfo=TZ),
                   lon=lon + 0.00001 * i, lat=lat, matter_type=matter_type, status=status,
                   sensitive=sensitive, title=title)
             for day in days for i in range(per_day)]
    return save(cases)


def save(cases: list[Case]) -> list[Case]:
    created = Case.objects.bulk_create(cases)
    rollups_queue(c.pk for c in created)
    rollups_refresh_queued(now=REFRESHED_AT)
    return created


def span(last: date, days: int) -> list[date]:
    return [last - timedelta(days=i) for i in reversed(range(days))]
