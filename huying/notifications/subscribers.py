"""Who is told what when the case lifecycle moves.

The notices run inside the case action's transaction (`Phase.IN_TRANSACTION`), so a notice
rolls back with an action that failed and is there as soon as the action returns; what
leaves the process (the webhook delivery) is handed over only on commit, by `notify`
itself. The table of all subscribers is in `docs/architecture.md`.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_noop

from huying.cases.domain_events import (
    AssignmentsOpened,
    CaseCallApproved,
    CaseCalled,
    CaseReplied,
    CaseStatusChanged,
    ExtensionRequested,
    ReturnRequested,
)
from huying.cases.models import Assignment, Case
from huying.common.bus import Phase, subscribe
from huying.common.messages import Message, message
from huying.notifications.models import Kind
from huying.notifications.services import notify, notify_department, notify_role_in_unit
from huying.notifications.sources import source_updates_record
from huying.org.models import Role


def link(case: Case) -> str:
    return f"/cases/{case.number}"


@subscribe(AssignmentsOpened, when=Phase.IN_TRANSACTION)
def tell_departments_of_new_work(event: AssignmentsOpened) -> None:
    now = event.at
    for assignment in event.assignments:
        case = assignment.case
        notify_department(
            department=assignment.department, kind=Kind.NEW_WORK, now=now, case=case,
            link=link(case), dedupe_key=f"assignment:{assignment.pk}",
            title=message(gettext_noop("New assignment to sign: %(number)s %(title)s"),
                          number=case.number, title=case.title),
            body=message(gettext_noop("Please sign for it in time and reply within the limit.")))


@subscribe(CaseCalled, when=Phase.IN_TRANSACTION)
def tell_town_reviewers_of_call(event: CaseCalled) -> None:
    """A town initiator blew the whistle: the town's reviewers approve or deny it."""
    case, now = event.case, event.at
    notify_role_in_unit(
        role=Role.TOWN_REVIEWER, unit=case.town, kind=Kind.DECISION, now=now, case=case,
        link=link(case), dedupe_key=f"call:{case.pk}:{case.version}",
        title=message(gettext_noop("Call awaiting approval: %(number)s %(title)s"),
                      number=case.number, title=case.title),
        body=case.status_reason)


@subscribe(CaseCallApproved, when=Phase.IN_TRANSACTION)
def tell_centre_of_approved_call(event: CaseCallApproved) -> None:
    """An approved call reaches the county command centre's triage."""
    case, now = event.case, event.at
    notify_role_in_unit(
        role=Role.SUPERVISOR, unit=case.county, kind=Kind.NEW_WORK, now=now, case=case,
        link=link(case), dedupe_key=f"triage:{case.pk}:{case.version}",
        title=message(gettext_noop("New call to triage: %(number)s %(title)s"),
                      number=case.number, title=case.title),
        body=case.status_reason)


@subscribe(CaseReplied, when=Phase.IN_TRANSACTION)
def tell_initiator_to_evaluate(event: CaseReplied) -> None:
    """Every lead department replied: whoever called the case up evaluates it."""
    case, now = event.case, event.at
    users = [u for u in (case.called_by, case.reported_by) if u is not None]
    notify(users=users[:1], kind=Kind.EVALUATION, now=now, case=case, link=link(case),
           dedupe_key=f"replied:{case.pk}:{case.cycle}",
           title=message(gettext_noop("Reply awaiting your evaluation: %(number)s %(title)s"),
                         number=case.number, title=case.title),
           body=message(gettext_noop("Evaluate the result before the window closes; an "
                                     "unsatisfied evaluation sends it back for rework.")))


@subscribe(ReturnRequested, when=Phase.IN_TRANSACTION)
def tell_centre_of_return_request(event: ReturnRequested) -> None:
    decision_requested(assignment=event.assignment, what="return", now=event.at)


@subscribe(ExtensionRequested, when=Phase.IN_TRANSACTION)
def tell_centre_of_extension_request(event: ExtensionRequested) -> None:
    decision_requested(assignment=event.assignment, what="extension", now=event.at)


def decision_requested(*, assignment: Assignment, what: str, now: datetime) -> None:
    """A department asks the centre to decide a return or an extension."""
    case = assignment.case
    notify_role_in_unit(
        role=Role.SUPERVISOR, unit=case.county, kind=Kind.DECISION, now=now, case=case,
        link=link(case), dedupe_key=f"{what}:{assignment.pk}:{assignment.version}",
        title=message(gettext_noop("%(department)s asks for a decision on %(number)s"),
                      department=str(assignment.department), number=case.number),
        body=what_label(what))


def what_label(what: str) -> Message:
    return message({"return": gettext_noop("Return request"),
                    "extension": gettext_noop("Extension request")}[what])


@subscribe(CaseStatusChanged, when=Phase.IN_TRANSACTION)
def tell_the_sources(event: CaseStatusChanged) -> None:
    """Every status change goes back to the source systems that reported the case (and the
    duplicates merged into it); the rows commit with the change, the webhook leaves after
    commit (`sources.source_updates_record`)."""
    source_updates_record(case=event.case, to_status=event.to_status, event=event.event,
                          now=event.at)
