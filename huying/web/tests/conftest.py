from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.utils import timezone

from huying.cases import services as cs
from huying.cases.models import Case, Channel
from huying.common.tests.factories import World, build_world


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """build_world creates ~20 users; PBKDF2 would make each test wait seconds for them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_locators():
    from huying.cases.locating import locator_forget

    locator_forget()
    yield
    locator_forget()


@pytest.fixture
def now() -> datetime:
    # The pages read the real clock, so the data is built at the real time too.
    return timezone.now()


@pytest.fixture
def world(db, now) -> World:
    return build_world(now)


@pytest.fixture
def client_as(world):
    """`client_as("supervisor")`: a test client signed in as that world user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(world.user(username))
        return client

    return make


HTMX = {"HTTP_HX_REQUEST": "true"}


def report(world: World, now: datetime, *, by: str = "initiator_a", grid: int = 0,
           matter: str = "M002", channel: str = Channel.TOWN) -> Case:
    lon, lat = world.point_in(grid)
    case = cs.case_report(actor=world.user(by), county=world.county, channel=channel,
                          title="路灯不亮", description="新华路中段连续五六盏路灯不亮。",
                          longitude=lon, latitude=lat, reporter_name="张三",
                          reporter_phone="13912345678", now=now)
    return cs.case_register(case=case, actor=world.user(by), matter_code=matter, now=now)


def in_triage(world: World, now: datetime) -> Case:
    case = report(world, now)
    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="需市级部门处理",
                        now=now)
    return cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)


def dispatched(world: World, now: datetime) -> Case:
    case = in_triage(world, now)
    cs.case_dispatch(case=case, actor=world.user("supervisor"), lead=world.dept("D05"),
                     co=[world.dept("D25")], now=now)
    case.refresh_from_db()
    return case
