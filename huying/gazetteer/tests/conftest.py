from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from huying.gazetteer import services
from huying.gazetteer.locating import gazetteer_forget
from huying.gazetteer.models import Place, PlaceKind
from huying.org import services as org
from huying.org.models import Level
from tests.factories import World, build_world, square

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


@pytest.fixture
def now() -> datetime:
    return MONDAY


@pytest.fixture(autouse=True)
def fresh_caches():
    from huying.cases.locating import locator_forget

    gazetteer_forget()
    locator_forget()
    yield
    gazetteer_forget()
    locator_forget()


def place(world: World, name: str, kind: str, grid: int | None = None, *,
          unit=None, aliases: tuple[str, ...] = ()) -> Place:
    return services.place_save(actor=None, now=MONDAY, county=world.county, name=name,
                               kind=kind, unit=unit or world.grids[grid],
                               aliases=list(aliases))


@pytest.fixture
def world(db, now) -> World:
    """The test county with a few place names. Grids 0 and 1 lie in 海滨街道第一社区 (town
    0), grids 2 and 3 in 石岭镇第一社区 (town 1)."""
    world = build_world(now)
    # A second community in town 0, so that "the same community" can be told apart.
    extra = org.unit_create(actor=None, parent=world.towns[0], level=Level.COMMUNITY,
                            name="东关社区", geometry=square(122.0, 37.1, 0.1), now=now)
    grid = org.unit_create(actor=None, parent=extra, level=Level.GRID, name="东关社区第1网格",
                           geometry=square(122.0, 37.1, 0.1), now=now)
    world.communities.append(extra)
    world.grids.append(grid)   # grid 4
    place(world, "锦华小区", PlaceKind.COMPOUND, 0)
    place(world, "滨河东路", PlaceKind.ROAD, 1)
    place(world, "粮苑小区", PlaceKind.COMPOUND, 1, aliases=("老粮站小区",))
    place(world, "人民医院", PlaceKind.LANDMARK, 2, aliases=("市医院",))
    place(world, "翠竹花园", PlaceKind.COMPOUND, 3)
    place(world, "幸福里小区", PlaceKind.COMPOUND, 0)
    place(world, "幸福里小区", PlaceKind.COMPOUND, 2)   # the same name in two towns
    place(world, "海景公寓", PlaceKind.COMPOUND, 0)
    place(world, "海景公寓", PlaceKind.COMPOUND, 1)     # twice in one community
    place(world, "东关菜市场", PlaceKind.LANDMARK, 4)
    return world
