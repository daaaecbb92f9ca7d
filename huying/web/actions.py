"""The action forms of the case page: which actions the user may take now (asked of the
transition tables through `huying.cases.reads`, never restated here) and, for each, the
fields its form needs. One template (`web/_case_actions.html`) renders any of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huying.cases import reads
from huying.cases.models import (
    Assignment,
    AssignmentRole,
    Case,
    Rating,
    RequestStatus,
)
from huying.catalog.models import Colour
from huying.catalog.selectors import matter_types_in_force
from huying.org.models import Department, DepartmentKind, User


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


@dataclass(frozen=True)
class ActionMeta:
    label: object
    style: str = "outline-secondary"
    primary: bool = False  # shown open; the others fold away
    confirm: object = ""
    icon: str = ""


META: dict[str, ActionMeta] = {
    "register": ActionMeta(_("Register"), "primary", True, icon="bi-journal-check"),
    "reject": ActionMeta(_("Reject"), "outline-danger", icon="bi-x-circle"),
    "merge": ActionMeta(_("Merge into another case"), icon="bi-union"),
    "handle_locally": ActionMeta(_("Handle here"), "primary", True, icon="bi-hand-thumbs-up"),
    "resolve_locally": ActionMeta(_("Resolved here"), "success", True, icon="bi-check2-circle"),
    "escalate": ActionMeta(_("Escalate one level"), icon="bi-arrow-up-circle"),
    "call": ActionMeta(_("Call the county"), "warning", True, icon="bi-megaphone"),
    "call_approve": ActionMeta(_("Approve the call"), "success", True, icon="bi-check2"),
    "call_deny": ActionMeta(_("Deny the call"), "outline-danger", True, icon="bi-x"),
    "triage": ActionMeta(_("Triage"), "primary", True, icon="bi-clipboard-check"),
    "send_back": ActionMeta(_("Send back to the town"), "outline-danger", icon="bi-reply"),
    "dispatch": ActionMeta(_("Dispatch"), "primary", True, icon="bi-send"),
    "suspend": ActionMeta(_("Suspend"), icon="bi-pause-circle"),
    "resume": ActionMeta(_("Resume"), "primary", True, icon="bi-play-circle"),
    "evaluate": ActionMeta(_("Evaluate"), "primary", True, icon="bi-star"),
    "rally": ActionMeta(_("Sound a rally call"), icon="bi-people"),
    "attach": ActionMeta(_("Attach a file"), icon="bi-paperclip"),
    "sign": ActionMeta(_("Sign"), "primary", True, icon="bi-pen"),
    "progress": ActionMeta(_("Report progress"), "outline-primary", icon="bi-chat-dots"),
    "reply": ActionMeta(_("Reply with the result"), "success", True, icon="bi-check2-all"),
    "request_return": ActionMeta(_("Request a return"), "outline-danger",
                                 icon="bi-arrow-return-left"),
    "decide_return": ActionMeta(_("Decide the return"), "primary", True,
                                icon="bi-signpost-split"),
    "request_extension": ActionMeta(_("Request an extension"), icon="bi-calendar-plus"),
    "decide_extension": ActionMeta(_("Decide the extension"), "primary", True,
                                   icon="bi-calendar-check"),
}

ASSIGNMENT_ACTIONS = frozenset({"sign", "progress", "reply", "request_return", "decide_return",
                                "request_extension", "decide_extension"})


@dataclass
class ActionForm:
    action: str
    meta: ActionMeta
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
# choices


def matter_choices(case: Case, now: datetime) -> tuple[tuple[str, str], ...]:
    matters = matter_types_in_force(county=case.county, on=timezone.localdate(now))
    return tuple((m.code, f"{m.name}（{m.code}）") for m in matters)


def department_choices(case: Case) -> tuple[tuple[str, str], ...]:
    departments = (Department.objects.filter(active=True, unit_id__in=[case.county_id,
                                                                         case.town_id])
                   .exclude(kind=DepartmentKind.CENTRE).order_by("code"))
    return tuple((d.code, d.name) for d in departments)


def reason_field(label: object = _("Reason")) -> Field:
    return Field("reason", label, "textarea", required=True)


APPROVE_CHOICES = (("approve", _("Approve")), ("deny", _("Deny")))


def fields_for(action: str, case: Case, assignment: Assignment | None, now: datetime
               ) -> list[Field]:
    matter = case.matter_type
    if action == "register":
        return [Field("matter", _("Matter type"), "select", True, matter_choices(case, now),
                      matter.code if matter else None)]
    if action in ("reject", "escalate", "call_deny", "send_back", "suspend"):
        return [reason_field()]
    if action == "call":
        return [reason_field(_("Why the county is needed"))]
    if action == "merge":
        return [Field("into", _("Case number it duplicates"), required=True,
                      placeholder="HY-20260302-000001")]
    if action == "resolve_locally":
        return [Field("result", _("How it was resolved"), "textarea", True)]
    if action == "call_approve":
        return [Field("comment", _("Comment"), "textarea")]
    if action == "triage":
        colours = (("", _("As the matter type says")), *Colour.choices)
        return [Field("matter", _("Matter type"), "select", True, matter_choices(case, now),
                      matter.code if matter else None),
                Field("colour", _("Colour"), "select", False, tuple(colours), case.colour),
                Field("urgent", _("Urgent"), "checkbox", initial=case.urgent),
                Field("sensitive", _("Stability-sensitive"), "checkbox",
                      initial=case.sensitive)]
    if action == "dispatch":
        departments = department_choices(case)
        lead = matter.lead_department.code if matter else None
        co = [d.code for d in matter.co_departments.all()] if matter else []
        return [Field("lead", _("Lead department"), "select", True, departments, lead),
                Field("co", _("Co-handling departments"), "checkboxes", False, departments,
                      co),
                Field("joint", _("Joint enforcement (the lead replies once for all)"),
                      "checkbox"),
                Field("instructions", _("Instructions"), "textarea")]
    if action == "evaluate":
        stars = tuple((str(n), "★" * n) for n in range(5, 0, -1))
        return [Field("stars", _("Stars"), "select", True, stars, "5"),
                Field("rating", _("Rating"), "radio", True, tuple(Rating.choices),
                      Rating.VERY_SATISFIED),
                Field("comment", _("Comment"), "textarea",
                      help=_("Unsatisfied reopens the case to the same departments."))]
    if action == "rally":
        return [Field("need", _("What volunteers are needed for"), "textarea", True),
                Field("points", _("Credit points per volunteer"), "number", True, initial=5)]
    if action == "attach":
        return [Field("file", _("File or photo"), "file", True)]
    if action == "progress":
        return [Field("note", _("Progress note"), "textarea", True)]
    if action == "reply":
        return [Field("result", _("Result"), "textarea", True),
                Field("file", _("Photo or document as evidence"), "file")]
    if action == "request_return":
        return [reason_field(),
                Field("to_town", _("It is the town's duty (town duty list)"), "checkbox")]
    if action == "decide_return":
        fields = [Field("decision", _("Decision"), "radio", True, APPROVE_CHOICES, "approve"),
                  Field("note", _("Note (required when denying)"), "textarea")]
        if assignment is not None and assignment.role == AssignmentRole.LEAD:
            fields.append(Field("redispatch_to", _("Give the lead to"), "select", False,
                                (("", _("Back to triage")), *department_choices(case))))
        return fields
    if action == "request_extension":
        return [Field("extra_days", _("Extra working days"), "number", True, initial=2),
                reason_field()]
    if action == "decide_extension":
        pending = pending_extension(assignment)
        help_text = (_("%(days)d working days asked: %(reason)s")
                     % {"days": pending.extra_days, "reason": pending.reason}
                     if pending else "")
        return [Field("decision", _("Decision"), "radio", True, APPROVE_CHOICES, "approve",
                      help=help_text),
                Field("note", _("Note (required when denying)"), "textarea")]
    return []


def pending_extension(assignment: Assignment | None):
    if assignment is None:
        return None
    return next((r for r in assignment.extension_requests.all()
                 if r.status == RequestStatus.PENDING), None)


def action_form(action: str, case: Case, assignment: Assignment | None, now: datetime
                ) -> ActionForm:
    version = assignment.version if action in ASSIGNMENT_ACTIONS and assignment else case.version
    return ActionForm(action=action, meta=META[action],
                      fields=fields_for(action, case, assignment, now), version=version,
                      assignment=assignment)


@dataclass
class CaseForms:
    case_forms: list[ActionForm]
    by_assignment: dict[int, list[ActionForm]]

    @property
    def empty(self) -> bool:
        return not self.case_forms and not any(self.by_assignment.values())


def forms_for(user: User, case: Case, assignments: list[Assignment], now: datetime
              ) -> CaseForms:
    """Every action form the user may submit now, in the order of `META`."""
    order = list(META)
    allowed = sorted((a for a in reads.case_allowed_actions(user, case) if a in META),
                     key=order.index)
    case_forms = [action_form(a, case, None, now) for a in allowed]
    by_assignment = {}
    for assignment in assignments:
        # Whoever may attach to the case itself needs no second upload per assignment.
        names = sorted((a for a in reads.assignment_allowed_actions(user, assignment, case)
                        if a in META and not (a == "attach" and "attach" in allowed)),
                       key=order.index)
        by_assignment[assignment.pk] = [action_form(a, case, assignment, now) for a in names]
    return CaseForms(case_forms, by_assignment)


def may_take(user: User, case: Case, action: str, assignment: Assignment | None) -> bool:
    if assignment is None:
        return action in reads.case_allowed_actions(user, case)
    return action in reads.assignment_allowed_actions(user, assignment, case)
