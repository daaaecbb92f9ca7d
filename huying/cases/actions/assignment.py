"""A department's actions on its assignment, and the centre's decisions on them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.cases import flows, reads
from huying.cases import services as cs
from huying.cases.actions import choices
from huying.cases.actions.base import Action, Call, Target, Widget, declare
from huying.cases.schemas import (
    AssignmentOut,
    ExtensionDecisionIn,
    ExtensionRequestIn,
    ExtensionRequestOut,
    NoteIn,
    ResultIn,
    ReturnDecisionIn,
    ReturnRequestIn,
    VersionedIn,
    assignment_out,
    extension_request_out,
)
from huying.common.errors import ValidationFailed

DECISION = (("true", gettext_lazy("Approve")), ("false", gettext_lazy("Deny")))


def assignment_action(name: str, label: Any, *, perform, input: type,
                      transitions: tuple[str, ...] | None = None, **more: Any) -> Action:
    """An assignment action answering the assignment (most of them)."""
    return declare(Action(name=name, label=label, target=Target.ASSIGNMENT,
                          transitions=transitions or (name,), input=input, perform=perform,
                          output=assignment_out, response=AssignmentOut, **more))


def _sign(call: Call, body: VersionedIn):
    return cs.assignment_sign(assignment=call.assignment, actor=call.actor, now=call.now,
                              expected_version=body.expected_version)


def _progress(call: Call, body: NoteIn):
    return cs.assignment_progress(assignment=call.assignment, actor=call.actor, note=body.note,
                                  now=call.now, expected_version=body.expected_version)


def _reply(call: Call, body: ResultIn):
    return flows.assignment_reply_with_evidence(
        assignment=call.assignment, actor=call.actor, result=body.result, now=call.now,
        uploads=call.files, expected_version=body.expected_version)


def _request_return(call: Call, body: ReturnRequestIn):
    return cs.assignment_request_return(
        assignment=call.assignment, actor=call.actor, reason=body.reason, to_town=body.to_town,
        now=call.now, expected_version=body.expected_version)


def _decide_return(call: Call, body: ReturnDecisionIn):
    redispatch_to = (reads.department_by_code(body.redispatch_to, field="redispatch_to")
                     if body.redispatch_to and body.approve else None)
    return cs.assignment_decide_return(
        assignment=call.assignment, actor=call.actor, approve=body.approve, note=body.note,
        redispatch_to=redispatch_to, now=call.now, expected_version=body.expected_version)


def _request_extension(call: Call, body: ExtensionRequestIn):
    return cs.assignment_request_extension(
        assignment=call.assignment, actor=call.actor, extra_days=body.extra_days,
        reason=body.reason, now=call.now)


def _decide_extension(call: Call, body: ExtensionDecisionIn):
    pending = choices.pending_extension(call.assignment)
    if pending is None:
        raise ValidationFailed(_("This extension request has already been decided."),
                               field="approve")
    return cs.assignment_decide_extension(request=pending, actor=call.actor,
                                          approve=body.approve, note=body.note, now=call.now)


REASON = Widget(gettext_lazy("Reason"), "textarea")
NOTE_IF_DENIED = Widget(gettext_lazy("Note (required when denying)"), "textarea")

assignment_action("sign", gettext_lazy("Sign"), perform=_sign, input=VersionedIn,
                  style="primary", primary=True, icon="bi-pen", queue="to_sign")
assignment_action("progress", gettext_lazy("Report progress"), perform=_progress, input=NoteIn,
                  style="outline-primary", icon="bi-chat-dots", queue="to_handle",
                  widgets={"note": Widget(gettext_lazy("Progress note"), "textarea")})
assignment_action("reply", gettext_lazy("Reply with the result"), perform=_reply,
                  input=ResultIn, style="success", primary=True, icon="bi-check2-all",
                  queue="to_handle", files="file",
                  widgets={"result": Widget(gettext_lazy("Result"), "textarea"),
                           "file": Widget(gettext_lazy("Photo or document as evidence"),
                                          "file")})
assignment_action("request_return", gettext_lazy("Request a return"), perform=_request_return,
                  input=ReturnRequestIn, style="outline-danger",
                  icon="bi-arrow-return-left", queue="to_sign",
                  widgets={"reason": REASON,
                           "to_town": Widget(gettext_lazy(
                               "It is the town's duty (town duty list)"))})
assignment_action("decide_return", gettext_lazy("Decide the return"), perform=_decide_return,
                  input=ReturnDecisionIn, transitions=("approve_return", "deny_return"),
                  style="primary", primary=True, icon="bi-signpost-split", queue="decisions",
                  widgets={"approve": Widget(gettext_lazy("Decision"), "radio", DECISION,
                                             "true"),
                           "note": NOTE_IF_DENIED,
                           "redispatch_to": Widget(gettext_lazy("Give the lead to"), "select",
                                                   choices.departments_or_triage,
                                                   when=choices.is_lead)})
declare(Action(
    name="request_extension", label=gettext_lazy("Request an extension"),
    target=Target.ASSIGNMENT, transitions=("request_extension",), input=ExtensionRequestIn,
    perform=_request_extension, output=lambda user, r: extension_request_out(r),
    response=ExtensionRequestOut, status=201, icon="bi-calendar-plus", queue="to_handle",
    widgets={"extra_days": Widget(gettext_lazy("Extra working days"), initial=2),
             "reason": REASON}))
declare(Action(
    name="decide_extension", label=gettext_lazy("Decide the extension"),
    target=Target.ASSIGNMENT, transitions=("decide_extension",), input=ExtensionDecisionIn,
    perform=_decide_extension, output=lambda user, r: extension_request_out(r),
    response=ExtensionRequestOut, style="primary", primary=True, icon="bi-calendar-check",
    queue="decisions",
    widgets={"approve": Widget(gettext_lazy("Decision"), "radio", DECISION, "true",
                               help=choices.pending_extension_text),
             "note": NOTE_IF_DENIED}))
