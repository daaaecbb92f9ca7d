"""The notification centre follows the case lifecycle through its subscribers (moved here
from cases/tests/test_flows.py, which no longer looks above the cases layer)."""

from __future__ import annotations

from huying.cases import services as cs
from huying.cases.tests.conftest import report
from huying.notifications.selectors import notifications_for


def test_the_people_who_must_act_next_are_notified(world, now):
    def kinds(name):
        return [n.kind for n in notifications_for(world.user(name))]

    case = report(world)
    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="需部门处理", now=now)
    assert kinds("reviewer_a") == ["decision"] and kinds("reviewer_b") == []
    cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)
    assert "new_work" in kinds("supervisor")
    lead, = cs.case_dispatch(case=case, actor=world.user("supervisor"), lead=world.dept("D05"),
                             now=now)
    assert "new_work" in kinds("responder_d05") and kinds("responder_d07") == []
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已修复",
                        now=now)
    assert "evaluation" in kinds("initiator_a")
