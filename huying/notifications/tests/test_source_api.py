"""GET /api/v1/intake/{channel}/updates: the pull feed of a source system's answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from huying.cases import services as cs
from huying.cases.channel_keys import channel_key_issue
from huying.cases.models import Channel
from huying.notifications.models import SourceUpdate

from .test_sources import HOTLINE_SOURCE, answering, filed, to_triage

URL = "/api/v1/intake/12345/updates"


def bearer(world, now, *, channel: str = "12345", source: str = HOTLINE_SOURCE) -> Client:
    _key, token = channel_key_issue(actor=world.user("admin"), user=world.user("leader"),
                                    channel_code=channel, source_system=source, now=now)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def feed(world, now) -> list[int]:
    """Five updates of the hotline's source system, one of another caller's."""
    answering("12345")
    to_triage(world, filed(world, "GD-1"), now)  # registered, awaiting_approval, triage
    case = filed(world, "GD-2", grid=1)
    cs.case_reject(case=case, actor=world.user("supervisor"), reason="不属于受理范围",
                   now=now + timedelta(minutes=5))
    filed(world, "MINE-1", source="supervisor")  # filed by a session user under its name
    return list(SourceUpdate.objects.filter(source_system=HOTLINE_SOURCE).order_by("pk")
                .values_list("pk", flat=True))


def test_pages_follow_the_cursor_oldest_first(world, now, feed):
    client = bearer(world, now)
    first = client.get(URL, {"limit": 2})
    assert first.status_code == 200
    body = first.json()
    assert [i["id"] for i in body["items"]] == feed[:2]
    assert body["has_more"] is True and body["next"] == str(feed[1])
    assert body["items"][0]["status_label"] == "已立案"
    rest = client.get(URL, {"after": body["next"], "limit": 500}).json()
    assert [i["id"] for i in rest["items"]] == feed[2:]
    assert rest["has_more"] is False
    rejected = rest["items"][-1]
    assert (rejected["external_id"], rejected["status"], rejected["result"]) == (
        "GD-2", "rejected", "不属于受理范围")
    empty = client.get(URL, {"after": rest["next"]}).json()
    assert empty == {"items": [], "next": rest["next"], "has_more": False}


def test_each_caller_reads_only_its_own_source_system(world, now, feed):
    session = Client()
    session.force_login(world.user("supervisor"))
    items = session.get(URL).json()["items"]
    assert [i["external_id"] for i in items] == ["MINE-1"]
    other = bearer(world, now, source="another-system").get(URL).json()
    assert other["items"] == []


def test_another_channels_key_is_403(world, now, feed):
    answering("city_management")
    response = bearer(world, now, channel="city_management").get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "channel_not_allowed"


@pytest.mark.parametrize("query, field", [
    ({"after": "abc"}, "after"), ({"after": "-1"}, "after"), ({"after": "1" * 19}, "after"),
    ({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"limit": "ten"}, "limit"),
])
def test_a_bad_cursor_or_limit_is_422_in_chinese(world, now, feed, query, field):
    response = bearer(world, now).get(URL, query)
    assert response.status_code == 422
    body = response.json()
    assert body["details"]["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_a_channel_not_answered_back_is_403_and_an_unknown_one_404(world, now):
    Channel.objects.filter(code="grid").update(must_answer_back=False)
    client = Client()
    client.force_login(world.user("supervisor"))
    refused = client.get("/api/v1/intake/grid/updates")
    assert refused.status_code == 403 and refused.json()["code"] == "not_answered_back"
    assert client.get("/api/v1/intake/nope/updates").status_code == 404


def test_an_anonymous_caller_is_401(db):
    assert Client().get(URL).status_code == 401


def test_the_pull_query_count_is_flat_in_the_page_size(world, now, feed,
                                                       django_assert_max_num_queries):
    client = bearer(world, now)
    with django_assert_max_num_queries(8):
        assert len(client.get(URL, {"limit": 500}).json()["items"]) == len(feed)
