"""One handler per action form of the case page: parse the posted fields, call the service.
Rules (who may, in which state, what the lists allow) are the services' business."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from huying.cases import reads
from huying.cases import services as cs
from huying.cases.attachments import attachment_add
from huying.cases.models import Assignment, Case
from huying.cases.selectors import cases_visible_to
from huying.common.errors import ValidationFailed
from huying.org.models import User
from huying.web.actions import pending_extension
from huying.web.views.common import flag, integer, text, version

Handler = Callable[[HttpRequest, User, Case, Assignment | None, datetime], None]


def _case_reason(service) -> Handler:
    def handle(request, user, case, assignment, now):
        service(case=case, actor=user, reason=text(request.POST, "reason"), now=now,
                expected_version=version(request.POST))
    return handle


def _register(request, user, case, assignment, now):
    cs.case_register(case=case, actor=user, now=now, matter_code=text(request.POST, "matter"),
                     expected_version=version(request.POST))


def _merge(request, user, case, assignment, now):
    number = text(request.POST, "into").upper()
    if not number:
        raise ValidationFailed(_("Enter the number of the case it duplicates."), field="into")
    into = cases_visible_to(user).filter(number=number).first()
    if into is None:
        raise ValidationFailed(_("Case %(number)s was not found or is not yours to see.")
                               % {"number": number}, field="into")
    cs.case_merge(case=case, into=into, actor=user, now=now,
                  expected_version=version(request.POST))


def _handle_locally(request, user, case, assignment, now):
    cs.case_handle_locally(case=case, actor=user, now=now, expected_version=version(request.POST))


def _resolve_locally(request, user, case, assignment, now):
    cs.case_resolve_locally(case=case, actor=user, result=text(request.POST, "result"), now=now,
                            expected_version=version(request.POST))


def _call_approve(request, user, case, assignment, now):
    cs.case_call_approve(case=case, actor=user, comment=text(request.POST, "comment"), now=now,
                         expected_version=version(request.POST))


def _triage(request, user, case, assignment, now):
    cs.case_triage(case=case, actor=user, now=now, matter_code=text(request.POST, "matter"),
                   colour=text(request.POST, "colour") or None,
                   urgent=flag(request.POST, "urgent"),
                   sensitive=flag(request.POST, "sensitive"),
                   expected_version=version(request.POST))


def _department(code: str, field: str):
    return reads.department_by_code(code, field=field)


def _dispatch(request, user, case, assignment, now):
    lead_code = text(request.POST, "lead")
    if not lead_code:
        raise ValidationFailed(_("Choose the lead department."), field="lead")
    lead = _department(lead_code, "lead")
    co = [_department(code, "co") for code in request.POST.getlist("co")
          if code and code != lead_code]
    cs.case_dispatch(case=case, actor=user, lead=lead, co=co, joint=flag(request.POST, "joint"),
                     instructions=text(request.POST, "instructions"), now=now,
                     expected_version=version(request.POST))


def _resume(request, user, case, assignment, now):
    cs.case_resume(case=case, actor=user, now=now, expected_version=version(request.POST))


def _evaluate(request, user, case, assignment, now):
    stars = integer(request.POST, "stars", label=_("Stars"))
    cs.case_evaluate(case=case, actor=user, stars=stars, rating=text(request.POST, "rating"),
                     comment=text(request.POST, "comment"), now=now,
                     expected_version=version(request.POST))


def _rally(request, user, case, assignment, now):
    points = integer(request.POST, "points", label=_("Credit points per volunteer"))
    cs.case_rally(case=case, actor=user, need=text(request.POST, "need"), points=points,
                  now=now)


def _attach(request, user, case, assignment, now):
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed(_("Choose a file to upload."), field="file")
    attachment_add(case=case, actor=user, upload=upload, now=now, assignment=assignment,
                   expected_version=version(request.POST) if assignment is None else None)


def _sign(request, user, case, assignment, now):
    cs.assignment_sign(assignment=assignment, actor=user, now=now,
                       expected_version=version(request.POST))


def _progress(request, user, case, assignment, now):
    cs.assignment_progress(assignment=assignment, actor=user, note=text(request.POST, "note"),
                           now=now, expected_version=version(request.POST))


def _reply(request, user, case, assignment, now):
    upload = request.FILES.get("file")
    # Reply first, then attach the evidence, in one transaction: a refused reply (or a
    # refused file) leaves neither behind.
    with transaction.atomic():
        cs.assignment_reply(assignment=assignment, actor=user, result=text(request.POST, "result"),
                            now=now, expected_version=version(request.POST))
        if upload is not None:
            attachment_add(case=case, actor=user, upload=upload, now=now, assignment=assignment)


def _request_return(request, user, case, assignment, now):
    cs.assignment_request_return(assignment=assignment, actor=user,
                                 reason=text(request.POST, "reason"),
                                 to_town=flag(request.POST, "to_town"), now=now,
                                 expected_version=version(request.POST))


def _approve(request) -> bool:
    decision = text(request.POST, "decision")
    if decision not in ("approve", "deny"):
        raise ValidationFailed(_("Choose approve or deny."), field="decision")
    return decision == "approve"


def _decide_return(request, user, case, assignment, now):
    code = text(request.POST, "redispatch_to")
    approve = _approve(request)
    cs.assignment_decide_return(
        assignment=assignment, actor=user, approve=approve, note=text(request.POST, "note"),
        redispatch_to=_department(code, "redispatch_to") if code and approve else None, now=now,
        expected_version=version(request.POST))


def _request_extension(request, user, case, assignment, now):
    days = integer(request.POST, "extra_days", label=_("Extra working days"))
    cs.assignment_request_extension(assignment=assignment, actor=user, extra_days=days,
                                    reason=text(request.POST, "reason"), now=now)


def _decide_extension(request, user, case, assignment, now):
    pending = pending_extension(assignment)
    if pending is None:
        raise ValidationFailed(_("This extension request has already been decided."),
                               field="decision")
    cs.assignment_decide_extension(request=pending, actor=user, approve=_approve(request),
                                   note=text(request.POST, "note"), now=now)


HANDLERS: dict[str, Handler] = {
    "register": _register,
    "reject": _case_reason(cs.case_reject),
    "merge": _merge,
    "handle_locally": _handle_locally,
    "resolve_locally": _resolve_locally,
    "escalate": _case_reason(cs.case_escalate),
    "call": _case_reason(cs.case_call),
    "call_approve": _call_approve,
    "call_deny": _case_reason(cs.case_call_deny),
    "triage": _triage,
    "send_back": _case_reason(cs.case_send_back),
    "dispatch": _dispatch,
    "suspend": _case_reason(cs.case_suspend),
    "resume": _resume,
    "evaluate": _evaluate,
    "rally": _rally,
    "attach": _attach,
    "sign": _sign,
    "progress": _progress,
    "reply": _reply,
    "request_return": _request_return,
    "decide_return": _decide_return,
    "request_extension": _request_extension,
    "decide_extension": _decide_extension,
}
