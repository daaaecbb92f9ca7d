"""Where the case lifecycle tells supervision and people what happened.

The case services call these inside their transaction; supervision (SLA clocks, the colour
ladder, scoring) and the notification centre react here, so the lifecycle does not need to
know how deadlines work or who is told. Notifications roll back with the action, and their
webhooks are only sent after it commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from huying.cases.models import Assignment, Case, Evaluation


def link(case: Case) -> str:
    return f"/cases/{case.number}"


def assignments_opened(*, assignments: list[Assignment], now: datetime) -> None:
    from huying.notifications.models import Kind
    from huying.notifications.services import notify_department
    from huying.supervision import sla

    for assignment in assignments:
        sla.clocks_start(assignment=assignment, now=now)
        case = assignment.case
        notify_department(
            department=assignment.department, kind=Kind.NEW_WORK, now=now, case=case,
            link=link(case), dedupe_key=f"assignment:{assignment.pk}",
            title=_("New assignment to sign: %(number)s %(title)s")
            % {"number": case.number, "title": case.title},
            body=_("Please sign for it in time and reply within the limit."))


def case_called(*, case: Case, now: datetime) -> None:
    """A town initiator blew the whistle: the town's reviewers approve or deny it."""
    from huying.notifications.models import Kind
    from huying.notifications.services import notify_role_in_unit
    from huying.org.models import Role

    notify_role_in_unit(
        role=Role.TOWN_REVIEWER, unit=case.town, kind=Kind.DECISION, now=now, case=case,
        link=link(case), dedupe_key=f"call:{case.pk}:{case.version}",
        title=_("Call awaiting approval: %(number)s %(title)s")
        % {"number": case.number, "title": case.title},
        body=case.status_reason)


def case_call_approved(*, case: Case, now: datetime) -> None:
    """An approved call reaches the county command centre's triage."""
    from huying.notifications.models import Kind
    from huying.notifications.services import notify_role_in_unit
    from huying.org.models import Role

    notify_role_in_unit(
        role=Role.SUPERVISOR, unit=case.county, kind=Kind.NEW_WORK, now=now, case=case,
        link=link(case), dedupe_key=f"triage:{case.pk}:{case.version}",
        title=_("New call to triage: %(number)s %(title)s")
        % {"number": case.number, "title": case.title},
        body=case.status_reason)


def case_replied(*, case: Case, now: datetime) -> None:
    """Every lead department replied: whoever called the case up evaluates it."""
    from huying.notifications.models import Kind
    from huying.notifications.services import notify

    users = [u for u in (case.called_by, case.reported_by) if u is not None]
    notify(users=users[:1], kind=Kind.EVALUATION, now=now, case=case, link=link(case),
           dedupe_key=f"replied:{case.pk}:{case.cycle}",
           title=_("Reply awaiting your evaluation: %(number)s %(title)s")
           % {"number": case.number, "title": case.title},
           body=_("Evaluate the result before the window closes; an unsatisfied evaluation "
                  "sends it back for rework."))


def decision_requested(*, assignment: Assignment, what: str, now: datetime) -> None:
    """A department asks the centre to decide a return or an extension."""
    from huying.notifications.models import Kind
    from huying.notifications.services import notify_role_in_unit
    from huying.org.models import Role

    case = assignment.case
    notify_role_in_unit(
        role=Role.SUPERVISOR, unit=case.county, kind=Kind.DECISION, now=now, case=case,
        link=link(case), dedupe_key=f"{what}:{assignment.pk}:{assignment.version}",
        title=_("%(department)s asks for a decision on %(number)s")
        % {"department": assignment.department, "number": case.number},
        body=str(what_label(what)))


def what_label(what: str) -> str:
    return {"return": _("Return request"), "extension": _("Extension request")}[what]


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

