from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from huying.notifications.models import Kind, Notification
from huying.notifications.services import notify

BASE = "/api/v1/notifications"


@pytest.fixture
def mine(world, now) -> list[Notification]:
    me = world.user("supervisor")
    rows = [notify(users=[me], kind=Kind.SLA_WARNING, title=f"提醒{i}", body="",
                   now=now + timedelta(minutes=i))[0] for i in range(3)]
    notify(users=[world.user("leader")], kind=Kind.SYSTEM, title="别人的", body="", now=now)
    return rows


@pytest.fixture
def client(world) -> Client:
    client = Client()
    client.force_login(world.user("supervisor"))
    return client


def test_list_is_mine_newest_first_and_paged(client, mine):
    data = client.get(BASE, {"limit": 2}).json()
    assert data["total"] == 3 and data["unread"] == 3
    assert [i["title"] for i in data["items"]] == ["提醒2", "提醒1"]
    assert data["items"][0]["kind_label"] == "期限预警"
    data = client.get(BASE, {"limit": 2, "offset": 2}).json()
    assert [i["title"] for i in data["items"]] == ["提醒0"]


def test_unread_filter_and_count(client, mine):
    assert client.post(f"{BASE}/{mine[0].pk}/read").status_code == 200
    assert client.get(f"{BASE}/unread-count").json() == {"unread": 2}
    data = client.get(BASE, {"unread": "true"}).json()
    assert {i["title"] for i in data["items"]} == {"提醒1", "提醒2"}


def test_read_marks_the_notification(client, mine):
    response = client.post(f"{BASE}/{mine[1].pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    mine[1].refresh_from_db()
    assert mine[1].read_at is not None


def test_someone_elses_notification_is_404(client, world, mine):
    other = Notification.objects.get(user=world.user("leader"))
    response = client.post(f"{BASE}/{other.pk}/read")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    other.refresh_from_db()
    assert other.read_at is None


def test_read_all(client, world, mine):
    assert client.post(f"{BASE}/read-all").json() == {"marked": 3, "unread": 0}
    assert Notification.objects.get(user=world.user("leader")).read_at is None


def test_anonymous_is_401(world):
    assert Client().get(BASE).status_code == 401
    assert Client().get(f"{BASE}/unread-count").status_code == 401


def test_bad_limit_is_422(client, mine):
    assert client.get(BASE, {"limit": 1000}).status_code == 422
