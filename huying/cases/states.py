"""The one place where the lifecycle rules live: which action moves a case or an assignment
from which states to which, and who (role × organisational scope) may perform it.

Services call `CASE.check(...)` / `ASSIGNMENT.check(...)` before changing anything; a refusal
raises `TransitionNotAllowed` (409, wrong state) or `PermissionDenied` (403, wrong actor).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from huying.cases.models import (
    Assignment,
    AssignmentStatus,
    Case,
    CaseStatus,
    RallyStatus,
    Rating,
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

    def target_for(self, status: str) -> str:
        return self.target or status


def grant(roles: Iterable[str], scope: Scope) -> Grant:
    return Grant(frozenset(roles), scope)


def t(action: str, sources: Iterable[str], target: str | None, *grants: Grant,
      system: bool = False, guard: Guard | None = None) -> Transition:
    return Transition(action, frozenset(sources), target, grants, system, guard)


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
# The status groups of a case — the one home of "open", "closed", "at the county" (every
# module that filters cases by these groups imports them from here).
OPEN_CASE = frozenset({S.REPORTED, S.REGISTERED, S.LOCAL, S.AWAITING_APPROVAL, S.TRIAGE,
                       S.DISPATCHED, S.REPLIED})
TERMINAL_CASE = frozenset({S.REJECTED, S.MERGED, S.RESOLVED, S.CLOSED})
# Finished with a result (结案): closed after evaluation, or resolved locally.
DONE_CASE = frozenset({S.CLOSED, S.RESOLVED})
# Not taken on: rejected, or merged into another case.
WITHDRAWN_CASE = frozenset({S.REJECTED, S.MERGED})
# Open at the county: waiting for triage, with departments, or waiting for evaluation.
OPEN_AT_COUNTY = frozenset({S.TRIAGE, S.DISPATCHED, S.REPLIED})
# The ratings that close a case (满意 of any degree); the rest (不满意) reopen it.
SATISFIED_RATINGS = frozenset({Rating.VERY_SATISFIED, Rating.SATISFIED,
                               Rating.BASICALLY_SATISFIED})
# The ratings counted as satisfied in the satisfaction rate (满意率).
FULLY_SATISFIED_RATINGS = frozenset({Rating.VERY_SATISFIED, Rating.SATISFIED})


class Machine:
    """A transition table with a readable refusal for every wrong state or actor."""

    def __init__(self, name: str, transitions: Iterable[Transition]) -> None:
        self.name = name  # "case" or "assignment"
        self.transitions = {tr.action: tr for tr in transitions}

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def label(self) -> str:
        return {"case": _("case"), "assignment": _("assignment")}.get(self.name, _("rally call"))

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
                _("Cannot %(action)s: the %(thing)s is now “%(status)s”.")
                % {"action": action_label(action), "thing": self.label(),
                   "status": status_label(status)},
                action=action, status=status)
        if not actor_may(actor, transition, case=case, assignment=assignment, team_id=team_id):
            raise PermissionDenied(
                _("You are not allowed to %(action)s this case.")
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
    t("report", {""}, S.REPORTED, GRID, TOWN_INITIATOR, CENTRE, system=True),
    t("register", {S.REPORTED}, S.REGISTERED, GRID, TOWN_INITIATOR, CENTRE, system=True),
    t("reject", {S.REPORTED, S.REGISTERED}, S.REJECTED, TOWN_INITIATOR, CENTRE),
    t("merge", {S.REPORTED, S.REGISTERED, S.LOCAL, S.TRIAGE}, S.MERGED, TOWN_INITIATOR, CENTRE),
    t("handle_locally", {S.REGISTERED}, S.LOCAL, GRID, TOWN_INITIATOR, CENTRE),
    t("resolve_locally", {S.LOCAL}, S.RESOLVED, GRID, TOWN_INITIATOR),
    t("escalate", {S.LOCAL}, None, GRID, TOWN_INITIATOR),
    t("call", {S.REGISTERED, S.LOCAL}, S.AWAITING_APPROVAL, TOWN_CALLER),
    t("call_approve", {S.AWAITING_APPROVAL}, S.TRIAGE, TOWN_REVIEWER),
    t("call_deny", {S.AWAITING_APPROVAL}, S.LOCAL, TOWN_REVIEWER),
    t("triage", {S.REGISTERED, S.TRIAGE}, S.TRIAGE, CENTRE),
    t("send_back", {S.TRIAGE}, S.LOCAL, CENTRE),
    t("dispatch", {S.REGISTERED, S.TRIAGE}, S.DISPATCHED, CENTRE),
    t("all_replied", {S.DISPATCHED}, S.REPLIED, system=True),
    t("return_to_triage", {S.DISPATCHED}, S.TRIAGE, CENTRE, system=True),
    t("suspend", {S.DISPATCHED}, None, CENTRE, guard=not_suspended),
    t("resume", {S.DISPATCHED}, None, CENTRE, guard=suspended),
    t("close", {S.REPLIED}, S.CLOSED, TOWN_INITIATOR, CENTRE),
    t("reopen", {S.REPLIED}, S.DISPATCHED, TOWN_INITIATOR, CENTRE),
    t("autoclose", {S.REPLIED}, S.CLOSED, system=True),
    t("rally", OPEN_CASE - {S.REPORTED}, None, TOWN_INITIATOR, CENTRE),
    t("attach", OPEN_CASE, None, GRID, TOWN_INITIATOR, CENTRE, DEPARTMENT),
])

ASSIGNMENT = Machine("assignment", [
    t("sign", {A.PENDING}, A.SIGNED, DEPARTMENT),
    t("progress", {A.SIGNED}, None, DEPARTMENT),
    t("reply", {A.SIGNED}, A.REPLIED, DEPARTMENT, guard=not_suspended),
    t("request_return", {A.PENDING, A.SIGNED}, A.RETURN_REQUESTED, DEPARTMENT),
    t("approve_return", {A.RETURN_REQUESTED}, A.RETURNED, CENTRE),
    # A denied return goes back to where it was: awaiting signature, or signed.
    t("deny_return", {A.RETURN_REQUESTED}, None, CENTRE),
    t("request_extension", {A.SIGNED}, None, DEPARTMENT, guard=no_extension_pending),
    t("decide_extension", {A.SIGNED, A.RETURN_REQUESTED}, None, CENTRE,
      guard=extension_pending),
    t("cancel", {A.PENDING, A.SIGNED, A.RETURN_REQUESTED}, A.CANCELLED, CENTRE, system=True),
])

RALLY = Machine("rally call", [
    t("claim", {RallyStatus.OPEN}, RallyStatus.CLAIMED, grant(set(), Scope.TEAM)),
    t("complete", {RallyStatus.CLAIMED}, RallyStatus.COMPLETED, grant(set(), Scope.TEAM)),
    t("cancel", {RallyStatus.OPEN, RallyStatus.CLAIMED}, RallyStatus.CANCELLED,
      TOWN_INITIATOR, CENTRE),
])

# Assignment states in which the department still owes work in the current cycle.
ASSIGNMENT_OPEN = frozenset({A.PENDING, A.SIGNED, A.RETURN_REQUESTED})


def action_label(action: str) -> str:
    labels = {
        "report": _("report"), "register": _("register"), "reject": _("reject"),
        "merge": _("merge"), "handle_locally": _("handle locally"),
        "resolve_locally": _("resolve locally"), "escalate": _("escalate"),
        "call": _("call up"), "call_approve": _("approve the call"),
        "call_deny": _("deny the call"), "triage": _("triage"), "send_back": _("send back"),
        "dispatch": _("dispatch"), "all_replied": _("complete the replies"),
        "return_to_triage": _("return to triage"), "suspend": _("suspend"),
        "resume": _("resume"), "close": _("close"), "reopen": _("reopen"),
        "autoclose": _("close automatically"), "rally": _("sound a rally call"),
        "attach": _("attach files to"), "claim": _("claim"), "complete": _("complete"),
        "sign": _("sign for"), "reply": _("reply to"), "progress": _("report progress on"),
        "request_return": _("request a return of"), "approve_return": _("approve the return of"),
        "deny_return": _("deny the return of"), "request_extension": _("request an extension of"),
        "decide_extension": _("decide the extension of"), "cancel": _("cancel"),
        "evaluate": _("evaluate"),
    }
    return labels.get(action, action)


def status_label(status: str) -> str:
    for choices in (CaseStatus, AssignmentStatus, RallyStatus):
        if status in choices.values:
            return str(choices(status).label)
    return _("new") if status == "" else status
