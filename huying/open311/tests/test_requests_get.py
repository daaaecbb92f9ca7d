"""GET requests and requests/{id}: the public cases, the spec's filters, privacy, and a
query count that does not grow with the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.cases import services as cs
from huying.cases.models import Channel, Rating
from huying.cases.tests.conftest import MONDAY
from huying.open311.tests.conftest import BASE, errors_of, public_case, xml_of

REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url")


def replied(world, case):
    """Dispatched to D05, signed and replied by its responder."""
    supervisor, responder = world.user("supervisor"), world.user("responder_d05")
    (lead,) = cs.case_dispatch(case=case, actor=supervisor, lead=world.dept("D05"), now=MONDAY)
    lead = cs.assignment_sign(assignment=lead, actor=responder, now=MONDAY)
    cs.assignment_reply(assignment=lead, actor=responder, result="已更换灯具，恢复照明。",
                        now=MONDAY)
    case.refresh_from_db()
    return case


def test_a_public_request_in_json_has_the_spec_fields(client, world, frozen):
    case = public_case(world)
    (row,) = client.get(f"{BASE}/requests.json").json()
    assert set(REQUEST_FIELDS) <= set(row)
    assert row["service_request_id"] == case.number
    assert (row["status"], row["service_code"], row["service_name"]) == ("open", "M002",
                                                                          "路灯不亮")
    assert row["description"] == "新华路中段连续五六盏路灯不亮。"
    assert row["address"] == "新华路88号"
    assert (row["long"], row["lat"]) == pytest.approx(world.point_in(0))
    assert row["requested_datetime"] == "2026-03-02T09:00:00+08:00"
    # Registered, not yet dispatched: the catalogue's lead department answers for it.
    assert row["agency_responsible"] == world.dept("D05").name
    assert row["status_notes"] is None and row["media_url"] is None


def test_a_public_request_in_xml_has_the_spec_fields(client, world, frozen):
    case = replied(world, public_case(world))
    root = xml_of(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    for field in REQUEST_FIELDS:
        assert request.find(field) is not None, field
    assert request.findtext("service_request_id") == case.number
    assert request.findtext("status") == "open"
    assert request.findtext("status_notes") == "已更换灯具，恢复照明。"
    assert request.findtext("agency_responsible") == world.dept("D05").name
    assert float(request.findtext("lat")) == pytest.approx(world.point_in(0)[1])
    detail = xml_of(client.get(f"{BASE}/requests/{case.number}.xml"))
    assert [r.findtext("service_request_id") for r in detail.findall("request")] == [
        case.number]


def test_closed_and_rejected_requests_are_closed_with_their_answer(client, world, frozen):
    closed = replied(world, public_case(world))
    cs.case_evaluate(case=closed, actor=world.user("supervisor"), stars=5,
                     rating=Rating.VERY_SATISFIED, now=MONDAY)
    rejected = cs.case_reject(case=public_case(world, grid=1), actor=world.user("supervisor"),
                              reason="不属于受理范围", now=MONDAY)
    rows = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json").json()}
    assert (rows[closed.number]["status"], rows[closed.number]["status_notes"]) == (
        "closed", "已更换灯具，恢复照明。")
    assert (rows[rejected.number]["status"], rows[rejected.number]["status_notes"]) == (
        "closed", "不属于受理范围")


def test_no_name_or_phone_in_any_body_and_sensitive_or_inside_cases_are_absent(
        client, world, frozen):
    shown = public_case(world)
    sensitive = public_case(world, grid=1, sensitive=True)
    hotline = public_case(world, grid=2, channel=Channel.HOTLINE_12345)
    grid_patrol = public_case(world, grid=3, channel=Channel.GRID)
    web = public_case(world, grid=3, channel=Channel.WEB)
    bodies = [client.get(f"{BASE}/requests.{fmt}").content.decode() for fmt in ("json", "xml")]
    bodies += [client.get(f"{BASE}/requests/{shown.number}.{fmt}").content.decode()
               for fmt in ("json", "xml")]
    for body in bodies:
        assert shown.number in body
        assert "张三丰" not in body and "13912345678" not in body and "5678" not in body
        for hidden in (sensitive, hotline, grid_patrol):
            assert hidden.number not in body
    assert web.number in bodies[0]
    for hidden in (sensitive, hotline):
        for fmt in ("json", "xml"):
            response = client.get(f"{BASE}/requests/{hidden.number}.{fmt}")
            assert response.status_code == 404
            assert errors_of(response, fmt)[0]["code"] == 404
    asked = client.get(f"{BASE}/requests.json",
                       {"service_request_id": f"{shown.number},{sensitive.number}"}).json()
    assert [r["service_request_id"] for r in asked] == [shown.number]


def test_the_filters_of_the_spec(client, world, frozen):
    lamp = public_case(world)
    lid = public_case(world, grid=1, matter="M001", now=MONDAY - timedelta(days=30))
    old = public_case(world, grid=2, now=MONDAY - timedelta(days=100))
    closed = cs.case_reject(case=public_case(world, grid=3), actor=world.user("supervisor"),
                            reason="重复", now=MONDAY)

    def ids(**params) -> list[str]:
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    # The default window is the last 90 days, newest first.
    assert set(ids()) == {lamp.number, lid.number, closed.number}
    assert ids(service_code="M001") == [lid.number]
    assert set(ids(service_code="M001,M002")) == {lamp.number, lid.number, closed.number}
    assert ids(status="closed") == [closed.number]
    assert set(ids(status="open")) == {lamp.number, lid.number}
    assert set(ids(status="open,closed")) == {lamp.number, lid.number, closed.number}
    assert ids(start_date="2025-11-01T00:00:00+08:00", end_date="2025-12-01T00:00:00+08:00"
               ) == [old.number]
    assert set(ids(start_date="2026-03-02T01:00:00Z")) == {closed.number, lamp.number}
    assert ids(end_date="2026-03-01") == [lid.number]  # a bare day: its midnight, local time
    # A client that did not encode "+" sends a space.
    assert ids(end_date="2026-03-01T00:00:00 08:00") == [lid.number]
    # service_request_id overrides every other filter, the window included.
    assert ids(service_request_id=f"{old.number}, {lamp.number}",
               status="closed") == [lamp.number, old.number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("params", [
    {"start_date": "2026-13-01"},
    {"start_date": "yesterday"},
    {"end_date": "2026-03-02T09:00:00"},  # no time zone
    {"end_date": "2026-02-30T09:00:00Z"},
    {"start_date": "2026-03-02T00:00:00Z", "end_date": "2026-03-01T00:00:00Z"},
    {"start_date": "2025-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},  # > 90 days
    {"status": "pending"},
])
def test_a_bad_filter_is_400_with_the_error_list(client, world, frozen, fmt, params):
    response = client.get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code == 400
    (error,) = errors_of(response, fmt)
    assert error["code"] == 400 and error["description"]
    assert next(iter(params)) in error["description"] or "status" in error["description"]


def test_an_unknown_request_is_404(client, world, frozen):
    response = client.get(f"{BASE}/requests/HY-20260302-999999.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_the_query_count_does_not_grow_with_the_rows(client, world, frozen):
    def queries(n: int) -> int:
        for i in range(n - len(client.get(f"{BASE}/requests.json").json())):
            case = public_case(world, grid=i % 4)
            if i % 3 == 0:
                replied(world, case)
        with CaptureQueriesContext(connection) as captured:
            for fmt in ("json", "xml"):
                response = client.get(f"{BASE}/requests.{fmt}")
                assert response.status_code == 200
        assert len(client.get(f"{BASE}/requests.json").json()) == n
        return len(captured)

    assert queries(5) == queries(50)


def test_a_case_handled_by_its_town_names_the_town_and_its_result(client, world, frozen):
    case = public_case(world)
    initiator = world.user("initiator_a")
    case = cs.case_handle_locally(case=case, actor=initiator, now=MONDAY)
    case = cs.case_resolve_locally(case=case, actor=initiator, result="已由街道联系供电所修复。",
                                   now=MONDAY)
    (row,) = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert (row["status"], row["agency_responsible"], row["status_notes"]) == (
        "closed", world.towns[0].name, "已由街道联系供电所修复。")


def test_a_control_character_in_a_description_still_gives_well_formed_xml(client, world,
                                                                          frozen):
    case = public_case(world, description="路灯不亮\x0b\x01，请尽快处理。")
    request = xml_of(client.get(f"{BASE}/requests/{case.number}.xml")).find("request")
    assert request.findtext("description") == "路灯不亮，请尽快处理。"
