"""POST /cases, /register, /reject, /merge, /handle-locally, /resolve-locally, /escalate."""

from __future__ import annotations

from huying.cases import services as cs
from huying.cases.models import Case, CaseEvent, CaseLevel, CaseStatus, Channel
from huying.cases.tests.conftest import MONDAY, post_json, report

URL = "/api/v1/cases"


def report_body(world, **extra) -> dict:
    lon, lat = world.point_in(0)
    return {"county": world.county.code, "channel": "town", "title": "路灯不亮",
            "description": "新华路中段路灯不亮。", "longitude": lon, "latitude": lat,
            "reporter_name": "张三", "reporter_phone": "13912345678", **extra}


def reported(world, *, by: str = "initiator_a", grid: int = 0) -> Case:
    lon, lat = world.point_in(grid)
    return cs.case_report(actor=world.user(by), county=world.county, channel=Channel.TOWN,
                          title="井盖缺失", description="人行道井盖缺失。", longitude=lon,
                          latitude=lat, now=MONDAY)


def test_report_creates_a_case_and_answers_201(world, api_as):
    response = post_json(api_as("initiator_a"), URL, report_body(world))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == CaseStatus.REPORTED and body["version"] == 1
    assert body["town"]["code"] == world.towns[0].code
    assert "reporter_phone" not in body  # summaries carry no personal data


def test_report_locates_by_unit_code(world, api_as):
    body = report_body(world, unit=world.grids[1].code, longitude=None, latitude=None)
    response = post_json(api_as("initiator_a"), URL, body)
    assert response.status_code == 201
    assert response.json()["unit"]["code"] == world.grids[1].code


def test_the_same_channel_and_external_ref_returns_the_first_case_with_200(world, api_as):
    client = api_as("supervisor")
    body = report_body(world, channel="12345", external_ref="GD-2026-0001")
    first = post_json(client, URL, body)
    again = post_json(client, URL, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1


def test_report_without_signing_in_is_401(world, client):
    response = post_json(client, URL, report_body(world))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert not Case.objects.exists()


def test_report_by_a_responder_is_forbidden(world, api_as):
    response = post_json(api_as("responder_d05"), URL, report_body(world))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Case.objects.exists()


def test_report_with_bad_input_is_422_and_creates_nothing(world, api_as):
    client = api_as("initiator_a")
    for bad, field in [({"title": "长" * 201}, "title"), ({"channel": "fax"}, "channel"),
                       ({"description": "   "}, "description")]:
        response = post_json(client, URL, report_body(world, **bad))
        assert response.status_code == 422, bad
        assert response.json()["details"]["fields"][0]["field"] == field
    unknown_county = post_json(client, URL, report_body(world, county="999999"))
    assert unknown_county.status_code == 422
    assert unknown_county.json()["details"]["field"] == "county"
    bad_phone = post_json(client, URL, report_body(world, reporter_phone="abc"))
    assert bad_phone.status_code == 422
    assert not Case.objects.exists()


def test_register_locates_and_classifies(world, api_as):
    case = reported(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/register",
                         {"matter": "M002", "expected_version": 1})
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.REGISTERED
    assert response.json()["matter_type"]["code"] == "M002"


def test_register_with_a_stale_version_is_409_and_changes_nothing(world, api_as):
    case = reported(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/register",
                         {"matter": "M002", "expected_version": 7})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED and case.events.count() == 1


def test_register_with_an_unknown_matter_is_422(world, api_as):
    case = reported(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/register",
                         {"matter": "M999"})
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED


def test_a_case_of_another_town_answers_404_like_a_missing_one(world, api_as):
    case = report(world)
    client = api_as("initiator_b")
    hidden = post_json(client, f"{URL}/{case.number}/reject", {"reason": "不属实"})
    missing = post_json(client, f"{URL}/HY-20990101-000001/reject", {"reason": "不属实"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"] == "not_found"
    assert client.get(f"{URL}/{case.number}").status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


def test_reject_needs_a_reason_and_closes_the_case(world, api_as):
    case = report(world)
    client = api_as("initiator_a")
    assert post_json(client, f"{URL}/{case.number}/reject", {"reason": ""}).status_code == 422
    response = post_json(client, f"{URL}/{case.number}/reject", {"reason": "重复举报，不属实"})
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.REJECTED


def test_reject_by_a_grid_worker_is_forbidden(world, api_as):
    case = report(world)
    response = post_json(api_as("grid_a"), f"{URL}/{case.number}/reject", {"reason": "不属实"})
    assert response.status_code == 403


def test_merge_into_another_case(world, api_as):
    first, duplicate = report(world), report(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{duplicate.number}/merge",
                         {"into": first.number})
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.MERGED


def test_merge_into_a_case_the_user_cannot_see_is_404(world, api_as):
    other_town = report(world, by="initiator_b", grid=2)
    duplicate = report(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{duplicate.number}/merge",
                         {"into": other_town.number})
    assert response.status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.REGISTERED


def test_grid_handles_resolves_and_escalates(world, api_as):
    grid = api_as("grid_a")
    case = report(world, by="grid_a", channel=Channel.GRID)
    response = post_json(grid, f"{URL}/{case.number}/handle-locally", {})
    assert response.json()["status"] == CaseStatus.LOCAL
    response = post_json(grid, f"{URL}/{case.number}/escalate", {"reason": "网格无法处置"})
    assert response.status_code == 200 and response.json()["level"] == CaseLevel.COMMUNITY
    second = report(world, by="grid_a", channel=Channel.GRID)
    post_json(grid, f"{URL}/{second.number}/handle-locally", {})
    response = post_json(grid, f"{URL}/{second.number}/resolve-locally", {"result": "已修复"})
    assert response.json()["status"] == CaseStatus.RESOLVED


def test_resolve_locally_of_a_registered_case_is_409(world, api_as):
    case = report(world)
    before = CaseEvent.objects.filter(case=case).count()
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/resolve-locally",
                         {"result": "已修复"})
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert CaseEvent.objects.filter(case=case).count() == before
