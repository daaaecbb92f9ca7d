"""Actions of several steps through the API: each is one transaction, as on the page."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from huying.cases import services as cs
from huying.cases.models import AssignmentRole, AssignmentStatus, Attachment, Case, CaseStatus
from huying.cases.tests.conftest import dispatched, post_json
from huying.cases.tests.test_attachments import PNG, uploads  # noqa: F401  (fixture)


def signed_lead(world, now):
    case, assignments = dispatched(world)
    lead = next(a for a in assignments if a.role == AssignmentRole.LEAD)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    return case, lead


def test_a_reply_with_its_evidence_is_one_multipart_request(world, api_as, now, uploads):  # noqa: F811
    _case, lead = signed_lead(world, now)
    response = api_as("responder_d05").post(
        f"/api/v1/assignments/{lead.pk}/reply",
        {"result": "已修复", "file": [SimpleUploadedFile("现场.png", PNG),
                                     SimpleUploadedFile("验收.png", PNG)]})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == AssignmentStatus.REPLIED
    assert list(Attachment.objects.filter(assignment=lead).values_list(
        "original_name", flat=True).order_by("id")) == ["现场.png", "验收.png"]


def test_a_refused_evidence_file_leaves_no_reply_behind(world, api_as, now, uploads):  # noqa: F811
    case, lead = signed_lead(world, now)
    response = api_as("responder_d05").post(
        f"/api/v1/assignments/{lead.pk}/reply",
        {"result": "已修复", "file": SimpleUploadedFile("program.png", b"MZ\x90\x00" * 50)})
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "file"
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.SIGNED and not lead.result
    assert not Attachment.objects.filter(case=case).exists()


def test_a_reply_as_json_still_works(world, api_as, now):
    _case, lead = signed_lead(world, now)
    response = post_json(api_as("responder_d05"), f"/api/v1/assignments/{lead.pk}/reply",
                         {"result": "已修复"})
    assert response.status_code == 200


def test_a_classified_report_with_photos_is_registered_in_one_request(world, api_as, uploads):  # noqa: F811
    lon, lat = world.point_in(0)
    response = api_as("grid_a").post("/api/v1/cases", {
        "county": world.county.code, "channel": "grid", "title": "井盖缺失",
        "description": "人行道井盖缺失。", "longitude": lon, "latitude": lat,
        "matter": "M002", "external_ref": "app-1",
        "photos": SimpleUploadedFile("井盖.png", PNG)})
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.status == CaseStatus.REGISTERED and case.attachments.count() == 1


def test_a_report_whose_photo_is_refused_leaves_no_case(world, api_as, uploads):  # noqa: F811
    lon, lat = world.point_in(0)
    response = api_as("grid_a").post("/api/v1/cases", {
        "county": world.county.code, "channel": "grid", "title": "井盖缺失",
        "description": "人行道井盖缺失。", "longitude": lon, "latitude": lat,
        "matter": "M002", "photos": SimpleUploadedFile("x.png", b"not an image at all")})
    assert response.status_code == 422
    assert not Case.objects.exists()


def test_malformed_json_is_a_clear_422(world, api_as, now):
    _case, lead = signed_lead(world, now)
    response = api_as("responder_d05").post(f"/api/v1/assignments/{lead.pk}/reply",
                                            "{not json", content_type="application/json")
    assert response.status_code == 422 and response.json()["details"]["field"] == "body"
    response = post_json(api_as("responder_d05"), f"/api/v1/assignments/{lead.pk}/reply", [1])
    assert response.status_code == 422 and response.json()["details"]["field"] == "body"
