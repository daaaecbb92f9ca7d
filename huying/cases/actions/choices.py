"""Choices and initial values the page's forms offer (the API takes the same codes)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.actions.base import Choices, FormContext
from huying.cases.models import AssignmentRole, RequestStatus
from huying.cases.selectors import departments_taking_work
from huying.catalog.models import Colour
from huying.catalog.selectors import matter_types_in_force

_memo: ContextVar[dict[tuple, Any] | None] = ContextVar("choices_memo", default=None)


@contextlib.contextmanager
def choices_memo() -> Iterator[None]:
    """Within this block, choices that depend only on the county, the town and the day are
    read once: a board builds the same selects for every case of its page."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _memoized(key: tuple, read: Callable[[], Choices]) -> Choices:
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def matters(ctx: FormContext) -> Choices:
    on = timezone.localdate(ctx.now)
    return _memoized(("matters", ctx.case.county_id, on), lambda: tuple(
        (m.code, f"{m.name}（{m.code}）")
        for m in matter_types_in_force(county=ctx.case.county, on=on)))


def departments(ctx: FormContext) -> Choices:
    return _memoized(("departments", ctx.case.county_id, ctx.case.town_id), lambda: tuple(
        (d.code, d.name) for d in departments_taking_work(ctx.case)))


def departments_or_triage(ctx: FormContext) -> Choices:
    return (("", _("Back to triage")), *departments(ctx))


def colours(ctx: FormContext) -> Choices:
    return (("", _("As the matter type says")), *Colour.choices)


def case_matter(ctx: FormContext) -> str | None:
    return ctx.case.matter_type.code if ctx.case.matter_type_id else None


def matter_lead(ctx: FormContext) -> str | None:
    matter = ctx.case.matter_type
    return matter.lead_department.code if matter is not None else None


def matter_co(ctx: FormContext) -> list[str]:
    matter = ctx.case.matter_type
    return [d.code for d in matter.co_departments.all()] if matter is not None else []


def _current(ctx: FormContext):
    return list(ctx.case.assignments.filter(cycle=ctx.case.cycle).select_related("department"))


def current_lead(ctx: FormContext) -> str | None:
    return next((a.department.code for a in _current(ctx) if a.role == AssignmentRole.LEAD),
                None)


def current_co(ctx: FormContext) -> list[str]:
    return [a.department.code for a in _current(ctx) if a.role == AssignmentRole.CO]


def is_lead(ctx: FormContext) -> bool:
    return ctx.assignment is not None and ctx.assignment.role == AssignmentRole.LEAD


def pending_extension(assignment):
    if assignment is None:
        return None
    return next((r for r in assignment.extension_requests.all()
                 if r.status == RequestStatus.PENDING), None)


def pending_extension_text(ctx: FormContext) -> str:
    pending = pending_extension(ctx.assignment)
    if pending is None:
        return ""
    return (_("%(days)d working days asked: %(reason)s")
            % {"days": pending.extra_days, "reason": pending.reason})
