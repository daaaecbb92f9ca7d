"""What the case lifecycle tells the apps above it (published with `huying.common.bus`).

The case services publish these inside their transaction, after the rows changed; who
listens and in which phase is in `docs/architecture.md` ("Domain events and subscribers").
Events carry the locked objects the service already holds, so a subscriber reads the state
the action produced without querying again, and `at`, the action's `now`.

Not to be confused with `cases/events.py`, the hash-chained case record (`CaseEvent`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from huying.cases.models import Assignment, Case, CaseEvent, Evaluation
from huying.common.bus import DomainEvent


@dataclass(frozen=True)
class AssignmentsOpened(DomainEvent):
    """Departments got new work: a dispatch, a reopen, or a redispatch of the lead."""

    assignments: tuple[Assignment, ...]
    at: datetime


@dataclass(frozen=True)
class AssignmentSigned(DomainEvent):
    assignment: Assignment
    at: datetime


@dataclass(frozen=True)
class AssignmentResponded(DomainEvent):
    """A progress note: the department's first action answers the response clock."""

    assignment: Assignment
    at: datetime


@dataclass(frozen=True)
class AssignmentReplied(DomainEvent):
    assignment: Assignment
    at: datetime


@dataclass(frozen=True)
class AssignmentCancelled(DomainEvent):
    """An assignment still open when its cycle ended or its lead was returned."""

    assignment: Assignment
    at: datetime


@dataclass(frozen=True)
class ReturnRequested(DomainEvent):
    assignment: Assignment
    at: datetime


@dataclass(frozen=True)
class ReturnApproved(DomainEvent):
    assignment: Assignment
    at: datetime


@dataclass(frozen=True)
class ReturnDenied(DomainEvent):
    """The centre refused a return: the department must handle it (shirking climbs the
    ladder)."""

    assignment: Assignment
    at: datetime


@dataclass(frozen=True)
class ExtensionRequested(DomainEvent):
    assignment: Assignment
    at: datetime


@dataclass(frozen=True)
class ExtensionApproved(DomainEvent):
    assignment: Assignment
    extra_days: int
    at: datetime


@dataclass(frozen=True)
class CaseCalled(DomainEvent):
    """A town initiator called the county (吹哨): the town's reviewers decide."""

    case: Case
    at: datetime


@dataclass(frozen=True)
class CaseCallApproved(DomainEvent):
    case: Case
    at: datetime


@dataclass(frozen=True)
class CaseReplied(DomainEvent):
    """Every lead assignment of the cycle replied: the case waits for its evaluation."""

    case: Case
    at: datetime


@dataclass(frozen=True)
class CaseEvaluated(DomainEvent):
    """An evaluation was saved: by the initiator (closing or reopening) or by the
    autoclose."""

    case: Case
    evaluation: Evaluation
    at: datetime


@dataclass(frozen=True)
class CaseSuspended(DomainEvent):
    case: Case
    at: datetime


@dataclass(frozen=True)
class CaseResumed(DomainEvent):
    case: Case
    suspended_at: datetime | None
    at: datetime


@dataclass(frozen=True)
class CaseReported(DomainEvent):
    """A new case was taken in, from any channel. Published after its `report` record, in
    the report's transaction, so triage (locating by text, the sensitive flag, matter
    suggestions, duplicate candidates) commits with the report or not at all. `event` is
    the `report` record."""

    case: Case
    event: CaseEvent
    at: datetime


@dataclass(frozen=True)
class CaseStatusChanged(DomainEvent):
    """The case's status moved (any transition of the case whose target differs from where
    it stood; not the report itself, which its source is answered synchronously). `event`
    is the record entry that states it."""

    case: Case
    from_status: str
    to_status: str
    event: CaseEvent
    at: datetime


@dataclass(frozen=True)
class CaseChanged(DomainEvent):
    """Something about a case changed: published for every event appended to its record (and
    by the few writes that touch a case without one, e.g. a citizen's rating), so that the
    figures derived from cases can be brought up to date."""

    case_id: int
    at: datetime
