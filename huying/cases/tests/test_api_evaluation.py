"""POST /cases/{number}/evaluate, /rally; /rally-calls/{id}/claim, /complete; GET
/rally-calls/open."""

from __future__ import annotations

from huying.cases import services as cs
from huying.cases.models import CaseStatus, CreditEntry, RallyStatus
from huying.cases.tests.conftest import dispatched, post_json, report

URL = "/api/v1/cases"


def replied(world, now):
    case, (lead, _co) = dispatched(world)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已修复",
                        now=now)
    case.refresh_from_db()
    return case


def test_satisfied_evaluation_closes_the_case(world, api_as, now):
    case = replied(world, now)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/evaluate",
                         {"stars": 5, "rating": "very_satisfied",
                          "expected_version": case.version})
    assert response.status_code == 201
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_unsatisfied_evaluation_reopens_to_another_lead(world, api_as, now):
    case = replied(world, now)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/evaluate",
                         {"stars": 1, "rating": "unsatisfied", "comment": "仍不亮",
                          "reopen_lead": "D07", "reopen_co": []})
    assert response.status_code == 201
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED and case.cycle == 2
    assert case.assignments.get(cycle=2).department.code == "D07"


def test_evaluation_with_bad_stars_or_rating_is_422(world, api_as, now):
    case = replied(world, now)
    client = api_as("initiator_a")
    for body in ({"stars": 6, "rating": "satisfied"}, {"stars": 3, "rating": "meh"}):
        assert post_json(client, f"{URL}/{case.number}/evaluate", body).status_code == 422
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED


def test_evaluation_by_the_department_is_forbidden(world, api_as, now):
    case = replied(world, now)
    response = post_json(api_as("responder_d05"), f"{URL}/{case.number}/evaluate",
                         {"stars": 5, "rating": "satisfied"})
    assert response.status_code == 403


def test_evaluation_with_a_stale_version_is_409(world, api_as, now):
    case = replied(world, now)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/evaluate",
                         {"stars": 5, "rating": "satisfied", "expected_version": 1})
    assert response.status_code == 409


def test_rally_call_sounded_claimed_and_completed(world, api_as):
    case = report(world)
    response = post_json(api_as("initiator_a"), f"{URL}/{case.number}/rally",
                         {"need": "清理积雪", "points": 5})
    assert response.status_code == 201
    rally_id = response.json()["id"]
    volunteer = api_as("volunteer_1")
    open_calls = volunteer.get("/api/v1/rally-calls/open").json()
    assert [r["id"] for r in open_calls] == [rally_id]
    response = post_json(volunteer, f"/api/v1/rally-calls/{rally_id}/claim",
                         {"team": world.team.pk})
    assert response.status_code == 200 and response.json()["status"] == RallyStatus.CLAIMED
    bad = post_json(volunteer, f"/api/v1/rally-calls/{rally_id}/complete",
                    {"participants": ["nobody"], "outcome": "已清理"})
    assert bad.status_code == 422
    response = post_json(volunteer, f"/api/v1/rally-calls/{rally_id}/complete",
                         {"participants": ["volunteer_1", "volunteer_2"], "outcome": "已清理"})
    assert response.json()["status"] == RallyStatus.COMPLETED
    assert CreditEntry.objects.count() == 2


def test_rally_by_a_grid_worker_is_forbidden_and_claim_by_an_outsider_is_404(world, api_as):
    case = report(world)
    assert post_json(api_as("grid_a"), f"{URL}/{case.number}/rally",
                     {"need": "清理", "points": 5}).status_code == 403
    rally = post_json(api_as("initiator_a"), f"{URL}/{case.number}/rally",
                      {"need": "清理", "points": 5}).json()
    response = post_json(api_as("responder_d05"), f"/api/v1/rally-calls/{rally['id']}/claim",
                         {"team": world.team.pk})
    assert response.status_code == 404
    assert post_json(api_as("initiator_a"), f"{URL}/{case.number}/rally",
                     {"need": "清理", "points": 0}).status_code == 422
