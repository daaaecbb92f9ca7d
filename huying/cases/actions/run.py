"""Running a declared action and asking which ones a user may take now: the API and the
page both come through here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from huying.cases.actions.base import REGISTRY, Action, Call, Target
from huying.cases.actions.parse import parse
from huying.cases.models import Assignment, Case, RallyCall
from huying.org.models import User


def perform(action: Action, *, actor: User | None, now: datetime, data: Mapping[str, Any],
            case: Case | None = None, assignment: Assignment | None = None,
            rally: RallyCall | None = None, files: Sequence[Any] = ()) -> Any:
    """Validate `data` against the action's input and perform it through its service."""
    body = parse(action, data)
    if assignment is not None and case is None:
        case = assignment.case
    return action.perform(Call(actor=actor, now=now, case=case, assignment=assignment,
                               rally=rally, files=files), body)


def allowed_on_case(user: User, case: Case) -> list[str]:
    """The case's actions (not its assignments') the user may take now, in page order."""
    return [a.name for a in REGISTRY.values()
            if a.target == Target.CASE and a.allowed(user, case)]


def allowed_on_assignment(user: User, assignment: Assignment, case: Case) -> list[str]:
    """The actions the user may take on one assignment of the case now; a department
    attaches files through its assignment."""
    if assignment.cycle != case.cycle:
        return []
    return [a.name for a in REGISTRY.values()
            if (a.target == Target.ASSIGNMENT or a.per_assignment)
            and a.allowed(user, case, assignment)]


def queue_actions(queue: str) -> list[str]:
    """The actions that work off a to-do queue's items."""
    return [a.name for a in REGISTRY.values() if a.queue == queue]
