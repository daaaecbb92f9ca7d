"""Supervision follows the case lifecycle through its subscribers: the SLA clocks start,
stop, move and are cancelled with the case actions (moved here from cases/tests/test_flows.py,
which no longer looks above the cases layer)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huying.cases import services as cs
from huying.cases.models import AssignmentStatus, CaseStatus, Rating
from huying.cases.tests.conftest import dispatched
from huying.common.errors import ValidationFailed
from huying.supervision.models import ClockState, Metric, SlaClock


def test_return_approved_and_redispatched_elsewhere(world, now):
    case, (lead, _co) = dispatched(world)
    cs.assignment_request_return(assignment=lead, actor=world.user("responder_d05"),
                                 reason="属供电线路故障，不属本部门职责", now=now)
    cs.assignment_decide_return(assignment=lead, actor=world.user("supervisor"), approve=True,
                                redispatch_to=world.dept("D07"), now=now)
    lead.refresh_from_db()
    case.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED
    assert case.status == CaseStatus.DISPATCHED
    new_lead = case.assignments.get(role="lead", status=AssignmentStatus.PENDING)
    assert new_lead.department.code == "D07"
    assert SlaClock.objects.filter(assignment=new_lead, state=ClockState.RUNNING).count() == 3
    assert not SlaClock.objects.filter(assignment=lead, state=ClockState.RUNNING).exists()


def test_extension_approved_moves_the_completion_due_time(world, now):
    _case, (lead, _co) = dispatched(world)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    before = SlaClock.objects.get(assignment=lead, metric=Metric.COMPLETE).due_at
    request = cs.assignment_request_extension(assignment=lead, actor=world.user("responder_d05"),
                                              extra_days=3, reason="需采购灯具", now=now)
    cs.assignment_decide_extension(request=request, actor=world.user("supervisor"),
                                   approve=True, now=now)
    after = SlaClock.objects.get(assignment=lead, metric=Metric.COMPLETE).due_at
    assert after - before == timedelta(days=3)  # Mon 2026-03-09 → Thu 03-12, both 17:30


def test_unsatisfied_evaluation_reopens_to_the_same_departments(world, now):
    case, (lead,) = dispatched(world, co=())
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已处理",
                        now=now)
    case.refresh_from_db()
    with pytest.raises(ValidationFailed):  # unsatisfied needs a comment
        cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=1,
                         rating=Rating.UNSATISFIED, now=now)
    cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=1,
                     rating=Rating.UNSATISFIED, comment="路灯仍不亮", now=now)
    case.refresh_from_db()
    assert (case.status, case.cycle) == (CaseStatus.DISPATCHED, 2)
    new = case.assignments.get(cycle=2)
    assert new.department.code == "D05" and new.status == AssignmentStatus.PENDING
    # the old cycle's clocks stay on the record
    assert SlaClock.objects.filter(assignment=lead).count() == 3
    assert SlaClock.objects.filter(assignment=new, state=ClockState.RUNNING).count() == 3
