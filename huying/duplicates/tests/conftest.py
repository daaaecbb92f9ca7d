from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from huying.cases import flows
from huying.cases.models import Case
from huying.catalog.models import MatterRelation
from huying.catalog.relations import matter_relations_seed
from tests.factories import World, build_world

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
METRE = 1 / 111_320  # a metre in degrees of latitude


@pytest.fixture
def now() -> datetime:
    return MONDAY


@pytest.fixture
def world(db, now) -> World:
    world = build_world(now)
    # Transactional tests flush what the migration seeded.
    matter_relations_seed(relation_model=MatterRelation)
    return world


@pytest.fixture(autouse=True)
def fresh_locators():
    from huying.cases.locating import locator_forget

    locator_forget()
    yield
    locator_forget()


def filed(world: World, capture, *, text: str, matter: str | None = None,
          by: str = "supervisor", channel: str = "12345", north_m: float = 0.0,
          grid: int = 0, at: datetime = MONDAY, external_id: str | None = None,
          point: bool = True, title: str = "") -> Case:
    """A report filed through the report flow (registered when a matter is given), with
    its on-commit work (duplicate finding) run as a committed request would run it."""
    lon, lat = world.point_in(grid)
    place = ({"longitude": lon, "latitude": lat + north_m * METRE} if point
             else {"unit": world.grids[grid]})
    with capture(execute=True):
        case, _created = flows.case_report_filed(
            actor=world.user(by), county=world.county, now=at, matter_code=matter,
            channel=channel, title=title or text[:20], description=text,
            reporter_name="王女士", reporter_phone="13812345678",
            external_ref=external_id or "", source_system="hotline" if external_id else None,
            **place)
    case.refresh_from_db()
    return case


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
