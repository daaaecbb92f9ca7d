"""What an action declaration is, and the registry that holds them.

An `Action` names a business action once: its label and icon, what it acts on, the
transitions of `states.py` it may use, its one input schema (read by the API and the page
alike), the service that performs it and what it answers. The JSON routes
(`cases/actions/routes.py`), the page's forms and handlers (`web/actions.py`), the labels
and the "what may I do now" lists are all derived from these declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise

from huying.cases import states
from huying.cases.models import Assignment, Case, RallyCall
from huying.org.models import User


class Target(StrEnum):
    NEW = "new"  # the action creates a case (a report)
    CASE = "case"  # /cases/{number}/…
    ASSIGNMENT = "assignment"  # /assignments/{id}/…
    RALLY = "rally"  # /rally-calls/{id}/…


MACHINES: dict[Target, states.Machine] = {
    Target.NEW: states.CASE, Target.CASE: states.CASE,
    Target.ASSIGNMENT: states.ASSIGNMENT, Target.RALLY: states.RALLY,
}


@dataclass(frozen=True)
class FormContext:
    """What a page form needs to offer its choices and initial values."""

    user: User
    case: Case
    assignment: Assignment | None
    now: datetime


Choices = Sequence[tuple[str, Any]]


@dataclass(frozen=True)
class Widget:
    """How the page shows one field of the input schema. The field itself (its name, type,
    whether it is required) comes from the schema; `kind` is derived from the type unless
    given: text, textarea, select, radio, checkbox, checkboxes, number, file."""

    label: str | Promise
    kind: str = ""
    choices: Choices | Callable[[FormContext], Choices] = ()
    initial: Any = None  # a value, or a function of the FormContext
    help: str | Promise | Callable[[FormContext], str] = ""
    placeholder: str | Promise = ""
    # (other field, value): shown only while the other field has that value (web/huying.js).
    shown_if: tuple[str, str] | None = None
    when: Callable[[FormContext], bool] | None = None  # offered at all only when true


@dataclass(frozen=True)
class Call:
    """One performance of an action: who, when, on what, with which uploaded files."""

    actor: User | None
    now: datetime
    case: Case | None = None
    assignment: Assignment | None = None
    rally: RallyCall | None = None
    files: Sequence[Any] = ()


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise  # the button and the page's word for it
    target: Target
    transitions: tuple[str, ...]  # of MACHINES[target]; "allowed now" asks these
    input: type  # a Ninja Schema (pydantic); the API body and the page's fields
    perform: Callable[[Call, Any], Any]  # (call, parsed input) -> result, via the services
    output: Callable[[User, Any], Any]  # result -> response schema instance
    response: Any  # the response schema type (for the OpenAPI document)
    status: int = 200
    status_for: Callable[[Any], int] | None = None  # when the answer's status depends on it
    icon: str = ""
    style: str = "outline-secondary"
    primary: bool = False  # the page shows its form open; the others fold away
    queue: str = ""  # the to-do queue whose items this action works off
    widgets: Mapping[str, Widget] = field(default_factory=dict)
    files: str = ""  # the name of the upload field, when the action takes files
    files_required: bool = False  # at least one file (the page marks the field required)
    slug: str = ""  # the last URL segment; default: the name with dashes
    # Offered on each assignment as well as on the case (a department attaches files
    # through its assignment).
    per_assignment: bool = False
    page: bool = True  # offered as a form on the case page

    @property
    def machine(self) -> states.Machine:
        return MACHINES[self.target]

    @property
    def path_segment(self) -> str:
        return self.slug or self.name.replace("_", "-")

    def allowed(self, user: User, case: Case, assignment: Assignment | None = None) -> bool:
        """The transition tables admit the user taking this action now."""
        if self.target == Target.ASSIGNMENT:
            if assignment is None or assignment.cycle != case.cycle:
                return False
            status = assignment.status
        elif self.target == Target.CASE:
            status = case.status
        else:
            return False
        machine = self.machine
        return any(
            machine.allows_state(status, name, case=case, assignment=assignment)
            and states.actor_may(user, machine[name], case=case, assignment=assignment)
            for name in self.transitions)


REGISTRY: dict[str, Action] = {}
# Inputs a page's form carries by itself (hidden), never shown as fields.
FORM_CARRIED_FIELDS = frozenset({"expected_version", "assignment"})


def declare(action: Action) -> Action:
    """Add an action to the registry; each name once, each transition known."""
    if action.name in REGISTRY:
        raise ValueError(f"action {action.name} declared twice")
    unknown = [t for t in action.transitions if t not in action.machine.transitions]
    if unknown:
        raise ValueError(f"action {action.name}: unknown transitions {unknown}")
    fields = action.input.model_fields
    stray = [name for name in action.widgets if name not in fields and name != action.files]
    if stray:
        raise ValueError(f"action {action.name}: widgets for unknown fields {stray}")
    REGISTRY[action.name] = action
    return action
