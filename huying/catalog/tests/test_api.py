from __future__ import annotations

import json
from datetime import date

from huying.catalog.models import ListKind


def test_public_api_returns_the_lists_in_force_without_signing_in(loaded, client, admin_user):
    response = client.get("/api/v1/catalog/lists", {"on": "2025-03-01"})
    assert response.status_code == 200
    body = response.json()
    by_kind = {v["kind"]: v for v in body}
    assert set(by_kind) == set(ListKind.values)
    assert len(by_kind["town_duty"]["items"]) == 15
    assert len(by_kind["call"]["items"]) == 77
    assert len(by_kind["catalogue"]["items"]) == 92
    assert by_kind["town_duty"]["items"][0].keys() >= {"number", "matter_code", "title"}


def test_public_api_returns_one_list_by_kind(loaded, client):
    response = client.get("/api/v1/catalog/lists/town_duty", {"county": "371082"})
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert client.get("/api/v1/catalog/lists/nonsense").status_code == 404
    before = client.get("/api/v1/catalog/lists/call", {"on": "2024-01-01"})
    assert before.status_code == 404
    assert before.json()["code"] == "not_found"


def test_public_api_matter_types_carry_departments_limits_and_standard(loaded, client):
    response = client.get("/api/v1/catalog/matter-types")
    assert response.status_code == 200
    manhole = next(m for m in response.json() if m["code"] == "M001")
    assert manhole["lead_department"]["code"] == "D05"
    assert {d["code"] for d in manhole["co_departments"]} == {"D01", "D26", "D29"}
    assert manhole["sign_limit"] == {"amount": 0.5, "unit": "natural_hours",
                                     "unit_label": manhole["sign_limit"]["unit_label"]}
    assert manhole["standard"]


def test_public_api_contains_no_personal_data(loaded, client, admin_user, county, now):
    from huying.catalog import services

    draft = services.list_version_create(
        actor=admin_user, county=county, kind=ListKind.CALL, title="t", now=now,
        effective_from=loaded["versions"][ListKind.CALL].effective_from,
        copy_from=loaded["versions"][ListKind.CALL])
    services.list_version_publish(actor=admin_user, version=draft, now=now)
    text = json.dumps([client.get(url).json() for url in (
        "/api/v1/catalog/lists", "/api/v1/catalog/lists/call", "/api/v1/catalog/matter-types")],
        ensure_ascii=False)
    for personal in ("admin", "管理员", "published_by", "phone", "username"):
        assert personal not in text


def test_reference_lists_loaded_without_translations_read_in_chinese(county, now, client):
    """The reference versions' titles and notes are message keys: loaded by a process
    without translations, the API still reads them in Chinese."""
    from django.utils import translation

    from huying.catalog.reference import catalogue_load_reference

    with translation.override("en"):
        catalogue_load_reference(actor=None, county=county, now=now,
                                 effective_from=date(2025, 1, 1))
    body = client.get("/api/v1/catalog/lists/call", {"county": "371082"}).json()
    assert body["title"] == "呼应事项清单（参考版）"
    assert body["note"] == "由系统内置参考清单导入。"
