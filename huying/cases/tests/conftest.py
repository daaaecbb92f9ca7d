from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from huying.cases import services as cs
from huying.cases.models import Case, Channel
from huying.common.tests.factories import World, build_world

TZ = ZoneInfo("Asia/Shanghai")
# A Monday morning after the 2026 Spring Festival holiday.
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


@pytest.fixture
def now() -> datetime:
    return MONDAY


@pytest.fixture
def world(db, now) -> World:
    return build_world(now)


def report(world: World, *, by: str = "initiator_a", grid: int = 0, matter: str = "M002",
           now: datetime = MONDAY, channel: str = Channel.TOWN, **extra) -> Case:
    lon, lat = world.point_in(grid)
    case = cs.case_report(actor=world.user(by), county=world.county, channel=channel,
                          title="路灯不亮", description="新华路中段连续五六盏路灯不亮。",
                          longitude=lon, latitude=lat, reporter_name="张三",
                          reporter_phone="13912345678", now=now, **extra)
    return cs.case_register(case=case, actor=world.user(by), matter_code=matter, now=now)


def called(world: World, *, matter: str = "M002", now: datetime = MONDAY) -> Case:
    """A town case called up and approved, waiting at the centre (triage)."""
    case = report(world, matter=matter, now=now)
    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="需市级部门处理",
                        now=now)
    return cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)


def dispatched(world: World, *, lead: str = "D05", co: tuple[str, ...] = ("D25",),
               now: datetime = MONDAY, **kwargs):
    case = called(world, now=now)
    assignments = cs.case_dispatch(case=case, actor=world.user("supervisor"),
                                   lead=world.dept(lead), co=[world.dept(c) for c in co],
                                   now=now, **kwargs)
    case.refresh_from_db()
    return case, assignments


@pytest.fixture(autouse=True)
def fresh_locators():
    from huying.cases.locating import locator_forget

    locator_forget()
    yield
    locator_forget()



@pytest.fixture
def api_as(world):
    """`api_as("supervisor")`: a test client signed in as that world user."""
    from django.test import Client

    def client_for(username: str, **kwargs) -> Client:
        client = Client(**kwargs)
        client.force_login(world.user(username))
        return client

    return client_for


def post_json(client, url: str, data: dict | None = None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)
