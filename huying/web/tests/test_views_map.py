"""`/map/` (the county map, 一张图) and the maps of the other pages: the page reads Chinese,
hands its script the right endpoints for the viewer, the navigation offers it to the right
roles, and every map is drawn on the same base (with the tile layer when configured)."""

from __future__ import annotations

import json
import re

from django.test import Client

from huying.org import services as org
from huying.web.nav import nav_for
from huying.web.tests.conftest import report
from huying.web.tests.test_views_chinese import english_in
from huying.web.views.citizen import county_map as citizen_map


def page_data(html: str) -> dict:
    found = re.search(r'<script id="county-map-data" type="application/json">(.*?)</script>',
                      html, re.S)
    assert found, "the page's map data is missing"
    return json.loads(found.group(1))


def test_the_map_page_is_chinese_for_everyone_who_opens_it(world, client_as):
    for who in ("supervisor", "leader", "initiator_a", "reviewer_b", "responder_d05",
                "grid_a"):
        response = client_as(who).get("/map/")
        assert response.status_code == 200, who
        html = response.content.decode()
        assert "一张图" in html and "示范市" in html
        assert english_in(html, set(world.users)) == [], who


def test_the_page_hands_its_script_the_endpoints_and_the_words(world, client_as, settings):
    settings.HUYING_MAP_TILE_URL = ""
    data = page_data(client_as("supervisor").get("/map/").content.decode())
    assert data["api"] == {"base": "/api/v1/map/base", "cases": "/api/v1/map/cases",
                           "density": "/api/v1/map/density", "towns": "/api/v1/map/towns"}
    assert data["tiles"] == "" and data["county"] == world.county.code
    assert data["case_url"] == "/cases/NUMBER"
    assert data["labels"]["cases"] == "事项" and data["labels"]["density"] == "事项密度"
    assert data["colour_labels"]["red"] == "红色"
    # a department sees its cases but no density: the layer is not offered
    data = page_data(client_as("responder_d05").get("/map/").content.decode())
    assert data["api"]["density"] is None and data["api"]["towns"] is None


def test_the_filters_offer_matters_statuses_and_colours(world, client_as):
    html = client_as("leader").get("/map/").content.decode()
    assert '<option value="M002">' in html
    assert '<option value="open">全部在办</option>' in html
    assert '<option value="closed">' in html and '<option value="none">无颜色</option>' in html


def test_a_user_without_a_county_is_refused(world, now):
    nobody = org.user_create(actor=None, username="nobody", full_name="nobody",
                             password="x-pass-2026", now=now)
    client = Client()
    client.force_login(nobody)
    assert client.get("/map/").status_code == 403
    assert Client().get("/map/").status_code == 302  # to the sign-in


def test_the_navigation_offers_the_map_to_the_centre_leaders_and_towns(world):
    def offered(who: str) -> bool:
        return any(link.url == "/map/" for link in nav_for(world.user(who), None))

    for who in ("supervisor", "leader", "initiator_a", "reviewer_b", "admin"):
        assert offered(who), who
    for who in ("responder_d05", "grid_a", "volunteer_1"):
        assert not offered(who), who
    link = next(link for link in nav_for(world.user("leader"), "web:map") if link.url == "/map/")
    assert link.label == "一张图" and link.active


def test_every_map_shares_the_base_and_the_tiles(world, client_as, now, settings):
    settings.HUYING_MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.HUYING_MAP_TILE_ATTRIBUTION = "本县瓦片"
    case = report(world, now)
    html = client_as("initiator_a").get(f"/cases/{case.number}").content.decode()
    data = json.loads(re.search(r'<script id="case-map-data" type="application/json">(.*?)'
                                r'</script>', html, re.S).group(1))
    assert data["base"] == "/api/v1/map/base?level=town"
    assert data["tiles"] == settings.HUYING_MAP_TILE_URL and data["attribution"] == "本县瓦片"
    assert "web/map.js" in html
    page = page_data(client_as("leader").get("/map/").content.decode())
    assert page["tiles"] == settings.HUYING_MAP_TILE_URL
    html = client_as("initiator_a").get("/report").content.decode()
    data = json.loads(re.search(r'<script id="report-map-data" type="application/json">(.*?)'
                                r'</script>', html, re.S).group(1))
    assert data["base"] == "/api/v1/map/base?level=town"
    # the citizens' page has no account for the base's API: its towns are drawn as land
    h5 = citizen_map(world.county)
    assert h5["base"] is None and h5["tiles"] == settings.HUYING_MAP_TILE_URL
    assert [f["properties"]["code"] for f in h5["units"]["features"]] == [
        t.code for t in world.towns]
