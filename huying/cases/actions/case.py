"""The case's own actions: registration and the three-level response, the command centre's
triage and dispatch, evaluation, rally calls and files (in the order the page offers them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.cases import flows, reads
from huying.cases import services as cs
from huying.cases.access import case_get_visible
from huying.cases.actions import choices
from huying.cases.actions.base import Action, Call, Target, Widget, declare
from huying.cases.attachments import attachment_add
from huying.cases.models import Case, Rating
from huying.cases.schemas import (
    AssignmentOut,
    AttachIn,
    AttachmentOut,
    CaseOut,
    CommentIn,
    DispatchIn,
    EvaluateIn,
    EvaluationOut,
    MergeIn,
    RallyCallOut,
    RallyIn,
    ReasonIn,
    RegisterIn,
    ReportIn,
    ResultIn,
    TriageIn,
    VersionedIn,
    assignment_out,
    attachment_out,
    case_out,
    evaluation_out,
    rally_out,
)
from huying.common.errors import ValidationFailed
from huying.org.models import User

REASON = Widget(gettext_lazy("Reason"), "textarea")


def answers_case(user: User, case: Any) -> CaseOut:
    return case_out(case)


def case_action(name: str, label: Any, *, perform, input: type = VersionedIn,
                transitions: tuple[str, ...] | None = None, **more: Any) -> Action:
    """A case action answering the case (most of them)."""
    return declare(Action(name=name, label=label, target=Target.CASE,
                          transitions=transitions or (name,), input=input, perform=perform,
                          output=answers_case, response=CaseOut, **more))


def with_reason(service):
    def perform(call: Call, body: ReasonIn):
        return service(case=call.case, actor=call.actor, reason=body.reason, now=call.now,
                       expected_version=body.expected_version)
    return perform


@dataclass(frozen=True)
class Reported:
    case: Case
    created: bool


def _report(call: Call, body: ReportIn) -> Reported:
    fields = body.model_dump(exclude={"county", "unit", "matter"})
    case, created = flows.case_report_filed(
        actor=call.actor, county=reads.county_by_code(body.county), now=call.now,
        matter_code=body.matter, uploads=call.files,
        unit=reads.unit_by_code(body.unit) if body.unit else None, **fields)
    if not created:
        # The same report sent again: the case it made, if this caller may see it.
        case = case_get_visible(call.actor, case.number)
    return Reported(case, created)


def _register(call: Call, body: RegisterIn):
    return cs.case_register(case=call.case, actor=call.actor, now=call.now,
                            matter_code=body.matter,
                            unit=reads.unit_by_code(body.unit) if body.unit else None,
                            expected_version=body.expected_version)


def _merge(call: Call, body: MergeIn):
    # A case the user may not see answers like a missing one (404), as everywhere.
    into = case_get_visible(call.actor, body.into.upper())
    return cs.case_merge(case=call.case, into=into, actor=call.actor, now=call.now,
                         expected_version=body.expected_version)


def _handle_locally(call: Call, body: VersionedIn):
    return cs.case_handle_locally(case=call.case, actor=call.actor, now=call.now,
                                  expected_version=body.expected_version)


def _resolve_locally(call: Call, body: ResultIn):
    return cs.case_resolve_locally(case=call.case, actor=call.actor, result=body.result,
                                   now=call.now, expected_version=body.expected_version)


def _call_approve(call: Call, body: CommentIn):
    return cs.case_call_approve(case=call.case, actor=call.actor, comment=body.comment,
                                now=call.now, expected_version=body.expected_version)


def _triage(call: Call, body: TriageIn):
    return cs.case_triage(case=call.case, actor=call.actor, now=call.now,
                          matter_code=body.matter, colour=body.colour, urgent=body.urgent,
                          sensitive=body.sensitive, expected_version=body.expected_version)


def _dispatch(call: Call, body: DispatchIn):
    return cs.case_dispatch(
        case=call.case, actor=call.actor, lead=reads.department_by_code(body.lead, field="lead"),
        co=reads.departments_by_code(body.co, field="co"), joint=body.joint,
        instructions=body.instructions, now=call.now, expected_version=body.expected_version)


def _resume(call: Call, body: VersionedIn):
    return cs.case_resume(case=call.case, actor=call.actor, now=call.now,
                          expected_version=body.expected_version)


def _evaluate(call: Call, body: EvaluateIn):
    lead = (reads.department_by_code(body.reopen_lead, field="reopen_lead")
            if body.reopen_lead else None)
    co = (reads.departments_by_code(body.reopen_co, field="reopen_co")
          if body.reopen_co is not None else None)
    return cs.case_evaluate(case=call.case, actor=call.actor, stars=body.stars,
                            rating=body.rating, comment=body.comment, now=call.now,
                            reopen_lead=lead, reopen_co=co,
                            expected_version=body.expected_version)


def _rally(call: Call, body: RallyIn):
    return cs.case_rally(case=call.case, actor=call.actor, need=body.need, points=body.points,
                         now=call.now)


def _attach(call: Call, body: AttachIn):
    if not call.files:
        raise ValidationFailed(_("Choose a file to upload."), field="file")
    assignment = (reads.assignment_get_visible(call.actor, body.assignment)
                  if body.assignment else None)
    attachments = [attachment_add(case=call.case, actor=call.actor, upload=upload,
                                  now=call.now, assignment=assignment,
                                  expected_version=body.expected_version if i == 0 else None)
                   for i, upload in enumerate(call.files)]
    return attachments[0]


declare(Action(
    name="report", label=gettext_lazy("Report"), target=Target.NEW, transitions=("report",),
    input=ReportIn, perform=_report, output=lambda user, done: case_out(done.case),
    response=CaseOut, status=201, status_for=lambda done: 201 if done.created else 200,
    files="photos", page=False, icon="bi-camera"))
case_action("register", gettext_lazy("Register"), perform=_register, input=RegisterIn,
            style="primary", primary=True, icon="bi-journal-check",
            widgets={"matter": Widget(gettext_lazy("Matter type"), "select", choices.matters,
                                      choices.case_matter),
                     "unit": Widget(gettext_lazy("Grid or unit code"),
                                    help=gettext_lazy("Only when the case is not located yet."))})
case_action("reject", gettext_lazy("Reject"), perform=with_reason(cs.case_reject),
            input=ReasonIn, style="outline-danger", icon="bi-x-circle",
            widgets={"reason": REASON})
case_action("merge", gettext_lazy("Merge into another case"), perform=_merge, input=MergeIn,
            icon="bi-union",
            widgets={"into": Widget(gettext_lazy("Case number it duplicates"),
                                    placeholder="HY-20260302-000001")})
case_action("handle_locally", gettext_lazy("Handle here"), perform=_handle_locally,
            style="primary", primary=True, icon="bi-hand-thumbs-up", queue="local")
case_action("resolve_locally", gettext_lazy("Resolved here"), perform=_resolve_locally,
            input=ResultIn, style="success", primary=True, icon="bi-check2-circle",
            queue="local",
            widgets={"result": Widget(gettext_lazy("How it was resolved"), "textarea")})
case_action("escalate", gettext_lazy("Escalate one level"),
            perform=with_reason(cs.case_escalate), input=ReasonIn,
            icon="bi-arrow-up-circle", queue="local", widgets={"reason": REASON})
case_action("call", gettext_lazy("Call the county"), perform=with_reason(cs.case_call),
            input=ReasonIn, style="warning", primary=True, icon="bi-megaphone", queue="local",
            widgets={"reason": Widget(gettext_lazy("Why the county is needed"), "textarea")})
case_action("call_approve", gettext_lazy("Approve the call"), perform=_call_approve,
            input=CommentIn, style="success", primary=True, icon="bi-check2",
            queue="to_approve",
            widgets={"comment": Widget(gettext_lazy("Comment"), "textarea")})
case_action("call_deny", gettext_lazy("Deny the call"), perform=with_reason(cs.case_call_deny),
            input=ReasonIn, style="outline-danger", primary=True, icon="bi-x",
            queue="to_approve", widgets={"reason": REASON})
case_action("triage", gettext_lazy("Triage"), perform=_triage, input=TriageIn,
            style="primary", primary=True, icon="bi-clipboard-check", queue="to_triage",
            widgets={"matter": Widget(gettext_lazy("Matter type"), "select", choices.matters,
                                      choices.case_matter),
                     "colour": Widget(gettext_lazy("Colour"), "select", choices.colours,
                                      lambda ctx: ctx.case.colour),
                     "urgent": Widget(gettext_lazy("Urgent"),
                                      initial=lambda ctx: ctx.case.urgent),
                     "sensitive": Widget(gettext_lazy("Stability-sensitive"),
                                         initial=lambda ctx: ctx.case.sensitive)})
case_action("send_back", gettext_lazy("Send back to the town"),
            perform=with_reason(cs.case_send_back), input=ReasonIn, style="outline-danger",
            icon="bi-reply", queue="to_triage", widgets={"reason": REASON})
declare(Action(
    name="dispatch", label=gettext_lazy("Dispatch"), target=Target.CASE,
    transitions=("dispatch",), input=DispatchIn, perform=_dispatch,
    output=lambda user, rows: [assignment_out(user, a) for a in rows],
    response=list[AssignmentOut],
    status=201, style="primary", primary=True, icon="bi-send", queue="to_triage",
    widgets={"lead": Widget(gettext_lazy("Lead department"), "select", choices.departments,
                            choices.matter_lead),
             "co": Widget(gettext_lazy("Co-handling departments"), "checkboxes",
                          choices.departments, choices.matter_co),
             "joint": Widget(gettext_lazy("Joint enforcement (the lead replies once for all)")),
             "instructions": Widget(gettext_lazy("Instructions"), "textarea")}))
case_action("suspend", gettext_lazy("Suspend"), perform=with_reason(cs.case_suspend),
            input=ReasonIn, icon="bi-pause-circle", widgets={"reason": REASON})
case_action("resume", gettext_lazy("Resume"), perform=_resume, style="primary", primary=True,
            icon="bi-play-circle")

UNSATISFIED = ("rating", str(Rating.UNSATISFIED))
declare(Action(
    name="evaluate", label=gettext_lazy("Evaluate"), target=Target.CASE,
    transitions=("close", "reopen"), input=EvaluateIn, perform=_evaluate,
    output=lambda user, evaluation: evaluation_out(evaluation), response=EvaluationOut,
    status=201, style="primary", primary=True, icon="bi-star", queue="to_evaluate",
    widgets={
        "stars": Widget(gettext_lazy("Stars"), "select",
                        tuple((str(n), "★" * n) for n in range(5, 0, -1)), "5"),
        "rating": Widget(gettext_lazy("Rating"), "radio", tuple(Rating.choices),
                         Rating.VERY_SATISFIED),
        "comment": Widget(gettext_lazy("Comment"), "textarea"),
        "reopen_lead": Widget(gettext_lazy("If unsatisfied: lead department for the rework"),
                              "select", choices.departments, choices.current_lead,
                              shown_if=UNSATISFIED),
        "reopen_co": Widget(gettext_lazy("If unsatisfied: co-handling departments"),
                            "checkboxes", choices.departments, choices.current_co,
                            help=gettext_lazy("Unsatisfied reopens the case to the "
                                              "departments chosen here."),
                            shown_if=UNSATISFIED)}))
declare(Action(
    name="rally", label=gettext_lazy("Sound a rally call"), target=Target.CASE,
    transitions=("rally",), input=RallyIn, perform=_rally,
    output=lambda user, rally: rally_out(rally), response=RallyCallOut, status=201,
    icon="bi-people",
    widgets={"need": Widget(gettext_lazy("What volunteers are needed for"), "textarea"),
             "points": Widget(gettext_lazy("Credit points per volunteer"), initial=5)}))
declare(Action(
    name="attach", label=gettext_lazy("Attach a file"), target=Target.CASE,
    transitions=("attach",), input=AttachIn, perform=_attach,
    output=lambda user, attachment: attachment_out(attachment), response=AttachmentOut,
    status=201, icon="bi-paperclip", files="file", files_required=True, slug="attachments",
    per_assignment=True,
    widgets={"file": Widget(gettext_lazy("File or photo"), "file")}))
