"""The five-colour ladder: each rung, each trigger, once only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from huying.assessment.models import Deduction
from huying.cases import services as cs
from huying.cases.domain_events import CaseEvaluated, ReturnDenied
from huying.cases.models import Evaluation
from huying.common.bus import publish
from huying.common.errors import PermissionDenied, TransitionNotAllowed
from huying.notifications.models import Notification
from huying.supervision import interviews as iv
from huying.supervision.models import (
    Interview,
    IntervieweeRole,
    InterviewerRole,
    InterviewStatus,
    LadderStep,
    Rung,
    SlaClock,
    Stage,
    Trigger,
)
from huying.supervision.services import leader_post_set
from huying.supervision.sweep import sweep_run
from huying.supervision.tests.conftest import BLUE, GREEN, ORANGE, RED, YELLOW, dispatch


def breach_all(case, now):
    """Sweep well past every deadline of the case's first cycle."""
    last_due = max(c.due_at for c in SlaClock.objects.filter(case=case))
    return sweep_run(now=last_due + timedelta(seconds=1))


def test_red_breach_orders_the_party_leader_to_interview_the_head(world, now):
    case, (lead,) = dispatch(world, matter=RED, now=now)
    assert case.colour == "red"
    run = breach_all(case, now)
    assert run.fired[3] == 3  # sign, respond and complete all breached
    interview = Interview.objects.get()
    assert interview.interviewer_role == InterviewerRole.PARTY_LEADER
    assert interview.interviewer == world.user("party_leader")
    assert interview.interviewee_role == IntervieweeRole.HEAD
    assert interview.interviewee == world.user("head_d05")
    assert interview.trigger == Trigger.OVERDUE and interview.assignment == lead
    # Three breaches of one assignment: three steps on the record, one interview.
    steps = LadderStep.objects.filter(case=case)
    assert steps.count() == 3 and {s.rung for s in steps} == {Rung.PARTY_INTERVIEW}
    assert {s.interview_id for s in steps} == {interview.pk}
    assert not Deduction.objects.filter(case=case).exists()
    told = set(Notification.objects.filter(kind="interview").values_list("user__username",
                                                                         flat=True))
    assert {"party_leader", "head_d05"} <= told


def test_red_goes_to_the_departments_own_leader_when_that_leader_is_the_party_one(world, now):
    from huying.org import services as org

    org.department_set_leader(actor=None, department=world.dept("D05"),
                              leader=world.user("party_leader"), now=now)
    case, _ = dispatch(world, matter=RED, now=now)
    breach_all(case, now)
    assert Interview.objects.get().interviewer == world.user("party_leader")


def test_orange_breach_orders_the_government_leader_in_charge(world, now):
    case, _ = dispatch(world, matter=ORANGE, now=now)
    assert case.colour == "orange"
    breach_all(case, now)
    interview = Interview.objects.get()
    assert interview.interviewer_role == InterviewerRole.GOVERNMENT_LEADER
    assert interview.interviewer == world.user("gov_leader")  # D05's leader in charge
    assert interview.interviewee == world.user("head_d05")


def test_orange_falls_back_to_a_government_post_when_in_charge_is_the_party_leader(world, now):
    from huying.org import services as org

    org.department_set_leader(actor=None, department=world.dept("D05"),
                              leader=world.user("party_leader"), now=now)
    case, _ = dispatch(world, matter=ORANGE, now=now)
    breach_all(case, now)
    assert Interview.objects.get().interviewer == world.user("gov_leader")


def test_yellow_breach_has_the_centre_interview_the_deputy(world, now):
    case, _ = dispatch(world, matter=YELLOW, now=now)
    assert case.colour == "yellow"
    breach_all(case, now)
    interview = Interview.objects.get()
    assert interview.interviewer_role == InterviewerRole.CENTRE
    assert interview.interviewer == world.user("supervisor")
    assert interview.interviewee_role == IntervieweeRole.DEPUTY
    assert interview.interviewee == world.user("deputy_d05")


@pytest.mark.parametrize(("matter", "weight"), [(BLUE, Decimal("1.0")),
                                                (GREEN, Decimal("0.8"))])
def test_blue_and_green_breaches_deduct_weighted_points(world, now, matter, weight):
    case, _ = dispatch(world, matter=matter, now=now)
    breach_all(case, now)
    assert not Interview.objects.exists()
    deductions = Deduction.objects.filter(case=case).order_by("source_key")
    assert deductions.count() == 3
    by_rule = {d.rule: d.points for d in deductions}
    # the default scheme: late signing 0.2, late response 0.2, late completion 0.5
    assert by_rule == {"sign_breach": Decimal("0.2") * weight,
                       "respond_breach": Decimal("0.2") * weight,
                       "complete_breach": Decimal("0.5") * weight}
    assert all(d.department == world.dept("D05") for d in deductions)
    steps = LadderStep.objects.filter(case=case)
    assert {s.rung for s in steps} == {Rung.DEDUCTION}
    assert sorted(s.points for s in steps) == sorted(by_rule.values())
    # The assessment's own derivation shares the source keys: nothing is deducted twice.
    from huying.assessment.services import deductions_from_facts

    deductions_from_facts(county=world.county, start=now - timedelta(days=1),
                          end=now + timedelta(days=30), now=now + timedelta(days=30))
    assert Deduction.objects.filter(case=case).count() == 3


def test_warnings_tell_the_department_and_climb_no_rung(world, now):
    case, _ = dispatch(world, matter=GREEN, now=now)
    sign = SlaClock.objects.get(case=case, metric="sign")
    sweep_run(now=sign.warn_three_quarters_at)
    sign.refresh_from_db()
    assert sign.stage == Stage.THREE_QUARTERS
    assert not LadderStep.objects.exists()
    warned = Notification.objects.filter(kind="sla_warning")
    assert {"responder_d05", "head_d05"} <= set(warned.values_list("user__username", flat=True))


def shirk(world, case, assignment, now):
    assignment = cs.assignment_request_return(assignment=assignment,
                                              actor=world.user("responder_d05"),
                                              reason="不属于本部门职责", now=now)
    return cs.assignment_decide_return(assignment=assignment, actor=world.user("supervisor"),
                                       approve=False, note="属于本部门职责，应予办理", now=now)


def test_a_denied_return_is_shirking_and_climbs_the_ladder_once(world, now):
    case, (lead,) = dispatch(world, matter=ORANGE, now=now)
    lead = shirk(world, case, lead, now + timedelta(minutes=5))
    interview = Interview.objects.get()
    assert interview.trigger == Trigger.SHIRKING
    assert interview.interviewer == world.user("gov_leader")
    # the hook again (a retried job): nothing new
    publish(ReturnDenied(assignment=lead, at=now))
    assert Interview.objects.count() == 1
    assert LadderStep.objects.filter(trigger=Trigger.SHIRKING).count() == 1


def test_green_shirking_deducts(world, now):
    case, (lead,) = dispatch(world, matter=GREEN, now=now)
    shirk(world, case, lead, now + timedelta(minutes=5))
    deduction = Deduction.objects.get(case=case)
    assert deduction.rule == "shirking"
    assert deduction.source_key == f"shirking:assignment:{lead.pk}"


def reply_and_evaluate(world, case, assignment, now, rating, comment="没有解决"):
    cs.assignment_sign(assignment=assignment, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=assignment, actor=world.user("responder_d05"),
                        result="已处理", now=now)
    case.refresh_from_db()
    evaluation = cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=1,
                                  rating=rating, comment=comment, now=now)
    case.refresh_from_db()
    # case_evaluate called the hook already; a second call (a retried job) changes nothing.
    publish(CaseEvaluated(case=case, evaluation=evaluation, at=now))
    return evaluation


def test_an_unsatisfied_evaluation_is_a_return_and_climbs_the_ladder(world, now):
    case, (lead,) = dispatch(world, matter=YELLOW, now=now)
    evaluation = reply_and_evaluate(world, case, lead, now + timedelta(minutes=10),
                                    "unsatisfied")
    interview = Interview.objects.get()
    assert interview.trigger == Trigger.RETURN and interview.assignment == lead
    assert interview.interviewee == world.user("deputy_d05")
    publish(CaseEvaluated(case=case, evaluation=evaluation, at=now))
    assert Interview.objects.count() == 1


def test_green_return_deducts_with_the_assessment_rating_key(world, now):
    case, (lead,) = dispatch(world, matter=GREEN, now=now)
    evaluation = reply_and_evaluate(world, case, lead, now + timedelta(minutes=10),
                                    "unsatisfied")
    deduction = Deduction.objects.get(case=case)
    assert deduction.rule == "rating_unsatisfied"
    assert deduction.source_key == f"rating:unsatisfied:{evaluation.pk}:{lead.department_id}"


def test_interview_is_recorded_by_the_interviewer_or_a_supervisor_only(world, now):
    case, _ = dispatch(world, matter=RED, now=now)
    breach_all(case, now)
    interview = Interview.objects.get()
    later = now + timedelta(days=3)
    with pytest.raises(PermissionDenied):
        iv.interview_record(actor=world.user("responder_d05"), interview=interview,
                            notes="x", rectification="y", now=later)
    with pytest.raises(PermissionDenied):
        iv.interview_record(actor=world.user("gov_leader"), interview=interview,
                            notes="x", rectification="y", now=later)
    iv.interview_schedule(actor=world.user("party_leader"), interview=interview,
                          scheduled_for=later, now=now + timedelta(days=2))
    held = iv.interview_record(actor=world.user("party_leader"), interview=interview,
                               notes="约谈局长，指出超期问题", rectification="三日内办结并建立台账",
                               now=later)
    assert held.status == InterviewStatus.HELD and held.held_at == later
    assert held.recorded_by == world.user("party_leader")
    assert case.events.filter(action="interview_held").count() == 1
    with pytest.raises(TransitionNotAllowed):
        iv.interview_record(actor=world.user("supervisor"), interview=interview, notes="x",
                            rectification="y", now=later)


def test_a_supervisor_may_record_a_leaders_interview(world, now):
    case, _ = dispatch(world, matter=ORANGE, now=now)
    breach_all(case, now)
    held = iv.interview_record(actor=world.user("supervisor"), interview=Interview.objects.get(),
                               notes="记录", rectification="整改", now=now + timedelta(days=3))
    assert held.status == InterviewStatus.HELD


def test_leader_posts_are_for_administrators(world, now):
    with pytest.raises(PermissionDenied):
        leader_post_set(actor=world.user("supervisor"), user=world.user("leader"),
                        county=world.county, kind="party", now=now)


def test_evaluations_model_unchanged_for_unknown_colour(world, now):
    """A case classified without a colour counts as its type's colour."""
    case, _ = dispatch(world, matter=RED, now=now, colour="")
    breach_all(case, now)
    assert Interview.objects.get().colour == "red"
    assert Evaluation.objects.count() == 0


def test_red_without_party_posts_falls_back_to_the_leader_in_charge(world, now):
    from huying.supervision.models import LeaderPost

    LeaderPost.objects.update(active=False)
    case, _ = dispatch(world, matter=RED, now=now)
    breach_all(case, now)
    assert Interview.objects.get().interviewer == world.user("gov_leader")
