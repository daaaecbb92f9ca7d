"""GET /cases (search), /cases/{number} (the case file), /queues, /openapi.json."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from huying.cases import services as cs
from huying.cases.models import CaseStatus, Channel
from huying.cases.tests.conftest import called, dispatched, post_json, report

URL = "/api/v1/cases"


def test_search_filters_and_pages_within_what_the_user_sees(world, api_as):
    for _ in range(3):
        report(world)
    called(world)
    report(world, by="initiator_b", grid=2)
    town_a = api_as("initiator_a")
    page = town_a.get(URL, {"limit": 2, "offset": 0}).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    assert town_a.get(URL, {"status": ["triage"]}).json()["total"] == 1
    both = town_a.get(URL, {"status": ["triage", "registered"]}).json()
    assert both["total"] == 4
    assert api_as("supervisor").get(URL).json()["total"] == 5
    assert town_a.get(URL, {"unit": world.grids[0].code, "matter": "M002",
                            "channel": "town", "q": "路灯"}).json()["total"] == 4
    assert town_a.get(URL, {"from": "2026-03-03"}).json()["total"] == 0
    assert town_a.get(URL, {"overdue": "true"}).json()["total"] == 0


def test_a_page_of_the_search_costs_the_same_queries_for_2_or_12_rows_and_no_polygons(
        world, api_as, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as("supervisor")
    report(world), report(world)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL, {"limit": 20}).json()["items"]) == 2
    for _ in range(10):
        report(world, by="initiator_b", grid=2)
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(URL, {"limit": 20}).json()["items"]) == 12
    assert not any("geometry" in q["sql"] for q in few.captured_queries)


def test_keyset_pages_walk_every_case_once_even_when_reported_at_the_same_instant(
        world, api_as, now, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    numbers = {report(world, now=now + timedelta(minutes=i // 3)).number for i in range(7)}
    client = api_as("supervisor")
    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        with CaptureQueriesContext(connection) as queries:
            page = client.get(URL, params).json()
        if pages == 0:
            first_page_queries = len(queries)
        else:
            assert len(queries) <= first_page_queries  # a deep page costs what page 1 does
        pages += 1
        seen += [item["number"] for item in page["items"]]
        after = page["next"]
        if after is None:
            break
    assert pages == 4 and len(seen) == len(set(seen)) == 7 and set(seen) == numbers
    # newest first, as the offset pages are
    offset_order = [i["number"] for i in client.get(URL, {"limit": 7}).json()["items"]]
    assert seen == offset_order
    assert client.get(URL, {"limit": 2, "offset": 2}).json()["next"] is not None
    assert client.get(URL, {"limit": 7}).json()["next"] is None


def test_a_bad_cursor_or_a_cursor_with_an_offset_is_422(world, api_as):
    client = api_as("supervisor")
    report(world), report(world), report(world)
    after = client.get(URL, {"limit": 1}).json()["next"]
    for bad in ("not-a-cursor", "x" * 150, "MjAyNi0wMy0wMlQwOTowMDowMHwx"):  # naive time
        response = client.get(URL, {"after": bad})
        assert response.status_code == 422, bad
        assert "游标" in response.json()["message"]
    response = client.get(URL, {"after": after, "offset": 1})
    assert response.status_code == 422 and "offset" in response.json()["message"]


def test_search_rejects_unknown_filters_values(world, api_as):
    client = api_as("supervisor")
    assert client.get(URL, {"status": ["nonsense"]}).status_code == 422
    assert client.get(URL, {"limit": 1000}).status_code == 422
    assert client.get(URL, {"from": "yesterday"}).status_code == 422


def test_search_without_signing_in_is_401(world, client):
    assert client.get(URL).status_code == 401


def test_detail_masks_the_reporters_phone_for_a_co_handler_but_not_the_centre(world, api_as):
    case, _assignments = dispatched(world)
    co = api_as("responder_d25").get(f"{URL}/{case.number}").json()
    centre = api_as("supervisor").get(f"{URL}/{case.number}").json()
    lead = api_as("responder_d05").get(f"{URL}/{case.number}").json()
    assert co["reporter"] == {"name": "张*", "phone": "139****5678", "id_number": "",
                              "masked": True}
    assert centre["reporter"]["phone"] == "13912345678" and not centre["reporter"]["masked"]
    assert lead["reporter"]["phone"] == "13912345678"


def test_detail_carries_assignments_clocks_and_timeline(world, api_as, now):
    case, (lead, co) = dispatched(world)
    client = api_as("supervisor")
    with time_machine.travel(now + timedelta(minutes=10), tick=False):
        detail = client.get(f"{URL}/{case.number}").json()
    assert [a["id"] for a in detail["assignments"]] == [lead.pk, co.pk]
    assert {c["metric"] for c in detail["clocks"]} == {"sign", "respond", "complete"}
    running = [c for c in detail["clocks"] if c["state"] == "running"]
    sign = next(c for c in running if c["metric"] == "sign" and c["assignment_id"] == lead.pk)
    assert sign["working_seconds_remaining"] > 0
    with time_machine.travel(now + timedelta(days=30), tick=False):
        later = client.get(f"{URL}/{case.number}").json()
    assert all(c["working_seconds_remaining"] < 0 for c in later["clocks"]
               if c["state"] == "running")
    actions = [e["action"] for e in detail["timeline"]]
    assert actions == ["report", "register", "call", "call_approve", "dispatch"]
    assert detail["timeline"][-1]["actor"] == str(world.user("supervisor"))


def test_allowed_actions_follow_the_state_and_the_user(world, api_as, now):
    case = report(world)

    def allowed(username: str) -> set[str]:
        return set(api_as(username).get(f"{URL}/{case.number}").json()["allowed_actions"])

    assert {"call", "reject", "merge", "handle_locally", "attach", "rally"} <= allowed(
        "initiator_a")
    assert "call_approve" not in allowed("initiator_a")
    assert {"triage", "dispatch"} <= allowed("supervisor") and "call" not in allowed(
        "supervisor")
    assert allowed("reviewer_a") == set()

    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="需支援", now=now)
    assert allowed("reviewer_a") == {"call_approve", "call_deny"}
    assert "call" not in allowed("initiator_a")

    case = cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)
    assert {"triage", "send_back", "dispatch", "merge"} <= allowed("supervisor")

    lead, _co = cs.case_dispatch(case=case, actor=world.user("supervisor"),
                                 lead=world.dept("D05"), co=[world.dept("D25")], now=now)
    assert allowed("responder_d05") == set()  # departments act through their assignment
    detail = api_as("responder_d05").get(f"{URL}/{case.number}").json()
    mine = next(a for a in detail["assignments"] if a["id"] == lead.pk)
    theirs = next(a for a in detail["assignments"] if a["id"] != lead.pk)
    assert set(mine["allowed_actions"]) == {"sign", "request_return", "attach"}
    assert theirs["allowed_actions"] == []
    assert {"suspend", "attach"} <= allowed("supervisor") and "resume" not in allowed(
        "supervisor")

    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已修复",
                        now=now)
    assert "evaluate" in allowed("initiator_a")
    assert "evaluate" not in allowed("responder_d05")


def test_queues_show_each_roles_work(world, api_as):
    case, (lead, _co) = dispatched(world)
    report(world, by="grid_a", channel=Channel.GRID)
    sign = {q["key"]: q for q in api_as("responder_d05").get("/api/v1/queues").json()}
    assert sign["to_sign"]["count"] == 1
    assert sign["to_sign"]["items"][0] == {
        "case_number": case.number, "title": case.title, "status": CaseStatus.DISPATCHED,
        "colour": case.colour, "urgent": case.urgent,
        "reported_at": sign["to_sign"]["items"][0]["reported_at"], "assignment_id": lead.pk,
        "department": "D05"}
    local = {q["key"]: q for q in api_as("grid_a").get("/api/v1/queues").json()}
    assert local["local"]["count"] == 1 and local["to_sign"]["count"] == 0
    post_json(api_as("responder_d05"), f"/api/v1/assignments/{lead.pk}/request-return",
              {"reason": "不属本部门"})
    centre = {q["key"]: q for q in api_as("supervisor").get("/api/v1/queues").json()}
    assert centre["decisions"]["count"] == 1


def test_openapi_still_renders_with_the_case_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/cases", "/api/v1/cases/{number}", "/api/v1/cases/{number}/dispatch",
            "/api/v1/assignments/{assignment_id}/sign", "/api/v1/queues",
            "/api/v1/rally-calls/open", "/api/v1/cases/{number}/attachments"} <= set(paths)
