"""POST /call, /call-approve, /call-deny: the town calls the county (吹哨)."""

from __future__ import annotations

from huying.cases.models import CaseStatus
from huying.cases.tests.conftest import post_json, report

URL = "/api/v1/cases"


def test_initiator_calls_and_reviewer_approves(world, api_as):
    case = report(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/call",
                         {"reason": "需市级部门处理", "expected_version": case.version})
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.AWAITING_APPROVAL
    response = post_json(api_as("reviewer_a"), f"{URL}/{case.number}/call-approve",
                         {"comment": "同意"})
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.TRIAGE


def test_reviewer_denies_with_a_reason(world, api_as):
    case = report(world)
    post_json(api_as("initiator_a"), f"{URL}/{case.number}/call", {"reason": "需支援"})
    reviewer = api_as("reviewer_a")
    assert post_json(reviewer, f"{URL}/{case.number}/call-deny", {}).status_code == 422
    response = post_json(reviewer, f"{URL}/{case.number}/call-deny", {"reason": "镇街可自行解决"})
    assert response.json()["status"] == CaseStatus.LOCAL


def test_call_by_a_grid_worker_is_forbidden(world, api_as):
    case = report(world)
    response = post_json(api_as("grid_a"), f"{URL}/{case.number}/call", {"reason": "需支援"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


def test_the_other_towns_reviewer_cannot_see_the_call(world, api_as):
    case = report(world)
    post_json(api_as("initiator_a"), f"{URL}/{case.number}/call", {"reason": "需支援"})
    response = post_json(api_as("reviewer_b"), f"{URL}/{case.number}/call-approve", {})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_APPROVAL


def test_call_with_a_stale_version_is_409(world, api_as):
    case = report(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/call",
                         {"reason": "需支援", "expected_version": case.version - 1})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


def test_calling_a_town_duty_matter_is_refused_on_the_list(world, api_as):
    case = report(world, matter="M006")
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/call", {"reason": "支援"})
    assert response.status_code == 422
    assert response.json()["code"] == "not_on_list"


def test_call_with_a_too_long_reason_is_422(world, api_as):
    case = report(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/call",
                         {"reason": "长" * 2001})
    assert response.status_code == 422
    assert response.json()["details"]["fields"][0]["field"] == "reason"
