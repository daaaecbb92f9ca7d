"""GET /api/v1/map/{base,cases,density,towns}: GeoJSON for the county map, scoped by the
viewer, refusing bad input with a clear 4xx, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from huying.analytics import map as county_map
from huying.analytics.figures import Slice, breakdown
from huying.analytics.tests.test_map import DAY, put
from huying.cases.tests.conftest import MONDAY, dispatched
from huying.org import services as org
from tests.factories import figures_refresh

PERIOD = f"from={DAY}&to={DAY}"


def test_the_base_is_a_feature_collection_for_any_county_staff(world, api_as):
    for who in ("leader", "initiator_b", "responder_d05", "grid_a"):
        answer = api_as(who).get("/api/v1/map/base?level=town")
        assert answer.status_code == 200, (who, answer.content)
        body = answer.json()
        assert body["type"] == "FeatureCollection" and body["county"] == world.county.code
        assert {f["properties"]["code"] for f in body["features"]} >= {
            t.code for t in world.towns}
        assert "private" in answer["Cache-Control"]
    grids = api_as("leader").get("/api/v1/map/base?level=grid").json()
    assert {f["properties"]["code"] for f in grids["features"]
            if f["properties"]["level"] == "grid"} == {g.code for g in world.grids}


def test_the_base_refuses_an_unknown_level_and_strangers(world, api_as, client):
    answer = api_as("leader").get("/api/v1/map/base?level=planet")
    assert answer.status_code == 422
    assert answer.json()["details"]["field"] == "level"
    assert client.get("/api/v1/map/base").status_code == 401
    nobody = org.user_create(actor=None, username="nobody", full_name="nobody",
                             password="x-pass-2026", now=MONDAY)
    stranger = Client()
    stranger.force_login(nobody)
    assert stranger.get("/api/v1/map/base").status_code == 403
    assert stranger.get(f"/api/v1/map/cases?{PERIOD}").status_code == 403
    assert api_as("leader").get("/api/v1/map/base?county=999999").status_code == 422


def test_the_cases_are_scoped_by_the_viewer(world, api_as):
    a = put(world, grid=0)
    b = put(world, grid=2, by="initiator_b")
    case, _ = dispatched(world, lead="D05", co=())

    def seen(who: str) -> set[str]:
        answer = api_as(who).get(f"/api/v1/map/cases?{PERIOD}")
        assert answer.status_code == 200, answer.content
        return {f["properties"]["number"] for f in answer.json()["features"]}

    assert seen("initiator_a") == {a.number, case.number}
    assert seen("initiator_b") == {b.number}
    assert seen("responder_d05") == {case.number}
    assert seen("responder_d07") == set()
    assert seen("supervisor") == seen("leader") == {a.number, b.number, case.number}


def test_the_cases_truncate_at_the_limit(world, api_as, monkeypatch):
    for i in range(3):
        put(world, at=(0.2 + 0.2 * i, 0.5))
    monkeypatch.setattr(county_map, "POINTS_LIMIT", 2)
    body = api_as("supervisor").get(f"/api/v1/map/cases?{PERIOD}").json()
    assert body["truncated"] is True and body["limit"] == 2 and len(body["features"]) == 2
    assert body["mode"] == "points"


def test_the_cases_cluster_when_zoomed_out(world, api_as):
    for i in range(3):
        put(world, at=(0.4 + 0.05 * i, 0.5))
    body = api_as("supervisor").get(f"/api/v1/map/cases?{PERIOD}&zoom=8").json()
    assert body["mode"] == "clusters"
    assert [f["properties"]["count"] for f in body["features"]] == [3]


@pytest.mark.parametrize("query", [
    "bbox=1,2,3", "bbox=122,37,121,38", "bbox=x,y,z,w", "bbox=122,95,123,96",
    "status=lost", "matter_type=X999", "colour=purple", "zoom=30", "zoom=x",
    f"from={DAY}&to=2026-01-01", "from=2026-13-01", "from=2000-01-01&to=2026-03-01",
])
def test_bad_case_filters_are_422(world, api_as, query):
    answer = api_as("supervisor").get(f"/api/v1/map/cases?{query}")
    assert answer.status_code == 422, (query, answer.content)
    assert {"code", "message"} <= set(answer.json())


def test_the_density_equals_the_rollups(world, api_as):
    for grid, by in ((0, "initiator_a"), (0, "initiator_a"), (1, "initiator_a"),
                     (3, "initiator_b")):
        put(world, grid=grid, by=by)
    figures_refresh()
    body = api_as("leader").get(f"/api/v1/map/density?{PERIOD}").json()
    rows = breakdown(Slice(county=world.county, first=DAY, last=DAY), "cell")
    assert {f["properties"]["cell"]: f["properties"]["count"] for f in body["features"]} == {
        r.key: r["received"] for r in rows if r.key}
    assert body["max"] == 2
    town_a = api_as("reviewer_a").get(f"/api/v1/map/density?{PERIOD}").json()
    assert sum(f["properties"]["count"] for f in town_a["features"]) == 3
    assert api_as("responder_d05").get(f"/api/v1/map/density?{PERIOD}").status_code == 403
    assert api_as("leader").get(f"/api/v1/map/density?{PERIOD}&matter_type=X1"
                                ).status_code == 422
    assert api_as("leader").get("/api/v1/map/density?from=2026-03-05&to=2026-03-01"
                                ).status_code == 422


def test_the_towns_counts(world, api_as):
    put(world, grid=0)
    put(world, grid=2, by="initiator_b")
    figures_refresh()
    body = api_as("leader").get(f"/api/v1/map/towns?{PERIOD}").json()
    assert {i["code"]: i["measures"]["received"] for i in body["items"]} == {
        world.towns[0].code: 1, world.towns[1].code: 1}
    own = api_as("initiator_b").get(f"/api/v1/map/towns?{PERIOD}").json()
    assert [i["code"] for i in own["items"]] == [world.towns[1].code]
    assert api_as("responder_d05").get(f"/api/v1/map/towns?{PERIOD}").status_code == 403


def test_constant_queries_whatever_the_number_of_cases(world, api_as,
                                                       django_assert_max_num_queries):
    supervisor, leader = api_as("supervisor"), api_as("leader")
    urls = ["/api/v1/map/base?level=town", "/api/v1/map/base?level=grid",
            f"/api/v1/map/cases?{PERIOD}", f"/api/v1/map/cases?{PERIOD}&zoom=10",
            f"/api/v1/map/density?{PERIOD}&matter_type=M002", f"/api/v1/map/towns?{PERIOD}"]
    put(world)
    figures_refresh()
    for url in urls:  # warm the session
        supervisor.get(url)
        leader.get(url)
    counts = {}
    for n in (1, 12):
        for i in range(n):
            put(world, grid=i % 2, at=(0.05 + 0.08 * i, 0.4))
            put(world, grid=2 + i % 2, by="initiator_b", at=(0.05 + 0.08 * i, 0.6))
        figures_refresh()
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert leader.get(url).status_code == 200, url
            counts.setdefault(url, []).append(len(queries))
    for url, seen in counts.items():
        assert seen[0] == seen[1], (url, seen)
    with django_assert_max_num_queries(8):
        assert leader.get(f"/api/v1/map/cases?{PERIOD}").status_code == 200
    with django_assert_max_num_queries(9):
        assert leader.get(f"/api/v1/map/density?{PERIOD}&matter_type=M002").status_code == 200
