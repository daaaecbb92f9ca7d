"""The command centre's boards through the Django client: who may open them, one-step
dispatch with the matter type's departments preselected, send-back, and the supervision
board's interview schedule and record, slip issue and .docx download."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from huying.cases.models import Case, CaseStatus
from huying.supervision.models import Interview, InterviewStatus, Slip
from huying.web.tests.conftest import HTMX, dispatched, in_triage, report

pytestmark = pytest.mark.django_db


def test_a_responder_cannot_open_the_triage_board(client_as):
    assert client_as("responder_d05").get("/centre/triage").status_code == 403
    assert client_as("initiator_a").get("/centre/triage").status_code == 403
    assert client_as("responder_d05").post("/centre/triage/HY-1/dispatch").status_code == 403


def test_the_board_lists_called_cases_with_their_departments_preselected(world, now, client_as):
    case = in_triage(world, now)
    page = client_as("supervisor").get("/centre/triage")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.number in html and "需市级部门处理" in html
    lead = case.matter_type.lead_department.code
    assert f'<option value="{lead}" selected>' in html
    for co in case.matter_type.co_departments.all():
        assert f'value="{co.code}" id=' in html
    # Command centres cannot take assignments: never offered.
    assert "指挥中心</option>" not in html


def test_dispatch_in_one_step(world, now, client_as):
    case = in_triage(world, now)
    client = client_as("supervisor")
    answer = client.post(f"/centre/triage/{case.number}/dispatch",
                         {"lead": "D05", "co": ["D25"], "expected_version": case.version},
                         **HTMX)
    assert answer.status_code == 200
    assert "已派单" in answer.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert sorted(case.assignments.values_list("department__code", "role")) == [
        ("D05", "lead"), ("D25", "co")]


def test_a_refused_dispatch_keeps_the_form_and_says_why(world, now, client_as):
    case = in_triage(world, now)
    answer = client_as("supervisor").post(f"/centre/triage/{case.number}/dispatch",
                                          {"lead": "", "instructions": "尽快"}, **HTMX)
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "主办部门" in html and "尽快" in html
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE


def test_send_back_needs_a_reason(world, now, client_as):
    case = in_triage(world, now)
    client = client_as("supervisor")
    assert client.post(f"/centre/triage/{case.number}/send_back", {"reason": ""},
                       **HTMX).status_code == 422
    answer = client.post(f"/centre/triage/{case.number}/send_back",
                         {"reason": "属镇街职责清单事项"}, **HTMX)
    assert answer.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.LOCAL


def test_a_stale_dispatch_is_a_conflict(world, now, client_as):
    case = in_triage(world, now)
    client = client_as("supervisor")
    client.post(f"/centre/triage/{case.number}/dispatch", {"lead": "D05"}, **HTMX)
    answer = client.post(f"/centre/triage/{case.number}/dispatch",
                         {"lead": "D07", "expected_version": case.version}, **HTMX)
    assert answer.status_code == 409
    assert Case.objects.get(pk=case.pk).assignments.count() == 1


def test_supervision_board_tabs(world, now, client_as):
    dispatched(world, now)
    client = client_as("supervisor")
    for tab in ("breaches", "warnings", "interviews", "slips", "listed", "lookback"):
        assert client.get(f"/centre/supervision?tab={tab}").status_code == 200, tab
    # Department staff see their own part, without the county-wide lists.
    page = client_as("responder_d05").get("/centre/supervision?tab=listed")
    assert page.status_code == 200
    assert 'data-tab="listed"' not in page.content.decode()
    assert client_as("grid_a").get("/centre/supervision").status_code == 403


def test_issue_a_slip_and_download_it(world, now, client_as):
    case = dispatched(world, now)
    client = client_as("supervisor")
    answer = client.post("/centre/supervision/slips/issue",
                         {"department": "D05", "cases": case.number, "reason": "办理质量不高"})
    assert answer.status_code == 302
    slip = Slip.objects.get()
    assert list(slip.cases.all()) == [case]
    download = client.get(f"/centre/supervision/slips/{slip.pk}/document")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "办理质量不高" in text
    # The department sees and answers its slip; another department does not see it.
    assert client_as("responder_d07").get(
        f"/centre/supervision/slips/{slip.pk}/document").status_code == 404
    responder = client_as("responder_d05")
    assert responder.post(f"/centre/supervision/slips/{slip.pk}/reply",
                          {"reply": "已整改"}).status_code == 302
    slip.refresh_from_db()
    assert slip.status == "replied"
    # A refused issue keeps what was typed.
    refused = client.post("/centre/supervision/slips/issue",
                          {"department": "D05", "cases": "HY-00000000-000000", "reason": "原因"})
    assert refused.status_code == 422
    assert "HY-00000000-000000" in refused.content.decode()


def test_record_an_interview(world, now, client_as):
    case = dispatched(world, now)
    interview = Interview.objects.create(
        case=case, department=world.dept("D05"), trigger="overdue", colour="red",
        interviewer_role="centre", interviewee_role="head", created_at=now,
        source_key="test:1")
    client = client_as("supervisor")
    page = client.get("/centre/supervision?tab=interviews").content.decode()
    assert f"/centre/supervision/interviews/{interview.pk}/record" in page
    refused = client.post(f"/centre/supervision/interviews/{interview.pk}/record",
                          {"notes": "谈话内容", "rectification": ""})
    assert refused.status_code == 422
    assert "谈话内容" in refused.content.decode()
    assert client.post(f"/centre/supervision/interviews/{interview.pk}/record",
                       {"notes": "谈话内容", "rectification": "三日内整改"}).status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.HELD


def _interview(world, now, key: str = "test:schedule") -> Interview:
    return Interview.objects.create(
        case=dispatched(world, now), department=world.dept("D05"), trigger="overdue",
        colour="yellow", interviewer_role="centre", interviewee_role="deputy", created_at=now,
        source_key=key)


def test_a_supervisor_schedules_an_interview_inline(world, now, client_as):
    interview = _interview(world, now)
    client = client_as("supervisor")
    url = f"/centre/supervision/interviews/{interview.pk}/schedule"
    page = client.get("/centre/supervision?tab=interviews").content.decode()
    assert f'hx-post="{url}"' in page
    assert 'type="datetime-local"' in page
    answer = client.post(url, {"scheduled_for": "2026-03-05T09:30"}, **HTMX)
    assert answer.status_code == 200
    body = answer.content.decode()
    # Just the interview's <tbody>, with a done line: htmx swaps it in place.
    assert body.lstrip().startswith(f'<tbody id="interview-{interview.pk}">')
    assert "hy-item-done" in body and "2026-03-05 09:30" in body
    interview.refresh_from_db()
    # The browser's wall-clock time is Beijing time.
    assert interview.scheduled_for == datetime(2026, 3, 5, 9, 30,
                                               tzinfo=ZoneInfo("Asia/Shanghai"))
    # The form now offers to change the time, showing the one set.
    page = client.get("/centre/supervision?tab=interviews").content.decode()
    assert 'value="2026-03-05T09:30"' in page
    # Without htmx: back to the board with a message.
    assert client.post(url, {"scheduled_for": "2026-03-06T14:00"}).status_code == 302
    interview.refresh_from_db()
    assert interview.scheduled_for == datetime(2026, 3, 6, 14, 0,
                                               tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_bad_interview_time_is_refused_in_place(world, now, client_as):
    interview = _interview(world, now)
    client = client_as("supervisor")
    url = f"/centre/supervision/interviews/{interview.pk}/schedule"
    for raw, message in (("3月5日上午", "约谈时间格式不正确，应如 2026-03-02 09:30。"),
                         ("", "请填写约谈时间。")):
        answer = client.post(url, {"scheduled_for": raw}, **HTMX)
        assert answer.status_code == 422
        body = answer.content.decode()
        assert body.lstrip().startswith(f'<tbody id="interview-{interview.pk}">')
        assert 'data-field="scheduled_for"' in body and message in body
        assert f'id="schedule-box-{interview.pk}" open' in body  # unfolded, value kept
        assert f'name="scheduled_for" id="when-{interview.pk}" value="{raw}"' in body
    # Without htmx the whole board comes back with the error at the form.
    refused = client.post(url, {"scheduled_for": "2026-13-40T09:30"})
    assert refused.status_code == 422
    assert "约谈时间格式不正确" in refused.content.decode()
    interview.refresh_from_db()
    assert interview.scheduled_for is None


def test_a_responder_may_not_schedule_an_interview(world, now, client_as):
    interview = _interview(world, now)
    url = f"/centre/supervision/interviews/{interview.pk}/schedule"
    responder = client_as("responder_d05")
    # The department sees its interview but not the forms.
    page = responder.get("/centre/supervision?tab=interviews").content.decode()
    assert f'id="interview-{interview.pk}"' in page
    assert url not in page
    answer = responder.post(url, {"scheduled_for": "2026-03-05T09:30"}, **HTMX)
    assert answer.status_code == 403
    assert "只有约谈人或督办员可以安排此次约谈。" in answer.content.decode()
    assert responder.post(url, {"scheduled_for": "2026-03-05T09:30"}).status_code == 403
    # Another department does not even see it.
    assert client_as("responder_d07").post(
        url, {"scheduled_for": "2026-03-05T09:30"}, **HTMX).status_code == 404
    interview.refresh_from_db()
    assert interview.scheduled_for is None


def test_list_and_delist(world, now, client_as):
    case = report(world, now)
    client = client_as("supervisor")
    assert client.post("/centre/supervision/listed",
                       {"case": case.number, "reason": "久拖未决"}).status_code == 302
    assert case.number in client.get("/centre/supervision?tab=listed").content.decode()
    assert client.post(f"/centre/supervision/listed/{case.number}/delist",
                       {"note": "已解决"}).status_code == 302

