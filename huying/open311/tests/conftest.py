from __future__ import annotations

from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
import time_machine

from huying.cases import services as cs
from huying.cases.channel_keys import channel_key_issue
from huying.cases.models import Case, Channel
from huying.cases.tests.conftest import MONDAY
from tests.factories import World, build_world

BASE = "/open311/v2"
# The reads run an hour after the world's cases were reported.
READ_AT = MONDAY + timedelta(hours=1)


@pytest.fixture
def now() -> datetime:
    return MONDAY


@pytest.fixture
def world(db, now) -> World:
    return build_world(now)


@pytest.fixture(autouse=True)
def fresh_locators():
    from huying.cases.locating import locator_forget

    locator_forget()
    yield
    locator_forget()


@pytest.fixture
def frozen():
    """The server's clock at READ_AT (the views read timezone.now())."""
    with time_machine.travel(READ_AT, tick=False):
        yield READ_AT


@pytest.fixture
def api_key(world) -> str:
    """An Open311 key of the centre's supervisor, as `huying channel key` issues it."""
    _key, plaintext = channel_key_issue(actor=None, user=world.user("supervisor"),
                                        channel_code=Channel.OPEN311,
                                        source_system="随手拍小程序", now=MONDAY)
    return plaintext


def public_case(world: World, *, grid: int = 0, matter: str = "M002", now: datetime = MONDAY,
                channel: str = Channel.OPEN311,
                description: str = "新华路中段连续五六盏路灯不亮。", **extra) -> Case:
    """A registered case of a public channel, reported with a name and a phone number."""
    lon, lat = world.point_in(grid)
    case = cs.case_report(actor=world.user("supervisor"), county=world.county,
                          channel=channel, title="路灯不亮",
                          description=description, longitude=lon,
                          latitude=lat, reporter_name="张三丰", reporter_phone="13912345678",
                          address="新华路88号", now=now, **extra)
    return cs.case_register(case=case, actor=world.user("supervisor"), matter_code=matter,
                            now=now)


def xml_of(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def errors_of(response, fmt: str) -> list[dict]:
    """The spec's error list, from either format."""
    if fmt == "json":
        return response.json()
    root = xml_of(response)
    assert root.tag == "errors"
    return [{"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in root.findall("error")]
