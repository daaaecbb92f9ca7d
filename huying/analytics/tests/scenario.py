"""A hand-built March 2026 in the test county, through the real services, with every
indicator's numerator and denominator known (worked out in the comments).

All on weekdays without holidays; working day 08:30–12:00, 13:30–17:30 (7.5 h). Matter
M002 (路灯不亮, green): sign 4 working hours, respond 2 working days, complete 5 working
days. Dispatched Monday 2 March 09:00, signing is due 14:30, response Wednesday 4 March
17:30, completion Monday 9 March 17:30.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from huying.analytics.rollups import rollups_refresh_queued
from huying.cases import services as cs
from huying.cases.models import Assignment, Case, Channel, Rating
from huying.cases.tests.conftest import called, report
from tests.factories import World

TZ = ZoneInfo("Asia/Shanghai")
MON = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
MARCH = (datetime(2026, 3, 1, tzinfo=TZ), datetime(2026, 4, 1, tzinfo=TZ))
AFTER_MARCH = datetime(2026, 4, 1, 8, 0, tzinfo=TZ)


def at(days: int, hour: int, minute: int = 0) -> datetime:
    return (MON + timedelta(days=days)).replace(hour=hour, minute=minute)


@dataclass
class Scenario:
    cases: dict[str, Case] = field(default_factory=dict)
    assignments: dict[str, Assignment] = field(default_factory=dict)


def dispatch(world: World, *, lead: str, co: tuple[str, ...] = (), now: datetime = MON
             ) -> tuple[Case, list[Assignment]]:
    case = called(world, now=now)
    assignments = cs.case_dispatch(case=case, actor=world.user("supervisor"),
                                   lead=world.dept(lead), co=[world.dept(c) for c in co],
                                   now=now)
    case.refresh_from_db()
    return case, assignments


def sign_reply(world: World, assignment: Assignment, *, signed: datetime,
               replied: datetime | None) -> None:
    user = world.user(f"responder_{assignment.department.code.lower()}")
    cs.assignment_sign(assignment=assignment, actor=user, now=signed)
    if replied is not None:
        cs.assignment_reply(assignment=assignment, actor=user, result="已修复。", now=replied)


def evaluate(world: World, case: Case, rating: str, when: datetime):
    case.refresh_from_db()
    stars = {Rating.VERY_SATISFIED: 5, Rating.SATISFIED: 4, Rating.BASICALLY_SATISFIED: 3,
             Rating.UNSATISFIED: 1}[rating]
    return cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=stars,
                            rating=rating, now=when, comment="评价意见")


def build_march(world: World) -> Scenario:
    s = Scenario()
    supervisor = world.user("supervisor")

    # A: D05 leads with D25; D05 signs 10:00, replies Tue 09:00 (1.0 working day), rated
    # very satisfied Wed 09:00. D25 never signs: its sign clock is cancelled at the close,
    # after its 14:30 due → a late signing for D25.
    case, (lead, co) = dispatch(world, lead="D05", co=("D25",))
    sign_reply(world, lead, signed=at(0, 10), replied=at(1, 9))
    evaluate(world, case, Rating.VERY_SATISFIED, at(2, 9))
    s.cases["A"], s.assignments["A"], s.assignments["A_co"] = case, lead, co

    # B: D05 signs 15:00 (late), replies Tue 10 March 10:00 (response and completion late;
    # 46 working hours = 6.13 days), rated basically satisfied.
    case, (lead,) = dispatch(world, lead="D05")
    sign_reply(world, lead, signed=at(0, 15), replied=at(8, 10))
    evaluate(world, case, Rating.BASICALLY_SATISFIED, at(9, 9))
    s.cases["B"], s.assignments["B"] = case, lead

    # C: D05 replies Tue 10:00 (8.5 h), rated unsatisfied Wed 09:00 → reopened (返工);
    # cycle 2 replies Thu 10:00 (8.5 h), rated satisfied.
    case, (lead,) = dispatch(world, lead="D05")
    sign_reply(world, lead, signed=at(0, 10), replied=at(1, 10))
    evaluate(world, case, Rating.UNSATISFIED, at(2, 9))
    second = Assignment.objects.get(case=case, cycle=2)
    sign_reply(world, second, signed=at(2, 10), replied=at(3, 10))
    evaluate(world, case, Rating.SATISFIED, at(3, 11))
    s.cases["C"], s.assignments["C1"], s.assignments["C2"] = case, lead, second

    # D: dispatched to D07, which asks to return it at 10:00; approved 11:00 and given to
    # D05 (an inaccurate dispatch). D05 signs 11:30 and never responds: its response and
    # completion clocks are still running past due at the end of March.
    case, (wrong,) = dispatch(world, lead="D07")
    cs.assignment_request_return(assignment=wrong, actor=world.user("responder_d07"),
                                 reason="不属于本部门职责", now=at(0, 10))
    cs.assignment_decide_return(assignment=wrong, actor=supervisor, approve=True,
                                redispatch_to=world.dept("D05"), now=at(0, 11))
    redispatched = Assignment.objects.get(case=case, department=world.dept("D05"))
    cs.assignment_sign(assignment=redispatched, actor=world.user("responder_d05"),
                       now=at(0, 11, 30))
    s.cases["D"], s.assignments["D07"], s.assignments["D"] = case, wrong, redispatched

    # E: a grid worker resolves a matter on the spot.
    case = report(world, by="grid_a", channel=Channel.GRID)
    case = cs.case_handle_locally(case=case, actor=world.user("grid_a"), now=MON)
    s.cases["E"] = cs.case_resolve_locally(case=case, actor=world.user("grid_a"),
                                           result="已现场处置。", now=at(0, 10))

    # F: rejected (not accepted: left out of every case count).
    case = report(world)
    s.cases["F"] = cs.case_reject(case=case, actor=world.user("initiator_a"),
                                  reason="重复上报", now=MON)

    # G: called and approved, waiting at the centre (a transfer).
    s.cases["G"] = called(world)

    # H: called, approved, then sent back by the centre (a bounced call, not a transfer).
    case = called(world)
    s.cases["H"] = cs.case_send_back(case=case, actor=supervisor, reason="属镇街职责",
                                     now=at(0, 10))

    # I: D05 replies Mon 15:00 (4.5 h = 0.6 day); not evaluated in time → automatic
    # "satisfied".
    case, (lead,) = dispatch(world, lead="D05")
    sign_reply(world, lead, signed=at(0, 10), replied=at(0, 15))
    case.refresh_from_db()
    cs.case_autoclose(case=case, now=case.evaluation_due_at + timedelta(minutes=1))
    s.cases["I"], s.assignments["I"] = case, lead
    # The figures are refreshed after each commit; inside a test's transaction nothing
    # commits, so apply what the changes queued.
    rollups_refresh_queued(now=AFTER_MARCH)
    return s
