"""How supervision follows the case lifecycle: SLA clocks and the colour ladder.

Every subscriber here runs inside the case action's transaction (`Phase.IN_TRANSACTION`): a
clock that started, stopped or moved, and a ladder step that was taken, must commit with
the case or not at all. The table of all subscribers is in `docs/architecture.md`.
"""

from __future__ import annotations

from huying.cases.domain_events import (
    AssignmentCancelled,
    AssignmentReplied,
    AssignmentResponded,
    AssignmentSigned,
    AssignmentsOpened,
    CaseEvaluated,
    CaseResumed,
    CaseSuspended,
    ExtensionApproved,
    ReturnApproved,
    ReturnDenied,
)
from huying.common.bus import Phase, subscribe
from huying.supervision import ladder, sla


@subscribe(AssignmentsOpened, when=Phase.IN_TRANSACTION)
def start_clocks(event: AssignmentsOpened) -> None:
    for assignment in event.assignments:
        sla.clocks_start(assignment=assignment, now=event.at)


@subscribe(AssignmentSigned, when=Phase.IN_TRANSACTION)
def stop_sign_clock(event: AssignmentSigned) -> None:
    sla.clock_stop(assignment=event.assignment, metric="sign", now=event.at)


@subscribe(AssignmentResponded, when=Phase.IN_TRANSACTION)
def stop_response_clocks(event: AssignmentResponded) -> None:
    # A first action answers the response clock, and implies the assignment was taken on.
    sla.clock_stop(assignment=event.assignment, metric=("sign", "respond"), now=event.at)


@subscribe(AssignmentReplied, when=Phase.IN_TRANSACTION)
def stop_all_clocks(event: AssignmentReplied) -> None:
    sla.clock_stop(assignment=event.assignment, metric=("sign", "respond", "complete"),
                   now=event.at)


@subscribe(AssignmentCancelled, when=Phase.IN_TRANSACTION)
def cancel_clocks_of_cancelled(event: AssignmentCancelled) -> None:
    sla.clocks_cancel(assignment=event.assignment, now=event.at)


@subscribe(ReturnApproved, when=Phase.IN_TRANSACTION)
def cancel_clocks_of_returned(event: ReturnApproved) -> None:
    sla.clocks_cancel(assignment=event.assignment, now=event.at)


@subscribe(ReturnDenied, when=Phase.IN_TRANSACTION)
def climb_on_denied_return(event: ReturnDenied) -> None:
    ladder.assignment_return_denied(assignment=event.assignment, now=event.at)


@subscribe(ExtensionApproved, when=Phase.IN_TRANSACTION)
def extend_clocks(event: ExtensionApproved) -> None:
    sla.clock_extend(assignment=event.assignment, extra_days=event.extra_days, now=event.at)


@subscribe(CaseSuspended, when=Phase.IN_TRANSACTION)
def pause_clocks(event: CaseSuspended) -> None:
    sla.clocks_pause(case=event.case, now=event.at)


@subscribe(CaseResumed, when=Phase.IN_TRANSACTION)
def resume_clocks(event: CaseResumed) -> None:
    sla.clocks_resume(case=event.case, now=event.at)


@subscribe(CaseEvaluated, when=Phase.IN_TRANSACTION)
def climb_on_evaluation(event: CaseEvaluated) -> None:
    """An unsatisfied evaluation climbs the ladder; 不满意/基本满意 bring a supervision
    slip (either branch of `case_evaluate`, and the autoclose)."""
    ladder.case_evaluated(case=event.case, evaluation=event.evaluation, now=event.at)
