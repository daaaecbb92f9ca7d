"""The action forms of the pages, derived from the action registry
(`huying.cases.actions`): which actions the user may take now, and for each the fields of its
one input schema with the widgets its declaration names. One template
(`web/_action_form.html`) renders any of them; `run` submits one through the same parser and
service as the API."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import HttpRequest

from huying.cases.actions.base import (
    FORM_CARRIED_FIELDS,
    REGISTRY,
    Action,
    FormContext,
    Target,
    Widget,
)
from huying.cases.actions.parse import form_data
from huying.cases.actions.run import allowed_on_assignment, allowed_on_case, perform
from huying.cases.models import Assignment, Case
from huying.org.models import User


@dataclass(frozen=True)
class Field:
    name: str
    label: object
    kind: str = "text"  # text, textarea, select, checkboxes, checkbox, number, file, radio
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    initial: Any = None
    help: object = ""
    placeholder: object = ""
    # (other field, value): the page shows this field only while the other field has that
    # value (web/huying.js; without JavaScript it stays visible).
    shown_if: tuple[str, str] | None = None


@dataclass
class ActionForm:
    action: str
    meta: Action  # label, icon, style, primary: the declaration itself
    fields: list[Field]
    version: int | None  # sent back as expected_version
    assignment: Assignment | None = None
    values: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    error_field: str = ""

    @property
    def dom_id(self) -> str:
        suffix = f"-{self.assignment.pk}" if self.assignment is not None else ""
        return f"action-{self.action}{suffix}"

    @property
    def open(self) -> bool:
        return self.meta.primary or bool(self.error)

    @property
    def multipart(self) -> bool:
        return any(f.kind == "file" for f in self.fields)

    def bound_fields(self) -> list[dict[str, Any]]:
        """Each field with the value to show: what the user sent, else the initial value."""
        rows = []
        for f in self.fields:
            value = self.values.get(f.name, f.initial)
            if f.kind == "checkboxes":
                value = [str(v) for v in (value or [])]
            elif value is not None and f.kind != "checkbox":
                value = str(value)
            rows.append({"field": f, "value": value,
                         "error": self.error if self.error_field == f.name else ""})
        return rows

    @property
    def general_error(self) -> str:
        names = {f.name for f in self.fields}
        return self.error if self.error and self.error_field not in names else ""


# ---------------------------------------------------------------------------------------
# fields from the schema


def _bare(annotation: Any) -> Any:
    """`X | None` → X."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def kind_of(annotation: Any) -> str:
    bare = _bare(annotation)
    if bare is bool:
        return "checkbox"
    if bare is int:
        return "number"
    if typing.get_origin(bare) is list:
        return "checkboxes"
    return "text"


def _value(value: Any, ctx: FormContext) -> Any:
    return value(ctx) if callable(value) else value


def field_of(name: str, widget: Widget, *, kind: str, required: bool, ctx: FormContext
             ) -> Field:
    return Field(name=name, label=widget.label, kind=widget.kind or kind, required=required,
                 choices=tuple(_value(widget.choices, ctx)), initial=_value(widget.initial, ctx),
                 help=_value(widget.help, ctx), placeholder=widget.placeholder,
                 shown_if=widget.shown_if)


def page_fields(action: Action, ctx: FormContext) -> list[Field]:
    """The input schema's fields in order, each shown as its declaration says; then the
    upload field of an action that takes files."""
    fields = []
    for name, info in action.input.model_fields.items():
        widget = action.widgets.get(name)
        if name in FORM_CARRIED_FIELDS or widget is None:
            continue
        if widget.when is not None and not widget.when(ctx):
            continue
        fields.append(field_of(name, widget, kind=kind_of(info.annotation),
                               required=info.is_required(), ctx=ctx))
    upload = action.widgets.get(action.files) if action.files else None
    if upload is not None:
        fields.append(field_of(action.files, upload, kind="file",
                               required=action.files_required, ctx=ctx))
    return fields


def action_form(name: str, case: Case, assignment: Assignment | None, now: datetime,
                user: User | None = None) -> ActionForm:
    action = REGISTRY[name]
    ctx = FormContext(user=user, case=case, assignment=assignment, now=now)
    if action.target == Target.ASSIGNMENT:
        version = assignment.version if assignment is not None else None
    else:
        # A department's upload through its assignment does not hold the case's version.
        version = case.version if assignment is None else None
    return ActionForm(action=name, meta=action, fields=page_fields(action, ctx),
                      version=version, assignment=assignment)


@dataclass
class CaseForms:
    case_forms: list[ActionForm]
    by_assignment: dict[int, list[ActionForm]]

    @property
    def empty(self) -> bool:
        return not self.case_forms and not any(self.by_assignment.values())


def forms_for(user: User, case: Case, assignments: list[Assignment], now: datetime
              ) -> CaseForms:
    """Every action form the user may submit now, in the registry's order."""
    allowed = [a for a in allowed_on_case(user, case) if REGISTRY[a].page]
    case_forms = [action_form(a, case, None, now, user) for a in allowed]
    by_assignment = {}
    for assignment in assignments:
        # Whoever may attach to the case itself needs no second upload per assignment.
        names = [a for a in allowed_on_assignment(user, assignment, case)
                 if REGISTRY[a].page and not (REGISTRY[a].per_assignment and a in allowed)]
        by_assignment[assignment.pk] = [action_form(a, case, assignment, now, user)
                                        for a in names]
    return CaseForms(case_forms, by_assignment)


def is_page_action(name: str) -> bool:
    action = REGISTRY.get(name)
    return action is not None and action.page


def takes_assignment(name: str) -> bool:
    return REGISTRY[name].target == Target.ASSIGNMENT


def run(request: HttpRequest, user: User, case: Case, assignment: Assignment | None,
        now: datetime, name: str) -> Any:
    """Submit one posted form: the same parser and service as the API's route."""
    action = REGISTRY[name]
    files = request.FILES.getlist(action.files) if action.files else []
    data = form_data(action, request.POST)
    if action.target == Target.ASSIGNMENT:
        return perform(action, actor=user, now=now, data=data, case=case,
                       assignment=assignment, files=files)
    return perform(action, actor=user, now=now, data=data, case=case, files=files)


def posted_values(request: HttpRequest, form: ActionForm) -> dict[str, Any]:
    """What the user sent, to show it again beside the error."""
    values: dict[str, Any] = {}
    for f in form.fields:
        if f.kind == "checkboxes":
            values[f.name] = request.POST.getlist(f.name)
        elif f.kind == "checkbox":
            values[f.name] = request.POST.get(f.name) in ("on", "true", "1")
        elif f.kind != "file":
            values[f.name] = request.POST.get(f.name, "")
    return values
