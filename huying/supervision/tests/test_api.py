"""The supervision API: thin handlers over the services, scoped by role."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import docx
import time_machine
from django.test import Client

from huying.supervision import slips as sl
from huying.supervision.models import Interview
from huying.supervision.sweep import sweep_run
from huying.supervision.tests.conftest import RED, YELLOW, dispatch


def client_for(world, username: str) -> Client:
    client = Client()
    client.force_login(world.user(username))
    return client


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_board_for_the_centre_and_for_a_department(world, now):
    case, _ = dispatch(world, matter=RED, now=now)
    sweep_run(now=now + timedelta(days=3))
    with time_machine.travel(now + timedelta(days=3), tick=False):
        board = client_for(world, "supervisor").get("/api/v1/supervision/board").json()
        assert board["summary"]["breaches"] == 3
        assert board["summary"]["interviews_open"] == 1
        assert board["interviews"][0]["case"] == case.number
        mine = client_for(world, "responder_d05").get("/api/v1/supervision/board").json()
        assert mine["summary"]["breaches"] == 3 and "lookback" not in mine["summary"]
        other = client_for(world, "responder_d01").get("/api/v1/supervision/board").json()
        assert other["summary"]["breaches"] == 0 and other["interviews"] == []
        assert client_for(world, "responder_d01").get(
            "/api/v1/supervision/lookback").status_code == 403


def test_record_an_interview_through_the_api(world, now):
    dispatch(world, matter=RED, now=now)
    sweep_run(now=now + timedelta(days=3))
    interview = Interview.objects.get()
    url = f"/api/v1/supervision/interviews/{interview.pk}/record"
    body = {"notes": "约谈记录", "rectification": "整改措施"}
    assert post(client_for(world, "responder_d05"), url, body).status_code == 403
    response = post(client_for(world, "party_leader"), url, body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "held"
    listed = client_for(world, "party_leader").get("/api/v1/supervision/interviews").json()
    assert [i["status"] for i in listed] == ["held"]


def test_issue_reply_and_download_a_slip(world, now):
    case, _ = dispatch(world, matter=YELLOW, now=now)
    supervisor = client_for(world, "supervisor")
    response = post(supervisor, "/api/v1/supervision/slips",
                    {"department": "D05", "cases": [case.number], "reason": "答复不规范"})
    assert response.status_code == 201, response.content
    slip = response.json()
    assert slip["number"] == "督办〔2026〕1号" and slip["cases"] == [case.number]
    assert post(client_for(world, "responder_d05"), "/api/v1/supervision/slips",
                {"department": "D05", "reason": "x"}).status_code == 403
    # another department neither sees nor answers it
    assert client_for(world, "responder_d01").get(
        f"/api/v1/supervision/slips/{slip['id']}").status_code == 404
    mine = client_for(world, "responder_d05").get("/api/v1/supervision/slips").json()
    assert [s["id"] for s in mine] == [slip["id"]]
    replied = post(client_for(world, "head_d05"), f"/api/v1/supervision/slips/{slip['id']}/reply",
                   {"reply": "已整改"})
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    download = client_for(world, "responder_d05").get(slip["document"])
    assert download.status_code == 200
    assert "attachment;" in download["Content-Disposition"]
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs)
    assert "督办单" in text and slip["number"] in text


def test_list_delist_and_lookback_through_the_api(world, now):
    case, _ = dispatch(world, matter=YELLOW, now=now)
    leader = client_for(world, "leader")
    response = post(leader, "/api/v1/supervision/listed", {"case": case.number,
                                                          "reason": "久拖不决"})
    assert response.status_code == 201, response.content
    assert [r["case"] for r in leader.get("/api/v1/supervision/listed").json()] == [case.number]
    response = post(leader, f"/api/v1/supervision/listed/{case.number}/delist", {"note": "已办结"})
    assert response.status_code == 200 and response.json()["delisted_at"]
    assert leader.get("/api/v1/supervision/lookback").status_code == 200


def test_prompt_slips_are_for_the_leadership(world, now):
    slip = sl.slip_issue_prompt(county=world.county, day=now.date(), now=now)
    assert client_for(world, "leader").get(
        f"/api/v1/supervision/slips/{slip.pk}").status_code == 200
    assert client_for(world, "responder_d05").get(
        f"/api/v1/supervision/slips/{slip.pk}").status_code == 404
