"""The rating deduction (评价扣分) is one fact with one ledger row, whichever path records it
first: the ladder when the initiator rates the case, or the nightly derivation catching up.
Both take the department, the key and the colour from `evaluation_deduction_source`."""

from __future__ import annotations

from datetime import datetime, timedelta

from huying.assessment.models import Deduction
from huying.assessment.services import deductions_from_facts
from huying.cases import services as cs
from huying.cases.models import Assignment, Case, Evaluation
from huying.supervision.models import SlaClock
from huying.supervision.sweep import sweep_run
from huying.supervision.tests.conftest import GREEN, dispatch
from tests.factories import World

RATING_ROWS = {"rule__startswith": "rating_"}


def evaluate_unsatisfied(world: World, case: Case, lead: Assignment, now: datetime,
                         responder: str) -> Evaluation:
    cs.assignment_sign(assignment=lead, actor=world.user(responder), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user(responder), result="已处理", now=now)
    case.refresh_from_db()
    evaluation = cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=1,
                                  rating="unsatisfied", comment="没有解决", now=now)
    case.refresh_from_db()
    return evaluation


def return_to(world: World, assignment: Assignment, responder: str, department: str,
              now: datetime) -> None:
    cs.assignment_request_return(assignment=assignment, actor=world.user(responder),
                                 reason="不属于本部门职责", now=now)
    cs.assignment_decide_return(assignment=assignment, actor=world.user("supervisor"),
                                approve=True, redispatch_to=world.dept(department), now=now)


def derive(world: World, now: datetime) -> None:
    deductions_from_facts(county=world.county, start=now - timedelta(days=1),
                          end=now + timedelta(days=1), now=now + timedelta(hours=1))


def ledger_rows(case: Case) -> list[tuple[str, str, str, str]]:
    return [(d.department.code, d.source_key, d.colour, str(d.points))
            for d in Deduction.objects.filter(case=case, **RATING_ROWS)
            .select_related("department").order_by("pk")]


def the_ladder_then_the_derivation_alone(world: World, case: Case, now: datetime):
    """The rows the ladder wrote on evaluation, and the rows the nightly derivation writes
    for the same evaluation when the ladder's are not there."""
    by_ladder = ledger_rows(case)
    Deduction.objects.filter(case=case, **RATING_ROWS).delete()
    derive(world, now)
    return by_ladder, ledger_rows(case)


def redispatched_twice(world: World, now: datetime):
    """D05 leads with D25 co-handling; D05's return goes to D07 (a new, newer lead), D07's
    return goes to D25, which is promoted: the newest lead row of the cycle is the returned
    D07, the one that handled and was rated is D25."""
    case, (first, co) = dispatch(world, matter=GREEN, now=now, co=("D25",))
    return_to(world, first, "responder_d05", "D07", now + timedelta(minutes=1))
    second = Assignment.objects.get(case=case, department=world.dept("D07"))
    assert second.pk > co.pk
    return_to(world, second, "responder_d07", "D25", now + timedelta(minutes=2))
    co.refresh_from_db()
    case.refresh_from_db()
    return case, co


def test_after_a_redispatch_to_a_promoted_co_handler_the_promoted_lead_loses_points(world,
                                                                                    now):
    case, promoted = redispatched_twice(world, now)
    at = now + timedelta(minutes=10)
    evaluation = evaluate_unsatisfied(world, case, promoted, at, "responder_d25")
    by_ladder, by_derivation = the_ladder_then_the_derivation_alone(world, case, at)
    key = f"rating:unsatisfied:{evaluation.pk}:{world.dept('D25').pk}"
    assert [(code, source_key) for code, source_key, *_ in by_ladder] == [("D25", key)]
    assert by_derivation == by_ladder


def test_a_case_without_its_own_colour_is_weighted_by_its_matter_types_colour(world, now):
    case, (lead,) = dispatch(world, matter=GREEN, now=now, colour="")
    at = now + timedelta(minutes=10)
    evaluate_unsatisfied(world, case, lead, at, "responder_d05")
    by_ladder, by_derivation = the_ladder_then_the_derivation_alone(world, case, at)
    # the default scheme: 0.5 points for 不满意, × 0.8 for a green case
    assert [(colour, points) for _code, _key, colour, points in by_ladder] == [
        ("green", "0.40")]
    assert by_derivation == by_ladder


def test_the_ladder_then_the_derivation_deducts_once(world, now):
    case, promoted = redispatched_twice(world, now)
    at = now + timedelta(minutes=10)
    evaluation = evaluate_unsatisfied(world, case, promoted, at, "responder_d25")
    derive(world, at)
    derive(world, at + timedelta(days=1))  # a second night over the same period
    rows = Deduction.objects.filter(case=case, **RATING_ROWS)
    assert rows.count() == 1
    assert rows.get().source_key.startswith(f"rating:unsatisfied:{evaluation.pk}:")


def test_a_breach_of_a_case_without_its_own_colour_is_weighted_alike_on_both_paths(world,
                                                                                   now):
    """The same colour rule holds for breaches (签收/响应/办结超时), keyed by
    `breach_source_key` on both paths."""
    case, _ = dispatch(world, matter=GREEN, now=now, colour="")
    last_due = max(c.due_at for c in SlaClock.objects.filter(case=case))
    sweep_run(now=last_due + timedelta(seconds=1))
    breaches = {"source_key__startswith": "breach:"}

    def rows():
        return [(d.department.code, d.source_key, d.colour, str(d.points))
                for d in Deduction.objects.filter(case=case, **breaches)
                .select_related("department").order_by("source_key")]

    by_ladder = rows()
    assert by_ladder and {colour for _code, _key, colour, _points in by_ladder} == {"green"}
    Deduction.objects.filter(case=case, **breaches).delete()
    deductions_from_facts(county=world.county, start=now, end=last_due + timedelta(days=1),
                          now=last_due + timedelta(seconds=2))
    assert rows() == by_ladder
