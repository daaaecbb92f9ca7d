"""End-to-end flows from the seeds, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huying.cases import services as cs
from huying.cases.audit import case_chain_break
from huying.cases.models import (
    AssignmentStatus,
    CaseLevel,
    CaseStatus,
    Channel,
    CreditEntry,
    Rating,
)
from huying.cases.tests.conftest import MONDAY, called, dispatched, report
from huying.common.errors import NotOnList, ValidationFailed


def test_rongcheng_flow_initiator_centre_department_evaluation(world, now):
    case = report(world)
    assert case.status == CaseStatus.REGISTERED and case.town == world.towns[0]
    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="路灯线路需专业维修",
                        now=now)
    assert case.status == CaseStatus.AWAITING_APPROVAL
    case = cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)
    assert (case.status, case.level) == (CaseStatus.TRIAGE, CaseLevel.COUNTY)
    case = cs.case_triage(case=case, actor=world.user("supervisor"), matter_code="M002", now=now)
    lead, co = cs.case_dispatch(case=case, actor=world.user("supervisor"),
                                lead=world.dept("D05"), co=[world.dept("D25")], now=now)
    later = now + timedelta(hours=1)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=later)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"),
                        result="已更换灯具5套，恢复亮灯。", now=later + timedelta(days=1))
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED and case.evaluation_due_at is not None
    evaluation = cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=5,
                                  rating=Rating.VERY_SATISFIED, now=later + timedelta(days=2))
    case.refresh_from_db()
    co.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and evaluation.cycle == 1
    assert co.status == AssignmentStatus.CANCELLED  # the co-handler never replied
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["report", "register", "call", "call_approve", "triage", "dispatch",
                       "sign", "reply", "all_replied", "cancel", "close"]
    assert case_chain_break(case) is None


def test_huangpu_flow_grid_then_town_then_county(world, now):
    case = report(world, by="grid_a", matter="M002", channel=Channel.GRID)
    assert case.level == CaseLevel.GRID
    case = cs.case_handle_locally(case=case, actor=world.user("grid_a"), now=now)
    case = cs.case_escalate(case=case, actor=world.user("grid_a"), reason="网格无法处置", now=now)
    assert case.level == CaseLevel.COMMUNITY
    case = cs.case_escalate(case=case, actor=world.user("community_a"), reason="社区无法处置",
                            now=now)
    assert case.level == CaseLevel.TOWN
    with pytest.raises(ValidationFailed):
        cs.case_escalate(case=case, actor=world.user("initiator_a"), reason="再上报", now=now)
    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="镇街无法解决", now=now)
    case = cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)
    assert case.status == CaseStatus.TRIAGE


def test_grid_worker_resolves_on_the_spot(world, now):
    case = report(world, by="grid_a", matter="M002", channel=Channel.GRID)
    case = cs.case_handle_locally(case=case, actor=world.user("grid_a"), now=now)
    case = cs.case_resolve_locally(case=case, actor=world.user("grid_a"), result="已协调修复",
                                   now=now)
    assert case.status == CaseStatus.RESOLVED and case.closed_at == now


def test_calling_a_town_duty_matter_is_refused_naming_the_list_and_recorded(world, now):
    case = report(world, matter="M006")  # 乱贴乱画小广告: on the town duty list
    with pytest.raises(NotOnList) as refusal:
        cs.case_call(case=case, actor=world.user("initiator_a"), reason="请求支援", now=now)
    assert "镇街职责清单" in refusal.value.message
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED
    last = case.events.order_by("-seq").first()
    assert last.action == "refused" and last.payload["refused_action"] == "call"


def test_grid_worker_cannot_be_tasked_with_a_matter_outside_grid_admission(world, now):
    from huying.catalog.selectors import matter_codes_on_list, matter_types_in_force

    admitted = matter_codes_on_list(county=world.county, kind="grid_admission", on=now.date())
    outside = next(m.code for m in matter_types_in_force(county=world.county, on=now.date())
                   if m.code not in admitted)
    # Registered by the town, the grid worker still may not take it on.
    case = report(world, by="initiator_a", matter=outside, channel=Channel.GRID)
    with pytest.raises(NotOnList):
        cs.case_handle_locally(case=case, actor=world.user("grid_a"), now=now)
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED
    # the town may still take it on
    case = cs.case_handle_locally(case=case, actor=world.user("initiator_a"), now=now)
    assert case.status == CaseStatus.LOCAL


def test_grid_worker_registers_only_what_grid_admission_admits(world, now):
    """The rule is the service's, so the API and the report page refuse alike."""
    from huying.catalog.selectors import matter_codes_on_list, matter_types_in_force

    admitted = matter_codes_on_list(county=world.county, kind="grid_admission", on=now.date())
    outside = next(m.code for m in matter_types_in_force(county=world.county, on=now.date())
                   if m.code not in admitted)
    with pytest.raises(NotOnList):
        report(world, by="grid_a", matter=outside, channel=Channel.GRID)
    case = report(world, by="grid_a", matter=sorted(admitted)[0], channel=Channel.GRID)
    assert case.status == CaseStatus.REGISTERED


def test_return_redispatched_to_a_co_handler_promotes_it_to_lead(world, now):
    _case, (lead, co) = dispatched(world)
    cs.assignment_request_return(assignment=lead, actor=world.user("responder_d05"),
                                 reason="属供电线路故障", now=now)
    cs.assignment_decide_return(assignment=lead, actor=world.user("supervisor"), approve=True,
                                redispatch_to=world.dept("D25"), now=now)
    co.refresh_from_db()
    assert co.role == "lead" and co.status == AssignmentStatus.PENDING


def test_return_denied_means_the_department_must_handle_it(world, now):
    _case, (lead, _co) = dispatched(world)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_request_return(assignment=lead, actor=world.user("responder_d05"),
                                 reason="人手不足", now=now)
    with pytest.raises(ValidationFailed):
        cs.assignment_decide_return(assignment=lead, actor=world.user("supervisor"),
                                    approve=False, now=now)  # a denial needs its reason
    cs.assignment_decide_return(assignment=lead, actor=world.user("supervisor"), approve=False,
                                note="属本部门主体责任，须办理", now=now)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.SIGNED


def test_a_denied_return_of_an_unsigned_assignment_still_awaits_signature(world, now):
    _case, (lead, _co) = dispatched(world)
    cs.assignment_request_return(assignment=lead, actor=world.user("responder_d05"),
                                 reason="非本部门", now=now)
    cs.assignment_decide_return(assignment=lead, actor=world.user("supervisor"), approve=False,
                                note="属本部门职责", now=now)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING and lead.signed_at is None


def test_return_without_redispatch_goes_back_to_triage(world, now):
    case, (lead, co) = dispatched(world)
    cs.assignment_request_return(assignment=lead, actor=world.user("responder_d05"),
                                 reason="事项类型有误", now=now)
    cs.assignment_decide_return(assignment=lead, actor=world.user("supervisor"), approve=True,
                                now=now)
    case.refresh_from_db()
    co.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE and co.status == AssignmentStatus.CANCELLED


def test_joint_enforcement_lead_replies_once_after_the_teams(world, now):
    case, (lead, co) = dispatched(world, lead="D01", co=("D11",), joint=True)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d01"), now=now)
    cs.assignment_sign(assignment=co, actor=world.user("responder_d11"), now=now)
    with pytest.raises(ValidationFailed):
        cs.assignment_reply(assignment=lead, actor=world.user("responder_d01"), result="已处置",
                            now=now)
    cs.assignment_reply(assignment=co, actor=world.user("responder_d11"), result="治安配合完成",
                        now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d01"),
                        result="联合执法完成，拆除违建", now=now)
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED


def test_rally_call_answered_by_a_volunteer_team_earns_credit(world, now):
    case = report(world)
    rally = cs.case_rally(case=case, actor=world.user("initiator_a"),
                          need="为独居老人清理楼道杂物", points=5, now=now)
    rally = cs.rally_claim(rally=rally, actor=world.user("volunteer_1"), team=world.team,
                           now=now)
    cs.rally_complete(rally=rally, actor=world.user("volunteer_1"),
                      participants=[world.user("volunteer_1"), world.user("volunteer_2")],
                      outcome="已清理完毕", now=now + timedelta(hours=3))
    assert sorted(CreditEntry.objects.values_list("points", flat=True)) == [5, 5]
    with pytest.raises(Exception):  # noqa: B017 - completed rally cannot be completed again
        cs.rally_complete(rally=rally, actor=world.user("volunteer_1"),
                          participants=[world.user("volunteer_1")], outcome="再次", now=now)


def test_autoclose_after_the_evaluation_window(world, now):
    case, (lead,) = dispatched(world, co=())
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已处理",
                        now=now)
    case.refresh_from_db()
    assert cs.case_autoclose(case=case, now=case.evaluation_due_at - timedelta(seconds=1)) is None
    closed = cs.case_autoclose(case=case, now=case.evaluation_due_at)
    assert closed.status == CaseStatus.CLOSED
    assert closed.evaluations.get().automatic


def test_same_external_report_twice_makes_one_case(world, now):
    lon, lat = world.point_in(0)
    first = cs.case_report(actor=world.user("supervisor"), county=world.county,
                           channel=Channel.HOTLINE_12345, external_ref="12345-0001",
                           title="噪音扰民", description="夜间施工噪音", longitude=lon,
                           latitude=lat, now=MONDAY)
    again = cs.case_report(actor=world.user("supervisor"), county=world.county,
                           channel=Channel.HOTLINE_12345, external_ref="12345-0001",
                           title="噪音扰民", description="夜间施工噪音", longitude=lon,
                           latitude=lat, now=MONDAY)
    assert first.pk == again.pk and first.events.count() == 1


def test_called_case_reaches_the_triage_queue(world):
    from huying.cases.selectors import queue_to_triage

    case = called(world)
    assert case in queue_to_triage(world.user("supervisor"))
