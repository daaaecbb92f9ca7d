"""The case page and its action forms, through the Django test client."""

from __future__ import annotations

from huying.cases import services as cs
from huying.cases.models import AssignmentStatus, CaseStatus
from huying.web.tests.conftest import HTMX, dispatched, in_triage, report


def act(client, case, action: str, data: dict | None = None, **extra):
    return client.post(f"/cases/{case.number}/act/{action}", data or {}, **extra)


def test_case_page_shows_summary_timeline_and_only_allowed_actions(world, now, client_as):
    case = report(world, now)
    page = client_as("initiator_a").get(f"/cases/{case.number}")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.number in html and "路灯不亮" in html
    assert 'id="action-call"' in html  # the initiator may call the county
    assert 'id="action-dispatch"' not in html  # only the centre dispatches
    assert "上报" in html  # the timeline's first event


def test_a_case_outside_the_users_sight_is_404(world, now, client_as):
    case = report(world, now)  # town A
    assert client_as("initiator_b").get(f"/cases/{case.number}").status_code == 404
    assert client_as("responder_d05").get(f"/cases/{case.number}").status_code == 404
    assert act(client_as("initiator_b"), case, "call", {"reason": "x"}).status_code == 404


def test_reporter_phone_is_masked_for_those_who_do_not_need_it(world, now, client_as):
    case = report(world, now)
    assert "13912345678" in client_as("supervisor").get(f"/cases/{case.number}").content.decode()
    html = client_as("reviewer_a").get(f"/cases/{case.number}").content.decode()
    assert "13912345678" not in html and "139****5678" in html


def test_pages_need_sign_in(world, now, client):
    case = report(world, now)
    for url in ("/", f"/cases/{case.number}", "/report", "/notifications"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_htmx_action_swaps_the_case_body(world, now, client_as):
    case = report(world, now)
    response = act(client_as("initiator_a"), case, "call",
                   {"reason": "需市级部门处理", "expected_version": case.version}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#case-body"
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_APPROVAL
    assert "已完成" in response.content.decode()


def test_a_refused_action_shows_its_error_in_the_form_and_changes_nothing(world, now, client_as):
    case = report(world, now)
    response = act(client_as("initiator_a"), case, "call",
                   {"reason": "", "expected_version": case.version}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="action-call"' in html and "is-invalid" in html
    assert "HX-Retarget" not in response  # swapped in place of the form
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


def test_a_list_refusal_is_shown_in_place(world, now, client_as):
    case = report(world, now, matter="M006")  # a town duty: it may not be called up
    response = act(client_as("initiator_a"), case, "call",
                   {"reason": "请求支援", "expected_version": case.version}, **HTMX)
    assert response.status_code == 422
    assert "镇街职责清单" in response.content.decode()


def test_a_stale_version_says_the_case_changed_and_shows_the_new_state(world, now, client_as):
    case = in_triage(world, now)
    seen = case.version
    cs.case_triage(case=case, actor=world.user("supervisor"), matter_code="M002", now=now)
    response = act(client_as("supervisor"), case, "send_back",
                   {"reason": "属镇街职责", "expected_version": seen}, **HTMX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#case-body"
    html = response.content.decode()
    assert "该事项已被他人更新，以下为最新状态" in html
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE


def test_without_htmx_a_conflict_renders_the_full_page(world, now, client_as):
    case = in_triage(world, now)
    seen = case.version
    cs.case_triage(case=case, actor=world.user("supervisor"), matter_code="M002", now=now)
    response = act(client_as("supervisor"), case, "send_back",
                   {"reason": "属镇街职责", "expected_version": seen})
    assert response.status_code == 409
    assert "<html" in response.content.decode()


def test_a_forbidden_action_is_403_in_place(world, now, client_as):
    case = in_triage(world, now)
    response = act(client_as("leader"), case, "dispatch",
                   {"lead": "D05", "expected_version": case.version}, **HTMX)
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE


def test_dispatch_form_defaults_to_the_matter_types_departments(world, now, client_as):
    case = in_triage(world, now)
    html = client_as("supervisor").get(f"/cases/{case.number}").content.decode()
    assert 'id="action-dispatch"' in html and 'id="action-triage"' in html


def test_dispatch_sign_and_reply_through_the_forms(world, now, client_as):
    case = in_triage(world, now)
    supervisor = client_as("supervisor")
    response = act(supervisor, case, "dispatch",
                   {"lead": "D05", "co": ["D25"], "expected_version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    lead = case.assignments.get(role="lead")
    responder = client_as("responder_d05")
    html = responder.get(f"/cases/{case.number}").content.decode()
    assert f'id="action-sign-{lead.pk}"' in html
    assert act(responder, case, "sign", {"assignment": lead.pk,
                                         "expected_version": lead.version}).status_code == 302
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.SIGNED
    assert act(responder, case, "reply", {"assignment": lead.pk, "result": "已修复",
                                          "expected_version": lead.version}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED


def test_an_assignment_of_another_case_is_404(world, now, client_as):
    case = dispatched(world, now)
    other = report(world, now)
    lead = case.assignments.get(role="lead")
    response = act(client_as("responder_d05"), other, "sign", {"assignment": lead.pk})
    assert response.status_code == 404


def test_evaluation_closes_the_case(world, now, client_as):
    case = dispatched(world, now)
    lead = case.assignments.get(role="lead")
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已修复",
                        now=now)
    case.refresh_from_db()
    response = act(client_as("initiator_a"), case, "evaluate",
                   {"stars": "5", "rating": "very_satisfied", "expected_version": case.version},
                   **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_unknown_action_is_404(world, now, client_as):
    case = report(world, now)
    assert act(client_as("initiator_a"), case, "explode").status_code == 404
