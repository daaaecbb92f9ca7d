"""Where the case lifecycle tells supervision what happened.

The case services call these inside their transaction; supervision (SLA clocks, the colour
ladder, scoring) reacts here, so the lifecycle does not need to know how deadlines work.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from huying.cases.models import Assignment, Case, Evaluation


def assignments_opened(*, assignments: list[Assignment], now: datetime) -> None:
    from huying.supervision import sla

    for assignment in assignments:
        sla.clocks_start(assignment=assignment, now=now)


def assignment_responded(*, assignment: Assignment, now: datetime) -> None:
    from huying.supervision import sla

    sla.clock_stop(assignment=assignment, metric="sign", now=now)
    sla.clock_stop(assignment=assignment, metric="respond", now=now)


def assignment_signed(*, assignment: Assignment, now: datetime) -> None:
    from huying.supervision import sla

    sla.clock_stop(assignment=assignment, metric="sign", now=now)


def assignment_replied(*, assignment: Assignment, now: datetime) -> None:
    from huying.supervision import sla

    sla.clock_stop(assignment=assignment, metric="sign", now=now)
    sla.clock_stop(assignment=assignment, metric="respond", now=now)
    sla.clock_stop(assignment=assignment, metric="complete", now=now)


def assignment_closed(*, assignment: Assignment, now: datetime) -> None:
    from huying.supervision import sla

    sla.clocks_cancel(assignment=assignment, now=now)


def assignment_return_decided(*, assignment: Assignment, approved: bool, now: datetime) -> None:
    from huying.supervision import sla

    if approved:
        sla.clocks_cancel(assignment=assignment, now=now)
    else:
        from huying.supervision import ladder

        ladder.assignment_return_denied(assignment=assignment, now=now)


def case_evaluated(*, case: Case, evaluation: Evaluation, now: datetime) -> None:
    """After the evaluation is saved (either branch of `case_evaluate`): an unsatisfied
    one climbs the ladder; 不满意/基本满意 bring a supervision slip."""
    from huying.supervision import ladder

    ladder.case_evaluated(case=case, evaluation=evaluation, now=now)


def extension_approved(*, assignment: Assignment, extra_days: int, now: datetime) -> None:
    from huying.supervision import sla

    sla.clock_extend(assignment=assignment, extra_days=extra_days, now=now)


def case_suspended(*, case: Case, now: datetime) -> None:
    from huying.supervision import sla

    sla.clocks_pause(case=case, now=now)


def case_resumed(*, case: Case, suspended_at: datetime, now: datetime) -> None:
    from huying.supervision import sla

    sla.clocks_resume(case=case, now=now)

