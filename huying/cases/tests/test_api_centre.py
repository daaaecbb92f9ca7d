"""POST /triage, /send-back, /dispatch, /suspend, /resume: the command centre."""

from __future__ import annotations

from huying.cases.models import Assignment, CaseStatus
from huying.cases.tests.conftest import called, dispatched, post_json

URL = "/api/v1/cases"


def test_triage_raises_the_colour_but_never_lowers_it(world, api_as):
    case = called(world)
    centre = api_as("supervisor")
    response = post_json(centre, f"{URL}/{case.number}/triage",
                         {"matter": "M002", "colour": "red", "urgent": True})
    assert response.status_code == 200
    assert (response.json()["colour"], response.json()["urgent"]) == ("red", True)
    bad = post_json(centre, f"{URL}/{case.number}/triage", {"colour": "purple"})
    assert bad.status_code == 422
    assert bad.json()["details"]["fields"][0]["field"] == "colour"


def test_triage_by_an_initiator_is_forbidden(world, api_as):
    case = called(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/triage", {})
    assert response.status_code == 403


def test_send_back_returns_the_call_to_the_town(world, api_as):
    case = called(world)
    response = post_json(api_as("supervisor"), f"{URL}/{case.number}/send-back",
                         {"reason": "属镇街职责"})
    assert response.json()["status"] == CaseStatus.LOCAL


def test_dispatch_opens_lead_and_co_assignments(world, api_as):
    case = called(world)
    response = post_json(api_as("supervisor"), f"{URL}/{case.number}/dispatch",
                         {"lead": "D05", "co": ["D25"], "instructions": "三日内修复",
                          "expected_version": case.version})
    assert response.status_code == 201
    body = response.json()
    assert [(a["department"]["code"], a["role"]) for a in body] == [("D05", "lead"),
                                                                    ("D25", "co")]
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED


def test_dispatch_to_an_unknown_department_is_422_and_opens_nothing(world, api_as):
    case = called(world)
    response = post_json(api_as("supervisor"), f"{URL}/{case.number}/dispatch",
                         {"lead": "D99"})
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "lead"
    assert not Assignment.objects.exists()


def test_dispatch_by_a_responder_is_forbidden_or_invisible(world, api_as):
    case = called(world)
    response = post_json(api_as("responder_d05"), f"{URL}/{case.number}/dispatch",
                         {"lead": "D05"})
    assert response.status_code == 404  # not yet the department's case: not even visible
    assert not Assignment.objects.exists()


def test_dispatch_with_a_stale_version_is_409(world, api_as):
    case = called(world)
    response = post_json(api_as("supervisor"), f"{URL}/{case.number}/dispatch",
                         {"lead": "D05", "expected_version": case.version + 1})
    assert response.status_code == 409
    assert not Assignment.objects.exists()


def test_suspend_and_resume(world, api_as):
    case, _assignments = dispatched(world)
    centre = api_as("supervisor")
    response = post_json(centre, f"{URL}/{case.number}/suspend", {"reason": "等待司法鉴定"})
    assert response.status_code == 200 and response.json()["suspended"] is True
    detail = centre.get(f"{URL}/{case.number}").json()
    assert "resume" in detail["allowed_actions"] and "suspend" not in detail["allowed_actions"]
    again = post_json(centre, f"{URL}/{case.number}/suspend", {"reason": "再次"})
    assert again.status_code == 409  # already suspended: a state conflict
    response = post_json(centre, f"{URL}/{case.number}/resume", {})
    assert response.json()["suspended"] is False


def test_suspend_by_the_lead_department_is_forbidden(world, api_as):
    case, _assignments = dispatched(world)
    response = post_json(api_as("responder_d05"), f"{URL}/{case.number}/suspend",
                         {"reason": "等待"})
    assert response.status_code == 403
