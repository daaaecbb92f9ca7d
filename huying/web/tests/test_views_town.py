"""Town pages and volunteers through the Django client: the reviewer approves or denies,
the initiator evaluates (unsatisfied reopens to departments chosen on the page), rally calls
are sounded, claimed and completed, and credit points add up from the ledger."""

from __future__ import annotations

import pytest

from huying.cases import services as cs
from huying.cases.models import CaseStatus, CreditEntry, RallyStatus
from huying.web.tests.conftest import HTMX, dispatched, report

pytestmark = pytest.mark.django_db


def called(world, now):
    case = report(world, now)
    return cs.case_call(case=case, actor=world.user("initiator_a"), reason="需县级部门处理",
                        now=now)


def replied(world, now):
    case = dispatched(world, now)
    lead = case.assignments.get(role="lead")
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已修复路灯",
                        now=now)
    case.refresh_from_db()
    return case


def test_only_town_roles_open_the_town_page(client_as):
    assert client_as("responder_d05").get("/town").status_code == 403
    assert client_as("supervisor").get("/town").status_code == 403
    assert client_as("reviewer_a").get("/town").status_code == 200


def test_the_reviewer_approves_from_the_town_page(world, now, client_as):
    case = called(world, now)
    client = client_as("reviewer_a")
    html = client.get("/town").content.decode()
    assert case.number in html and "需县级部门处理" in html
    # The other town's reviewer neither sees nor approves it.
    assert case.number not in client_as("reviewer_b").get("/town").content.decode()
    assert client_as("reviewer_b").post(f"/town/cases/{case.number}/call_approve",
                                        **HTMX).status_code == 404
    answer = client.post(f"/town/cases/{case.number}/call_approve",
                         {"expected_version": case.version}, **HTMX)
    assert answer.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE


def test_the_reviewer_denies_with_a_reason(world, now, client_as):
    case = called(world, now)
    client = client_as("reviewer_a")
    assert client.post(f"/town/cases/{case.number}/call_deny", {"reason": ""},
                       **HTMX).status_code == 422
    assert client.post(f"/town/cases/{case.number}/call_deny", {"reason": "镇街可自行处置"},
                       **HTMX).status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.LOCAL


def test_unsatisfied_reopens_to_the_departments_chosen(world, now, client_as):
    case = replied(world, now)
    client = client_as("initiator_a")
    html = client.get("/town?tab=evaluate").content.decode()
    assert case.number in html and "已修复路灯" in html
    assert 'name="reopen_lead"' in html
    # Marked for huying.js to show only with 不满意, but not hidden by the server (no JS).
    assert html.count('data-hy-shown-if="rating" data-hy-shown-value="unsatisfied"') == 2
    assert " hidden" not in html.split('data-hy-shown-if="rating"')[1].split(">")[0]
    answer = client.post(f"/town/cases/{case.number}/evaluate",
                         {"stars": "1", "rating": "unsatisfied", "comment": "仍不亮",
                          "reopen_lead": "D07", "reopen_co": ["D01"]}, **HTMX)
    assert answer.status_code == 200, answer.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED and case.cycle == 2
    assert sorted(case.assignments.filter(cycle=2).values_list("department__code", "role")) == [
        ("D01", "co"), ("D07", "lead")]


def test_satisfied_closes(world, now, client_as):
    case = replied(world, now)
    answer = client_as("initiator_a").post(
        f"/town/cases/{case.number}/evaluate",
        {"stars": "5", "rating": "very_satisfied", "reopen_lead": "D05", "reopen_co": ["D25"]},
        **HTMX)
    assert answer.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_rally_call_from_sounding_to_credit_points(world, now, client_as):
    case = dispatched(world, now)
    initiator = client_as("initiator_a")
    assert case.number in initiator.get("/town?tab=rally").content.decode()
    assert initiator.post("/town/rally", {"case": case.number, "need": "清理积水需要人手",
                                          "points": "8"}).status_code == 302
    rally = case.rally_calls.get()
    volunteer = client_as("volunteer_1")
    page = volunteer.get("/volunteer").content.decode()
    assert "清理积水需要人手" in page
    assert volunteer.post(f"/volunteer/rally/{rally.pk}/claim").status_code == 302
    rally.refresh_from_db()
    assert rally.status == RallyStatus.CLAIMED and rally.team == world.team
    v1, v2 = world.user("volunteer_1"), world.user("volunteer_2")
    assert volunteer.post(f"/volunteer/rally/{rally.pk}/complete",
                          {"participants": [v1.username, v2.username], "outcome": "积水已清理"}
                          ).status_code == 302
    rally.refresh_from_db()
    assert rally.status == RallyStatus.COMPLETED
    assert CreditEntry.objects.filter(rally=rally).count() == 2
    page = volunteer.get("/volunteer").content.decode()
    assert '<span class="hy-stat">8</span>' in page
    # Someone outside the team cannot claim or see it.
    assert client_as("grid_a").post(f"/volunteer/rally/{rally.pk}/claim").status_code in (302, 404)
    rally.refresh_from_db()
    assert rally.team == world.team
