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
    label: str | Promise = ""  # the verb in refusals ("not allowed to sign for …")
    done: str | Promise = ""  # what the case's record says happened ("Signed")

    def __post_init__(self) -> None:
        if not (self.label and self.done):
            raise ValueError(f"transition {self.action} needs a label and a record title")

    def target_for(self, status: str) -> str:
        return self.target or status


def grant(roles: Iterable[str], scope: Scope) -> Grant:
    return Grant(frozenset(roles), scope)


def t(action: str, sources: Iterable[str], target: str | None, *grants: Grant,
      label: str | Promise, done: str | Promise, system: bool = False,
      guard: Guard | None = None) -> Transition:
    return Transition(action, frozenset(sources), target, grants, system, guard, label, done)


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
      label=_("report"), done=_("Reported")),
    t("register", {S.REPORTED}, S.REGISTERED, GRID, TOWN_INITIATOR, CENTRE, system=True,
      label=_("register"), done=_("Registered")),
    t("reject", {S.REPORTED, S.REGISTERED}, S.REJECTED, TOWN_INITIATOR, CENTRE,
      label=_("reject"), done=_("Rejected")),
    # The system merges a report scoring above the strict automatic threshold (duplicates).
    t("merge", {S.REPORTED, S.REGISTERED, S.LOCAL, S.TRIAGE}, S.MERGED, TOWN_INITIATOR, CENTRE,
      system=True, label=_("merge"), done=_("Merged")),
    t("handle_locally", {S.REGISTERED}, S.LOCAL, GRID, TOWN_INITIATOR, CENTRE,
      label=_("handle locally"), done=_("Taken on locally")),
    t("resolve_locally", {S.LOCAL}, S.RESOLVED, GRID, TOWN_INITIATOR,
      label=_("resolve locally"), done=_("Resolved locally")),
    t("escalate", {S.LOCAL}, None, GRID, TOWN_INITIATOR,
      label=_("escalate"), done=_("Escalated")),
    t("call", {S.REGISTERED, S.LOCAL}, S.AWAITING_APPROVAL, TOWN_CALLER,
      label=_("call up"), done=_("Called the county")),
    t("call_approve", {S.AWAITING_APPROVAL}, S.TRIAGE, TOWN_REVIEWER,
      label=_("approve the call"), done=_("Call approved")),
    t("call_deny", {S.AWAITING_APPROVAL}, S.LOCAL, TOWN_REVIEWER,
      label=_("deny the call"), done=_("Call denied")),
    t("triage", {S.REGISTERED, S.TRIAGE}, S.TRIAGE, CENTRE,
      label=_("triage"), done=_("Triaged")),
    t("send_back", {S.TRIAGE}, S.LOCAL, CENTRE,
      label=_("send back"), done=_("Sent back to the town")),
    # The system dispatches a confident report itself when smart dispatch is on
    # (huying/routing, HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE).
    t("dispatch", {S.REGISTERED, S.TRIAGE}, S.DISPATCHED, CENTRE, system=True,
      label=_("dispatch"), done=_("Dispatched")),
    t("all_replied", {S.DISPATCHED}, S.REPLIED, system=True,
      label=_("complete the replies"), done=_("All lead departments replied")),
    t("return_to_triage", {S.DISPATCHED}, S.TRIAGE, system=True,
      label=_("return to triage"), done=_("Back to triage")),
    t("suspend", {S.DISPATCHED}, None, CENTRE, guard=not_suspended,
      label=_("suspend"), done=_("Suspended")),
    t("resume", {S.DISPATCHED}, None, CENTRE, guard=suspended,
      label=_("resume"), done=_("Resumed")),
    t("close", {S.REPLIED}, S.CLOSED, TOWN_INITIATOR, CENTRE,
      label=_("close"), done=_("Evaluated and closed")),
    t("reopen", {S.REPLIED}, S.DISPATCHED, TOWN_INITIATOR, CENTRE,
      label=_("reopen"), done=_("Evaluated unsatisfied, reopened")),
    t("autoclose", {S.REPLIED}, S.CLOSED, system=True,
      label=_("close automatically"), done=_("Closed automatically")),
    t("rally", OPEN_CASE - {S.REPORTED}, None, TOWN_INITIATOR, CENTRE,
      label=_("sound a rally call"), done=_("Rally call sounded")),
    # The system attaches the photos a citizen sends with a report from the H5 page (the
    # citizen has no account: the platform files the report on their behalf).
    t("attach", OPEN_CASE, None, GRID, TOWN_INITIATOR, CENTRE, DEPARTMENT, system=True,
      label=_("attach files to"), done=_("File attached")),
])

ASSIGNMENT = Machine("assignment", [
    t("sign", {A.PENDING}, A.SIGNED, DEPARTMENT,
      label=_("sign for"), done=_("Signed")),
    t("progress", {A.SIGNED}, None, DEPARTMENT,
      label=_("report progress on"), done=_("Progress reported")),
    t("reply", {A.SIGNED}, A.REPLIED, DEPARTMENT, guard=not_suspended,
      label=_("reply to"), done=_("Replied")),
    t("request_return", {A.PENDING, A.SIGNED}, A.RETURN_REQUESTED, DEPARTMENT,
      label=_("request a return of"), done=_("Return requested")),
    t("approve_return", {A.RETURN_REQUESTED}, A.RETURNED, CENTRE,
      label=_("approve the return of"), done=_("Return approved")),
    # A denied return goes back to where it was: awaiting signature, or signed.
    t("deny_return", {A.RETURN_REQUESTED}, None, CENTRE,
      label=_("deny the return of"), done=_("Return denied")),
    t("request_extension", {A.SIGNED}, None, DEPARTMENT, guard=no_extension_pending,
      label=_("request an extension of"), done=_("Extension requested")),
    t("decide_extension", {A.SIGNED, A.RETURN_REQUESTED}, None, CENTRE,
      guard=extension_pending,
      label=_("decide the extension of"), done=_("Extension decided")),
    t("cancel", {A.PENDING, A.SIGNED, A.RETURN_REQUESTED}, A.CANCELLED, system=True,
      label=_("cancel"), done=_("Assignment cancelled")),
])

RALLY = Machine("rally call", [
    t("claim", {RallyStatus.OPEN}, RallyStatus.CLAIMED, grant(set(), Scope.TEAM),
      label=_("claim"), done=_("Rally call claimed")),
    t("complete", {RallyStatus.CLAIMED}, RallyStatus.COMPLETED, grant(set(), Scope.TEAM),
      label=_("complete"), done=_("Rally call completed")),
])

# Assignment states in which the department still owes work in the current cycle.
ASSIGNMENT_OPEN = frozenset({A.PENDING, A.SIGNED, A.RETURN_REQUESTED})


# Events that are not transitions of the tables above: (verb, record title).
EVENTS = {
    "evaluate": (_("evaluate"), _("Evaluated")),
    "redispatch": (_("redispatch"), _("Redispatched")),
    "refused": (_("refuse"), _("Refused by a list")),
    # A duplicate suggestion a person judged wrong (huying/duplicates/services.py).
    "dismiss_duplicate": (_("dismiss a duplicate suggestion"),
                          _("Not a duplicate of the suggested case")),
    "flag_sensitive": (_("flag as stability-sensitive"), _("Flagged as stability-sensitive")),
    # Set by the gazetteer from the report's words (huying/gazetteer/subscribers.py).
    "locate": (_("locate by the address"), _("Located by the address text")),
    "locate_conflict": (_("compare the address with the point"),
                        _("Address text and point disagree")),
}


def _declared(action: str) -> tuple[str | Promise, str | Promise] | None:
    for machine in (CASE, ASSIGNMENT, RALLY):
        transition = machine.transitions.get(action)
        if transition is not None:
            return transition.label, transition.done
    # A rally call's transitions are recorded on its case as rally_<name>.
    transition = RALLY.transitions.get(action.removeprefix("rally_"))
    if transition is not None:
        return transition.label, transition.done
    return EVENTS.get(action)


def action_label(action: str) -> str:
    """The verb for an action or event ("sign for"), as its transition declares it."""
    declared = _declared(action)
    return str(declared[0]) if declared else action


def event_title(action: str) -> str:
    """What the case's record says happened ("Signed"), as its transition declares it."""
    declared = _declared(action)
    return str(declared[1]) if declared else action


def status_label(status: str) -> str:
    for choices in (CaseStatus, AssignmentStatus, RallyStatus):
        if status in choices.values:
            return str(choices(status).label)
    return gettext("new") if status == "" else status
