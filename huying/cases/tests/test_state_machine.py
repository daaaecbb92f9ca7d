"""Random sequences of actions by random actors never break the lifecycle's invariants:
one lead per dispatched case, nothing leaves a terminal state, every record verifies, and
visibility never leaks across units."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from huying.cases import services as cs
from huying.cases.audit import case_chain_break
from huying.cases.models import AssignmentRole, AssignmentStatus, Case, CaseStatus, Channel
from huying.cases.selectors import cases_visible_to
from huying.cases.states import ASSIGNMENT_OPEN, TERMINAL_CASE
from huying.cases.tests.conftest import MONDAY
from huying.common.errors import DomainError

ACTORS = ["grid_a", "grid_b", "community_a", "initiator_a", "reviewer_a", "initiator_b",
          "reviewer_b", "supervisor", "leader", "responder_d05", "head_d05", "responder_d25",
          "responder_d07", "volunteer_1"]
MATTERS = ["M002", "M006", "M001", "M017", "M030"]
DEPARTMENTS = ["D05", "D25", "D07", "D01"]
RATINGS = ["very_satisfied", "satisfied", "basically_satisfied", "unsatisfied"]


def machine_for(world):
    class CaseLifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.now = MONDAY
            self.numbers: list[str] = []
            self.terminal: dict[str, str] = {}

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def tick(self) -> None:
            self.now += timedelta(minutes=37)

        def attempt(self, action) -> None:
            self.tick()
            # refusals are expected; the invariants check that they changed nothing
            with contextlib.suppress(DomainError):
                action()

        def case(self, index: int) -> Case | None:
            if not self.numbers:
                return None
            return Case.objects.get(number=self.numbers[index % len(self.numbers)])

        @rule(grid=st.integers(0, 3), matter=st.sampled_from(MATTERS),
              actor=st.sampled_from(["supervisor", "initiator_a", "initiator_b", "grid_a",
                                     *ACTORS]))
        def report(self, grid, actor, matter):
            lon, lat = world.point_in(grid)

            def go():
                case = cs.case_report(actor=world.user(actor), county=world.county,
                                      channel=Channel.WEB, title="问题", description="描述",
                                      longitude=lon, latitude=lat, now=self.now)
                self.numbers.append(case.number)
                cs.case_register(case=case, actor=world.user(actor), matter_code=matter,
                                 now=self.now)
            self.attempt(go)

        @rule(index=st.integers(0, 50), actor=st.sampled_from(ACTORS),
              action=st.sampled_from(["handle_locally", "resolve_locally", "escalate", "call",
                                      "call_approve", "call_deny", "triage", "send_back",
                                      "reject", "suspend", "resume"]))
        def case_action(self, index, actor, action):
            case = self.case(index)
            if case is None:
                return
            user, now = world.user(actor), self.now
            calls = {
                "handle_locally": lambda: cs.case_handle_locally(case=case, actor=user, now=now),
                "resolve_locally": lambda: cs.case_resolve_locally(case=case, actor=user,
                                                                   result="已解决", now=now),
                "escalate": lambda: cs.case_escalate(case=case, actor=user, reason="上报",
                                                     now=now),
                "call": lambda: cs.case_call(case=case, actor=user, reason="呼叫", now=now),
                "call_approve": lambda: cs.case_call_approve(case=case, actor=user, now=now),
                "call_deny": lambda: cs.case_call_deny(case=case, actor=user, reason="自办",
                                                       now=now),
                "triage": lambda: cs.case_triage(case=case, actor=user, now=now),
                "send_back": lambda: cs.case_send_back(case=case, actor=user, reason="镇街职责",
                                                       now=now),
                "reject": lambda: cs.case_reject(case=case, actor=user, reason="无效", now=now),
                "suspend": lambda: cs.case_suspend(case=case, actor=user, reason="挂账",
                                                   now=now),
                "resume": lambda: cs.case_resume(case=case, actor=user, now=now),
            }
            self.attempt(calls[action])

        @rule(index=st.integers(0, 50), actor=st.sampled_from(ACTORS),
              lead=st.sampled_from(DEPARTMENTS),
              co=st.lists(st.sampled_from(DEPARTMENTS), max_size=2, unique=True))
        def dispatch(self, index, actor, lead, co):
            case = self.case(index)
            if case is None:
                return
            self.attempt(lambda: cs.case_dispatch(
                case=case, actor=world.user(actor), lead=world.dept(lead),
                co=[world.dept(c) for c in co], now=self.now))

        @rule(index=st.integers(0, 50), actor=st.sampled_from(ACTORS),
              action=st.sampled_from(["sign", "progress", "reply", "request_return",
                                      "approve_return", "deny_return"]),
              redispatch=st.sampled_from([None, *DEPARTMENTS]))
        def assignment_action(self, index, actor, action, redispatch):
            case = self.case(index)
            if case is None:
                return
            assignments = list(case.assignments.order_by("pk"))
            if not assignments:
                return
            a = assignments[index % len(assignments)]
            user, now = world.user(actor), self.now
            calls = {
                "sign": lambda: cs.assignment_sign(assignment=a, actor=user, now=now),
                "progress": lambda: cs.assignment_progress(assignment=a, actor=user,
                                                           note="已到场", now=now),
                "reply": lambda: cs.assignment_reply(assignment=a, actor=user, result="办结",
                                                     now=now),
                "request_return": lambda: cs.assignment_request_return(
                    assignment=a, actor=user, reason="非本部门", now=now),
                "approve_return": lambda: cs.assignment_decide_return(
                    assignment=a, actor=user, approve=True, now=now,
                    redispatch_to=world.dept(redispatch) if redispatch else None),
                "deny_return": lambda: cs.assignment_decide_return(
                    assignment=a, actor=user, approve=False, note="须办理", now=now),
            }
            self.attempt(calls[action])

        @rule(index=st.integers(0, 50), actor=st.sampled_from(ACTORS),
              rating=st.sampled_from(RATINGS), stars=st.integers(1, 5))
        def evaluate(self, index, actor, rating, stars):
            case = self.case(index)
            if case is None:
                return
            self.attempt(lambda: cs.case_evaluate(case=case, actor=world.user(actor),
                                                  stars=stars, rating=rating, comment="意见",
                                                  now=self.now))

        @rule(index=st.integers(0, 50), choice=st.integers(0, 3))
        def advance(self, index, choice):
            """Take a plausible next step with the right actor, so that random runs reach
            the deep states (replied, reopened, closed) as well as the refusals."""
            case = self.case(index)
            if case is None:
                return
            u, now, status = world.user, self.now, case.status
            town_a = case.town_id == world.towns[0].pk
            initiator, reviewer = ("initiator_a", "reviewer_a") if town_a else (
                "initiator_b", "reviewer_b")
            open_assignments = list(case.assignments.filter(cycle=case.cycle,
                                                            status__in=ASSIGNMENT_OPEN))
            responders = {"D05": "responder_d05", "D25": "responder_d25", "D07": "responder_d07",
                          "D01": "responder_d05"}
            if status == CaseStatus.REGISTERED:
                step = lambda: cs.case_call(case=case, actor=u(initiator), reason="呼叫",  # noqa: E731
                                            now=now)
            elif status == CaseStatus.AWAITING_APPROVAL:
                step = lambda: cs.case_call_approve(case=case, actor=u(reviewer), now=now)  # noqa: E731
            elif status == CaseStatus.TRIAGE:
                step = lambda: cs.case_dispatch(case=case, actor=u("supervisor"),  # noqa: E731
                                                lead=world.dept(DEPARTMENTS[choice]), now=now)
            elif status == CaseStatus.DISPATCHED and open_assignments:
                a = open_assignments[choice % len(open_assignments)]
                actor = u(responders[a.department.code])
                if a.status == AssignmentStatus.PENDING:
                    step = lambda: cs.assignment_sign(assignment=a, actor=actor, now=now)  # noqa: E731
                else:
                    step = lambda: cs.assignment_reply(assignment=a, actor=actor,  # noqa: E731
                                                       result="办结", now=now)
            elif status == CaseStatus.REPLIED:
                step = lambda: cs.case_evaluate(case=case, actor=u(initiator), stars=3,  # noqa: E731
                                                rating=RATINGS[choice], comment="意见", now=now)
            else:
                return
            self.attempt(step)

        @invariant()
        def dispatched_cases_have_exactly_one_open_or_replied_lead(self):
            for case in Case.objects.filter(number__in=self.numbers,
                                            status=CaseStatus.DISPATCHED):
                leads = case.assignments.filter(cycle=case.cycle, role=AssignmentRole.LEAD,
                                                status__in=[*ASSIGNMENT_OPEN,
                                                            AssignmentStatus.REPLIED])
                assert leads.count() == 1, case.number

        @invariant()
        def nothing_leaves_a_terminal_state(self):
            for number, status in Case.objects.filter(number__in=self.numbers).values_list(
                    "number", "status"):
                if number in self.terminal:
                    assert status == self.terminal[number], number
                elif status in TERMINAL_CASE:
                    self.terminal[number] = status

        @invariant()
        def every_record_verifies(self):
            for case in Case.objects.filter(number__in=self.numbers):
                assert case_chain_break(case) is None, case.number

        @invariant()
        def visibility_stays_within_the_unit(self):
            town_a, town_b = world.towns
            for name, town in (("initiator_a", town_a), ("reviewer_b", town_b)):
                assert not cases_visible_to(world.user(name)).exclude(town=town).exists()
            grid_b = world.grids[2]
            assert not cases_visible_to(world.user("grid_b")).exclude(grid=grid_b).exclude(
                reported_by=world.user("grid_b")).exists()
            d07 = world.dept("D07")
            assert not cases_visible_to(world.user("responder_d07")).exclude(
                assignments__department=d07).exists()

    return CaseLifecycle


def test_random_action_sequences_keep_the_invariants(world):
    run_state_machine_as_test(
        machine_for(world),
        settings=settings(max_examples=20, stateful_step_count=40, deadline=None))
