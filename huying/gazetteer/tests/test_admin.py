"""The gazetteer's admin pages: places saved through the service, clear Chinese errors, and
a saved place seen by the next report of the process."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from huying.gazetteer.locating import gazetteer_for, locate_text
from huying.gazetteer.models import Place
from huying.org import services as org
from huying.org.models import Level
from tests.factories import PASSWORD, square

ADD = "/admin/gazetteer/place/add/"


@pytest.fixture
def admin_client(world) -> Client:
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    return client


def form(world, **overrides) -> dict:
    data = {"county": world.county.pk, "name": "金色家园", "kind": "compound",
            "unit": world.grids[3].pk, "aliases": "金色小区、老供电所宿舍",
            "longitude": "", "latitude": "", "geometry": "", "active": "on"}
    data.update(overrides)
    return data


def test_an_added_place_is_found_by_the_next_report_at_once(world, admin_client):
    assert locate_text(world.county, "老供电所宿舍楼下漏水").unit is None
    cached = gazetteer_for(world.county)
    response = admin_client.post(ADD, form(world))
    assert response.status_code == 302, response.content.decode()
    place = Place.objects.get(name="金色家园")
    assert place.aliases == ["金色小区", "老供电所宿舍"]
    assert gazetteer_for(world.county) is not cached
    assert locate_text(world.county, "老供电所宿舍楼下漏水").unit == world.grids[3]


def test_an_edit_is_seen_at_once_too(world, admin_client):
    place = Place.objects.get(name="锦华小区")
    assert locate_text(world.county, "锦华小区").unit == world.grids[0]
    response = admin_client.post(f"/admin/gazetteer/place/{place.pk}/change/",
                                 form(world, name="锦华小区", unit=world.grids[1].pk,
                                      aliases=""))
    assert response.status_code == 302
    assert locate_text(world.county, "锦华小区").unit == world.grids[1]


@pytest.mark.parametrize(("overrides", "error"), [
    ({"name": "  "}, "不能为空"),
    ({"name": "金"}, "名称至少两个字"),
    ({"geometry": json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0],
                                                                   [0, 1], [0, 0]]]})},
     "不是有效的 GeoJSON 多边形"),
    ({"longitude": "122.05", "latitude": ""}, "经度和纬度须同时填写或同时留空"),
    ({"longitude": "122.05", "latitude": "37.05"}, "定位点不在石岭镇网格2范围内"),
    ({"aliases": "金"}, "别名“金”太短"),
])
def test_bad_input_is_refused_with_a_clear_error_and_changes_nothing(world, admin_client,
                                                                    overrides, error):
    before = Place.objects.count()
    response = admin_client.post(ADD, form(world, **overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Place.objects.count() == before


def test_a_unit_of_another_county_is_refused(world, admin_client, now):
    other = org.unit_create(actor=None, parent=None, level=Level.COUNTY, name="邻县",
                            code="371098", geometry=square(121.0, 37.0, 0.2), now=now)
    town = org.unit_create(actor=None, parent=other, level=Level.TOWN, name="邻县城关镇",
                           geometry=square(121.0, 37.0, 0.2), now=now)
    response = admin_client.post(ADD, form(world, unit=town.pk))
    assert response.status_code == 200
    assert "不是示范市的镇街、社区（村）或网格" in response.content.decode()
    assert not Place.objects.filter(name="金色家园").exists()


def test_the_list_searches_and_filters(world, admin_client):
    response = admin_client.get("/admin/gazetteer/place/", {"q": "老粮站"})
    assert "粮苑小区" in response.content.decode()
    response = admin_client.get("/admin/gazetteer/place/", {"kind__exact": "landmark"})
    body = response.content.decode()
    assert "人民医院" in body and "锦华小区" not in body


def test_only_an_administrator_edits_places(world):
    staff = world.user("supervisor")
    staff.is_staff = True
    staff.save()
    client = Client()
    client.force_login(staff)
    assert client.get(ADD).status_code == 403
