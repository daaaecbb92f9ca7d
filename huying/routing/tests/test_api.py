"""GET /api/v1/routing/suggest."""

from __future__ import annotations

import pytest
from django.test import Client

URL = "/api/v1/routing/suggest"


@pytest.fixture
def client_as(world):
    def make(username: str) -> Client:
        client = Client()
        client.force_login(world.user(username))
        return client

    return make


def test_the_top_three_with_names_and_departments(client_as, trained):
    response = client_as("grid_a").get(URL, {"text": "小区门口的路灯坏了，晚上很黑"})
    assert response.status_code == 200
    body = response.json()
    assert body["available"] is True and body["stale"] is False
    assert body["model_version"] == trained.version
    first = body["suggestions"][0]
    assert first["code"] == "M002" and first["name"] == "路灯不亮"
    assert first["lead_department"] == "市住房和城乡建设局"
    assert first["co_departments"] == ["市供电公司"]
    assert len(body["suggestions"]) == 3 and 0 < first["confidence"] <= 1


def test_without_a_model_there_is_nothing_to_suggest(client_as, world):
    body = client_as("supervisor").get(URL, {"text": "路灯坏了"}).json()
    assert body == {"available": False, "stale": False, "model_version": "", "suggestions": []}


@pytest.mark.parametrize("text", ["", "   ", "灯" * 2001])
def test_an_empty_or_too_long_text_is_a_422(client_as, trained, text):
    response = client_as("supervisor").get(URL, {"text": text})
    assert response.status_code == 422 and response.json()["details"]["field"] == "text"


def test_someone_who_may_not_report_is_refused(client_as, trained):
    assert client_as("responder_d05").get(URL, {"text": "路灯坏了"}).status_code == 403


def test_a_visitor_must_sign_in(db, trained):
    assert Client().get(URL, {"text": "路灯坏了"}).status_code == 401
