"""POST /assignments/{id}/sign, /progress, /reply, /request-return, /decide-return,
/request-extension and /extension-requests/{id}/decide: the departments' side."""

from __future__ import annotations

from huying.cases.models import AssignmentStatus, CaseEvent, CaseStatus, ExtensionRequest
from huying.cases.tests.conftest import dispatched, post_json

URL = "/api/v1/assignments"


def test_sign_progress_reply_moves_the_case_to_evaluation(world, api_as):
    case, (lead, _co) = dispatched(world)
    dept = api_as("responder_d05")
    response = post_json(dept, f"{URL}/{lead.pk}/sign", {"expected_version": lead.version})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == AssignmentStatus.SIGNED
    assert {"progress", "reply", "request_return", "request_extension"} <= set(
        body["allowed_actions"])
    assert post_json(dept, f"{URL}/{lead.pk}/progress", {"note": "已到现场"}).status_code == 200
    response = post_json(dept, f"{URL}/{lead.pk}/reply", {"result": "已更换灯具"})
    assert response.json()["status"] == AssignmentStatus.REPLIED
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED


def test_a_second_signature_is_409_and_changes_nothing(world, api_as):
    _case, (lead, _co) = dispatched(world)
    first = post_json(api_as("responder_d05"), f"{URL}/{lead.pk}/sign", {})
    events = CaseEvent.objects.count()
    second = post_json(api_as("head_d05"), f"{URL}/{lead.pk}/sign", {})
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "transition_not_allowed"
    lead.refresh_from_db()
    assert lead.signed_by == world.user("responder_d05") and lead.version == 2
    assert CaseEvent.objects.count() == events


def test_sign_with_a_stale_version_is_409(world, api_as):
    _case, (lead, _co) = dispatched(world)
    response = post_json(api_as("responder_d05"), f"{URL}/{lead.pk}/sign",
                         {"expected_version": lead.version + 3})
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING


def test_another_department_cannot_see_the_assignment(world, api_as):
    _case, (lead, _co) = dispatched(world)
    response = post_json(api_as("responder_d07"), f"{URL}/{lead.pk}/sign", {})
    assert response.status_code == 404
    assert post_json(api_as("responder_d07"), f"{URL}/999999/sign", {}).status_code == 404


def test_the_co_handler_cannot_sign_the_leads_assignment(world, api_as):
    _case, (lead, _co) = dispatched(world)
    response = post_json(api_as("responder_d25"), f"{URL}/{lead.pk}/sign", {})
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING


def test_reply_without_a_result_is_422(world, api_as):
    _case, (lead, _co) = dispatched(world)
    dept = api_as("responder_d05")
    post_json(dept, f"{URL}/{lead.pk}/sign", {})
    response = post_json(dept, f"{URL}/{lead.pk}/reply", {"result": " "})
    assert response.status_code == 422
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.SIGNED


def test_return_requested_then_approved_with_redispatch(world, api_as):
    case, (lead, _co) = dispatched(world)
    response = post_json(api_as("responder_d05"), f"{URL}/{lead.pk}/request-return",
                         {"reason": "属供电线路故障"})
    assert response.json()["status"] == AssignmentStatus.RETURN_REQUESTED
    centre = api_as("supervisor")
    detail = centre.get(f"/api/v1/cases/{case.number}").json()
    assert "decide_return" in next(a for a in detail["assignments"]
                                   if a["id"] == lead.pk)["allowed_actions"]
    response = post_json(centre, f"{URL}/{lead.pk}/decide-return",
                         {"approve": True, "redispatch_to": "D07"})
    assert response.status_code == 200
    assert response.json()["status"] == AssignmentStatus.RETURNED
    assert case.assignments.filter(department__code="D07", role="lead").exists()


def test_decide_return_by_the_department_is_forbidden(world, api_as):
    _case, (lead, _co) = dispatched(world)
    dept = api_as("responder_d05")
    post_json(dept, f"{URL}/{lead.pk}/request-return", {"reason": "不属本部门"})
    response = post_json(dept, f"{URL}/{lead.pk}/decide-return", {"approve": True})
    assert response.status_code == 403


def test_extension_requested_and_decided(world, api_as):
    _case, (lead, _co) = dispatched(world)
    dept = api_as("responder_d05")
    post_json(dept, f"{URL}/{lead.pk}/sign", {})
    response = post_json(dept, f"{URL}/{lead.pk}/request-extension",
                         {"extra_days": 3, "reason": "需采购配件"})
    assert response.status_code == 201
    request_id = response.json()["id"]
    assert post_json(dept, f"{URL}/{lead.pk}/request-extension",
                     {"extra_days": 61, "reason": "再延"}).status_code == 422
    assert post_json(dept, f"/api/v1/extension-requests/{request_id}/decide",
                     {"approve": True}).status_code == 403
    response = post_json(api_as("supervisor"), f"/api/v1/extension-requests/{request_id}/decide",
                         {"approve": True})
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_an_invisible_extension_request_is_404(world, api_as):
    _case, (lead, _co) = dispatched(world)
    post_json(api_as("responder_d05"), f"{URL}/{lead.pk}/sign", {})
    post_json(api_as("responder_d05"), f"{URL}/{lead.pk}/request-extension",
              {"extra_days": 2, "reason": "需采购配件"})
    request = ExtensionRequest.objects.get()
    response = post_json(api_as("initiator_b"), f"/api/v1/extension-requests/{request.pk}/decide",
                         {"approve": True})
    assert response.status_code == 404
