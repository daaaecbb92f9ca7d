"""GET /api/v1/analytics/figures: counts from the rollups, scoped like the indicators."""

from __future__ import annotations

import pytest

from huying.analytics.tests.scenario import build_march

URL = "/api/v1/analytics/figures?from=2026-03-01&to=2026-03-31"


@pytest.fixture
def march(world):
    return build_march(world)


def test_totals_breakdown_and_trend(world, march, api_as):
    answer = api_as("leader").get(URL + "&by=town&grain=week")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["totals"]["received"] == 9
    assert body["rows"][0]["label"] == world.towns[0].name
    assert sum(p["measures"]["received"] for p in body["trend"]) == 9


def test_a_town_sees_its_own_town_only(world, march, api_as):
    own, other = world.towns[0].code, world.towns[1].code
    assert api_as("reviewer_a").get(URL + f"&unit={own}").status_code == 200
    assert api_as("reviewer_a").get(URL + f"&unit={other}").status_code == 403
    assert api_as("reviewer_a").get(URL).status_code == 403  # not the whole county
    assert api_as("volunteer_1").get(URL).status_code == 403


@pytest.mark.parametrize("bad", [
    "&unit=NOPE", "&matter_type=X999", "&colour=purple", "&by=weekday", "&grain=hour",
    "&channel=nope", "&domain=ZZ",
])
def test_bad_filters_are_422(world, march, api_as, bad):
    answer = api_as("leader").get(URL + bad)
    assert answer.status_code == 422, (bad, answer.content)


def test_a_period_backwards_or_too_long_is_422(world, march, api_as):
    leader = api_as("leader")
    assert leader.get("/api/v1/analytics/figures?from=2026-03-31&to=2026-03-01"
                      ).status_code == 422
    assert leader.get("/api/v1/analytics/figures?from=2000-01-01&to=2026-03-01"
                      ).status_code == 422
    assert leader.get("/api/v1/analytics/figures?from=2026-13-01&to=2026-03-01"
                      ).status_code == 422


def test_constant_queries(world, march, api_as, django_assert_max_num_queries):
    leader = api_as("leader")
    leader.get(URL + "&by=matter_type")  # warm the session and the caches
    with django_assert_max_num_queries(12):
        assert leader.get(URL + "&by=matter_type&grain=day").status_code == 200
