"""The one place where the lifecycle rules live: which action moves a case or an assignment
from which states to which, and who (role × organisational scope) may perform it.

Services call `CASE.check(...)` / `ASSIGNMENT.check(...)` before changing anything; a refusal
raises `TransitionNotAllowed` (409, wrong state) or `PermissionDenied` (403, wrong actor).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huying.cases.models import (
    Assignment,
    AssignmentStatus,
    Case,
    CaseStatus,
    RallyStatus,
    RequestStatus,
)
from huying.cases.scope import actor_in_scope
from huying.common.errors import PermissionDenied, TransitionNotAllowed
from huying.org.models import GRID_ROLES, Role, User


class Scope(StrEnum):
    TERRITORY = "territory"  # a membership on a unit that contains the case's location
    TOWN = "town"  # the same, but the membership is on the case's town itself
    DEPARTMENT = "department"  # a membership in the assignment's department
    CENTRE = "centre"  # a supervisor of a command centre (or unit) covering the case
    COUNTY = "county"  # a leader of the case's county
    TEAM = "team"  # a member of the volunteer team concerned


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str]
    scope: Scope


Guard = Callable[[Case, "Assignment | None"], bool]


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status stays as it is
    grants: tuple[Grant, ...]
    system: bool = False  # the platform itself (sweeps, intake adapters) may perform it
    # A condition beyond the status, for actions that share a state (suspend/resume).
    guard: Guard | None = None
    label: str | Promise = ""  # the verb in refusals and on the case's record

    def __post_init__(self) -> None:
        if not self.label:
            raise ValueError(f"transition {self.action} has no label")

    def target_for(self, status: str) -> str:
        return self.target or status


def grant(roles: Iterable[str], scope: Scope) -> Grant:
    return Grant(frozenset(roles), scope)


def t(action: str, sources: Iterable[str], target: str | None, *grants: Grant,
      label: str | Promise, system: bool = False, guard: Guard | None = None) -> Transition:
    return Transition(action, frozenset(sources), target, grants, system, guard, label)


def not_suspended(case: Case, _assignment: Assignment | None) -> bool:
    return not case.is_suspended


def suspended(case: Case, _assignment: Assignment | None) -> bool:
    return case.is_suspended


def extension_pending(_case: Case, assignment: Assignment | None) -> bool:
    return assignment is not None and assignment.extension_requests.filter(
        status=RequestStatus.PENDING).exists()


def no_extension_pending(case: Case, assignment: Assignment | None) -> bool:
    return not extension_pending(case, assignment)


S = CaseStatus
A = AssignmentStatus
GRID = grant(GRID_ROLES, Scope.TERRITORY)
TOWN_INITIATOR = grant({Role.INITIATOR}, Scope.TERRITORY)
TOWN_CALLER = grant({Role.INITIATOR}, Scope.TOWN)
TOWN_REVIEWER = grant({Role.TOWN_REVIEWER}, Scope.TOWN)
CENTRE = grant({Role.SUPERVISOR}, Scope.CENTRE)
DEPARTMENT = grant({Role.RESPONDER, Role.DEPT_HEAD, Role.DEPT_DEPUTY}, Scope.DEPARTMENT)
OPEN_CASE = {S.REPORTED, S.REGISTERED, S.LOCAL, S.AWAITING_APPROVAL, S.TRIAGE, S.DISPATCHED,
             S.REPLIED}
TERMINAL_CASE = frozenset({S.REJECTED, S.MERGED, S.RESOLVED, S.CLOSED})


class Machine:
    """A transition table with a readable refusal for every wrong state or actor."""

    def __init__(self, name: str, transitions: Iterable[Transition]) -> None:
        self.name = name  # "case" or "assignment"
        self.transitions = {tr.action: tr for tr in transitions}

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def label(self) -> str:
        return {"case": gettext("case"), "assignment": gettext("assignment")}.get(
            self.name, gettext("rally call"))

    def allows_state(self, status: str, action: str, *, case: Case | None = None,
                     assignment: Assignment | None = None) -> bool:
        """The status (and, given the case, the transition's guard) admits the action."""
        transition = self.transitions[action]
        if status not in transition.sources:
            return False
        return transition.guard is None or case is None or transition.guard(case, assignment)

    def check(self, status: str, action: str, *, actor: User | None, case: Case,
              assignment: Assignment | None = None, team_id: int | None = None) -> Transition:
        transition = self.transitions[action]
        if not self.allows_state(status, action, case=case, assignment=assignment):
            raise TransitionNotAllowed(
                gettext("Cannot %(action)s: the %(thing)s is now “%(status)s”.")
                % {"action": action_label(action), "thing": self.label(),
                   "status": status_label(status)},
                action=action, status=status)
        if not actor_may(actor, transition, case=case, assignment=assignment, team_id=team_id):
            raise PermissionDenied(
                gettext("You are not allowed to %(action)s this case.")
                % {"action": action_label(action)}, action=action)
        return transition


def actor_may(actor: User | None, transition: Transition, *, case: Case,
              assignment: Assignment | None = None, team_id: int | None = None) -> bool:
    if actor is None:
        return transition.system
    if not actor.is_active:
        return False
    department_id = assignment.department_id if assignment is not None else None
    return any(
        actor_in_scope(actor, g.roles, g.scope, case=case, department_id=department_id,
                       team_id=team_id)
        for g in transition.grants)


CASE = Machine("case", [
    t("report", {""}, S.REPORTED, GRID, TOWN_INITIATOR, CENTRE, system=True,
      label=_("report")),
    t("register", {S.REPORTED}, S.REGISTERED, GRID, TOWN_INITIATOR, CENTRE, system=True,
      label=_("register")),
    t("reject", {S.REPORTED, S.REGISTERED}, S.REJECTED, TOWN_INITIATOR, CENTRE,
      label=_("reject")),
    t("merge", {S.REPORTED, S.REGISTERED, S.LOCAL, S.TRIAGE}, S.MERGED, TOWN_INITIATOR, CENTRE,
      label=_("merge")),
    t("handle_locally", {S.REGISTERED}, S.LOCAL, GRID, TOWN_INITIATOR, CENTRE,
      label=_("handle locally")),
    t("resolve_locally", {S.LOCAL}, S.RESOLVED, GRID, TOWN_INITIATOR,
      label=_("resolve locally")),
    t("escalate", {S.LOCAL}, None, GRID, TOWN_INITIATOR,
      label=_("escalate")),
    t("call", {S.REGISTERED, S.LOCAL}, S.AWAITING_APPROVAL, TOWN_CALLER,
      label=_("call up")),
    t("call_approve", {S.AWAITING_APPROVAL}, S.TRIAGE, TOWN_REVIEWER,
      label=_("approve the call")),
    t("call_deny", {S.AWAITING_APPROVAL}, S.LOCAL, TOWN_REVIEWER,
      label=_("deny the call")),
    t("triage", {S.REGISTERED, S.TRIAGE}, S.TRIAGE, CENTRE,
      label=_("triage")),
    t("send_back", {S.TRIAGE}, S.LOCAL, CENTRE,
      label=_("send back")),
    t("dispatch", {S.REGISTERED, S.TRIAGE}, S.DISPATCHED, CENTRE,
      label=_("dispatch")),
    t("all_replied", {S.DISPATCHED}, S.REPLIED, system=True,
      label=_("complete the replies")),
    t("return_to_triage", {S.DISPATCHED}, S.TRIAGE, CENTRE, system=True,
      label=_("return to triage")),
    t("suspend", {S.DISPATCHED}, None, CENTRE, guard=not_suspended,
      label=_("suspend")),
    t("resume", {S.DISPATCHED}, None, CENTRE, guard=suspended,
      label=_("resume")),
    t("close", {S.REPLIED}, S.CLOSED, TOWN_INITIATOR, CENTRE,
      label=_("close")),
    t("reopen", {S.REPLIED}, S.DISPATCHED, TOWN_INITIATOR, CENTRE,
      label=_("reopen")),
    t("autoclose", {S.REPLIED}, S.CLOSED, system=True,
      label=_("close automatically")),
    t("rally", OPEN_CASE - {S.REPORTED}, None, TOWN_INITIATOR, CENTRE,
      label=_("sound a rally call")),
    t("attach", OPEN_CASE, None, GRID, TOWN_INITIATOR, CENTRE, DEPARTMENT,
      label=_("attach files to")),
])

ASSIGNMENT = Machine("assignment", [
    t("sign", {A.PENDING}, A.SIGNED, DEPARTMENT,
      label=_("sign for")),
    t("progress", {A.SIGNED}, None, DEPARTMENT,
      label=_("report progress on")),
    t("reply", {A.SIGNED}, A.REPLIED, DEPARTMENT, guard=not_suspended,
      label=_("reply to")),
    t("request_return", {A.PENDING, A.SIGNED}, A.RETURN_REQUESTED, DEPARTMENT,
      label=_("request a return of")),
    t("approve_return", {A.RETURN_REQUESTED}, A.RETURNED, CENTRE,
      label=_("approve the return of")),
    # A denied return goes back to where it was: awaiting signature, or signed.
    t("deny_return", {A.RETURN_REQUESTED}, None, CENTRE,
      label=_("deny the return of")),
    t("request_extension", {A.SIGNED}, None, DEPARTMENT, guard=no_extension_pending,
      label=_("request an extension of")),
    t("decide_extension", {A.SIGNED, A.RETURN_REQUESTED}, None, CENTRE,
      guard=extension_pending,
      label=_("decide the extension of")),
    t("cancel", {A.PENDING, A.SIGNED, A.RETURN_REQUESTED}, A.CANCELLED, CENTRE, system=True,
      label=_("cancel")),
])

RALLY = Machine("rally call", [
    t("claim", {RallyStatus.OPEN}, RallyStatus.CLAIMED, grant(set(), Scope.TEAM),
      label=_("claim")),
    t("complete", {RallyStatus.CLAIMED}, RallyStatus.COMPLETED, grant(set(), Scope.TEAM),
      label=_("complete")),
    t("cancel", {RallyStatus.OPEN, RallyStatus.CLAIMED}, RallyStatus.CANCELLED,
      TOWN_INITIATOR, CENTRE,
      label=_("cancel")),
])

# Assignment states in which the department still owes work in the current cycle.
ASSIGNMENT_OPEN = frozenset({A.PENDING, A.SIGNED, A.RETURN_REQUESTED})


# What the record calls the events that are not transitions of the tables above.
EVENT_LABELS = {
    "evaluate": _("evaluate"), "redispatch": _("redispatch"), "refused": _("refuse"),
    "rally_claim": _("claim"), "rally_complete": _("complete"),
}


def action_label(action: str) -> str:
    """The verb for an action or event, from the transition that declares it."""
    for machine in (CASE, ASSIGNMENT, RALLY):
        transition = machine.transitions.get(action)
        if transition is not None:
            return str(transition.label)
    return str(EVENT_LABELS.get(action, action))


def status_label(status: str) -> str:
    for choices in (CaseStatus, AssignmentStatus, RallyStatus):
        if status in choices.values:
            return str(choices(status).label)
    return gettext("new") if status == "" else status
