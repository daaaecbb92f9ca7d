"""The case API (事项): one endpoint per case service, plus the reads a client needs.

Every handler parses, calls one service or selector, and returns a schema. Cases are looked
up through what the user may see, so an invisible case answers 404 exactly like a missing
one. Domain errors become `{code, message}` in `huying.common.api`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Status, UploadedFile

from huying.cases import reads, selectors
from huying.cases import services as cs
from huying.cases.attachments import attachment_add
from huying.cases.schemas import (
    AssignmentOut,
    AttachmentOut,
    CaseDetailOut,
    CaseListOut,
    CaseOut,
    CaseSearchIn,
    ClaimIn,
    CommentIn,
    CompleteIn,
    DispatchIn,
    EvaluateIn,
    EvaluationOut,
    ExtensionDecisionIn,
    ExtensionRequestIn,
    ExtensionRequestOut,
    MergeIn,
    NoteIn,
    QueueOut,
    RallyCallOut,
    RallyIn,
    ReasonIn,
    RegisterIn,
    ReportIn,
    ResultIn,
    ReturnDecisionIn,
    ReturnRequestIn,
    TriageIn,
    VersionedIn,
    assignment_out,
    attachment_out,
    case_detail_out,
    case_out,
    evaluation_out,
    extension_request_out,
    queues_out,
    rally_out,
)
from huying.org.auth import api_auth

router = Router(tags=["事项"], auth=api_auth)


def visible(request: HttpRequest, number: str):
    return selectors.case_get_visible(request.user, number)


def department_or_none(code: str | None, field: str):
    return reads.department_by_code(code, field=field) if code else None


# ---------------------------------------------------------------------------------------
# reads


@router.get("/cases", response=CaseListOut)
def case_search(request: HttpRequest, query: Query[CaseSearchIn]):
    cases = selectors.cases_search(request.user, query.filters(), now=timezone.now())
    page = cases[query.offset:query.offset + query.limit]
    return CaseListOut(total=cases.count(), limit=query.limit, offset=query.offset,
                       items=[case_out(c) for c in page])


@router.get("/cases/{number}", response=CaseDetailOut)
def case_detail(request: HttpRequest, number: str):
    return case_detail_out(request.user, visible(request, number), now=timezone.now())


@router.get("/queues", response=list[QueueOut])
def queues(request: HttpRequest):
    return queues_out(request.user)


@router.get("/rally-calls/open", response=list[RallyCallOut])
def rally_calls_open(request: HttpRequest):
    rallies = selectors.rally_calls_open_to(request.user).select_related("case", "town", "team")
    return [rally_out(r) for r in rallies]


# ---------------------------------------------------------------------------------------
# intake and the three-level response


@router.post("/cases", response={200: CaseOut, 201: CaseOut})
def case_report(request: HttpRequest, body: ReportIn):
    now = timezone.now()
    case = cs.case_report(
        actor=request.user, county=reads.county_by_code(body.county), channel=body.channel,
        title=body.title, description=body.description, now=now,
        reporter_name=body.reporter_name, reporter_phone=body.reporter_phone,
        reporter_id_number=body.reporter_id_number, address=body.address,
        longitude=body.longitude, latitude=body.latitude,
        unit=reads.unit_by_code(body.unit) if body.unit else None,
        external_ref=body.external_ref, urgent=body.urgent, sensitive=body.sensitive)
    if case.reported_at == now:
        return Status(201, case_out(case))
    # A repeated (channel, external_ref): the first case, if this caller may see it.
    return Status(200, case_out(visible(request, case.number)))


@router.post("/cases/{number}/register", response=CaseOut)
def case_register(request: HttpRequest, number: str, body: RegisterIn):
    return case_out(cs.case_register(
        case=visible(request, number), actor=request.user, now=timezone.now(),
        matter_code=body.matter, unit=reads.unit_by_code(body.unit) if body.unit else None,
        expected_version=body.expected_version))


@router.post("/cases/{number}/reject", response=CaseOut)
def case_reject(request: HttpRequest, number: str, body: ReasonIn):
    return case_out(cs.case_reject(case=visible(request, number), actor=request.user,
                                   reason=body.reason, now=timezone.now(),
                                   expected_version=body.expected_version))


@router.post("/cases/{number}/merge", response=CaseOut)
def case_merge(request: HttpRequest, number: str, body: MergeIn):
    return case_out(cs.case_merge(case=visible(request, number),
                                  into=visible(request, body.into), actor=request.user,
                                  now=timezone.now(), expected_version=body.expected_version))


@router.post("/cases/{number}/handle-locally", response=CaseOut)
def case_handle_locally(request: HttpRequest, number: str, body: VersionedIn):
    return case_out(cs.case_handle_locally(case=visible(request, number), actor=request.user,
                                           now=timezone.now(),
                                           expected_version=body.expected_version))


@router.post("/cases/{number}/resolve-locally", response=CaseOut)
def case_resolve_locally(request: HttpRequest, number: str, body: ResultIn):
    return case_out(cs.case_resolve_locally(case=visible(request, number), actor=request.user,
                                            result=body.result, now=timezone.now(),
                                            expected_version=body.expected_version))


@router.post("/cases/{number}/escalate", response=CaseOut)
def case_escalate(request: HttpRequest, number: str, body: ReasonIn):
    return case_out(cs.case_escalate(case=visible(request, number), actor=request.user,
                                     reason=body.reason, now=timezone.now(),
                                     expected_version=body.expected_version))


@router.post("/cases/{number}/call", response=CaseOut)
def case_call(request: HttpRequest, number: str, body: ReasonIn):
    return case_out(cs.case_call(case=visible(request, number), actor=request.user,
                                 reason=body.reason, now=timezone.now(),
                                 expected_version=body.expected_version))


@router.post("/cases/{number}/call-approve", response=CaseOut)
def case_call_approve(request: HttpRequest, number: str, body: CommentIn):
    return case_out(cs.case_call_approve(case=visible(request, number), actor=request.user,
                                         comment=body.comment, now=timezone.now(),
                                         expected_version=body.expected_version))


@router.post("/cases/{number}/call-deny", response=CaseOut)
def case_call_deny(request: HttpRequest, number: str, body: ReasonIn):
    return case_out(cs.case_call_deny(case=visible(request, number), actor=request.user,
                                      reason=body.reason, now=timezone.now(),
                                      expected_version=body.expected_version))


# ---------------------------------------------------------------------------------------
# the command centre


@router.post("/cases/{number}/triage", response=CaseOut)
def case_triage(request: HttpRequest, number: str, body: TriageIn):
    return case_out(cs.case_triage(case=visible(request, number), actor=request.user,
                                   now=timezone.now(), matter_code=body.matter,
                                   colour=body.colour, urgent=body.urgent,
                                   sensitive=body.sensitive,
                                   expected_version=body.expected_version))


@router.post("/cases/{number}/send-back", response=CaseOut)
def case_send_back(request: HttpRequest, number: str, body: ReasonIn):
    return case_out(cs.case_send_back(case=visible(request, number), actor=request.user,
                                      reason=body.reason, now=timezone.now(),
                                      expected_version=body.expected_version))


@router.post("/cases/{number}/dispatch", response={201: list[AssignmentOut]})
def case_dispatch(request: HttpRequest, number: str, body: DispatchIn):
    case = visible(request, number)
    assignments = cs.case_dispatch(
        case=case, actor=request.user, lead=reads.department_by_code(body.lead, field="lead"),
        co=reads.departments_by_code(body.co, field="co"), joint=body.joint,
        instructions=body.instructions, now=timezone.now(),
        expected_version=body.expected_version)
    return Status(201, [assignment_out(request.user, a) for a in assignments])


@router.post("/cases/{number}/suspend", response=CaseOut)
def case_suspend(request: HttpRequest, number: str, body: ReasonIn):
    return case_out(cs.case_suspend(case=visible(request, number), actor=request.user,
                                    reason=body.reason, now=timezone.now(),
                                    expected_version=body.expected_version))


@router.post("/cases/{number}/resume", response=CaseOut)
def case_resume(request: HttpRequest, number: str, body: VersionedIn):
    return case_out(cs.case_resume(case=visible(request, number), actor=request.user,
                                   now=timezone.now(), expected_version=body.expected_version))


# ---------------------------------------------------------------------------------------
# evaluation, rally calls, files


@router.post("/cases/{number}/evaluate", response={201: EvaluationOut})
def case_evaluate(request: HttpRequest, number: str, body: EvaluateIn):
    evaluation = cs.case_evaluate(
        case=visible(request, number), actor=request.user, stars=body.stars,
        rating=body.rating, comment=body.comment, now=timezone.now(),
        reopen_lead=department_or_none(body.reopen_lead, "reopen_lead"),
        reopen_co=(reads.departments_by_code(body.reopen_co, field="reopen_co")
                   if body.reopen_co is not None else None),
        expected_version=body.expected_version)
    return Status(201, evaluation_out(evaluation))


@router.post("/cases/{number}/rally", response={201: RallyCallOut})
def case_rally(request: HttpRequest, number: str, body: RallyIn):
    rally = cs.case_rally(case=visible(request, number), actor=request.user, need=body.need,
                          points=body.points, now=timezone.now())
    return Status(201, rally_out(rally))


@router.post("/cases/{number}/attachments", response={201: AttachmentOut})
def case_attach(request: HttpRequest, number: str, file: File[UploadedFile],
                assignment: Form[int | None] = None,
                expected_version: Form[int | None] = None):
    case = visible(request, number)
    attachment = attachment_add(
        case=case, actor=request.user, upload=file, now=timezone.now(),
        assignment=reads.assignment_get_visible(request.user, assignment) if assignment else None,
        expected_version=expected_version)
    return Status(201, attachment_out(attachment))


@router.post("/rally-calls/{rally_id}/claim", response=RallyCallOut)
def rally_claim(request: HttpRequest, rally_id: int, body: ClaimIn):
    return rally_out(cs.rally_claim(rally=reads.rally_get_visible(request.user, rally_id),
                                    actor=request.user, team=reads.team_get(body.team),
                                    now=timezone.now()))


@router.post("/rally-calls/{rally_id}/complete", response=RallyCallOut)
def rally_complete(request: HttpRequest, rally_id: int, body: CompleteIn):
    return rally_out(cs.rally_complete(
        rally=reads.rally_get_visible(request.user, rally_id), actor=request.user,
        participants=reads.users_by_username(body.participants), outcome=body.outcome,
        now=timezone.now()))


# ---------------------------------------------------------------------------------------
# departments


def assignment_visible(request: HttpRequest, assignment_id: int):
    return reads.assignment_get_visible(request.user, assignment_id)


@router.post("/assignments/{assignment_id}/sign", response=AssignmentOut)
def assignment_sign(request: HttpRequest, assignment_id: int, body: VersionedIn):
    assignment = cs.assignment_sign(assignment=assignment_visible(request, assignment_id),
                                    actor=request.user, now=timezone.now(),
                                    expected_version=body.expected_version)
    return assignment_out(request.user, assignment)


@router.post("/assignments/{assignment_id}/progress", response=AssignmentOut)
def assignment_progress(request: HttpRequest, assignment_id: int, body: NoteIn):
    assignment = cs.assignment_progress(assignment=assignment_visible(request, assignment_id),
                                        actor=request.user, note=body.note, now=timezone.now(),
                                        expected_version=body.expected_version)
    return assignment_out(request.user, assignment)


@router.post("/assignments/{assignment_id}/reply", response=AssignmentOut)
def assignment_reply(request: HttpRequest, assignment_id: int, body: ResultIn):
    assignment = cs.assignment_reply(assignment=assignment_visible(request, assignment_id),
                                     actor=request.user, result=body.result,
                                     now=timezone.now(),
                                     expected_version=body.expected_version)
    return assignment_out(request.user, assignment)


@router.post("/assignments/{assignment_id}/request-return", response=AssignmentOut)
def assignment_request_return(request: HttpRequest, assignment_id: int,
                              body: ReturnRequestIn):
    assignment = cs.assignment_request_return(
        assignment=assignment_visible(request, assignment_id), actor=request.user,
        reason=body.reason, to_town=body.to_town, now=timezone.now(),
        expected_version=body.expected_version)
    return assignment_out(request.user, assignment)


@router.post("/assignments/{assignment_id}/decide-return", response=AssignmentOut)
def assignment_decide_return(request: HttpRequest, assignment_id: int,
                             body: ReturnDecisionIn):
    assignment = cs.assignment_decide_return(
        assignment=assignment_visible(request, assignment_id), actor=request.user,
        approve=body.approve, note=body.note, now=timezone.now(),
        redispatch_to=department_or_none(body.redispatch_to, "redispatch_to"),
        expected_version=body.expected_version)
    return assignment_out(request.user, assignment)


@router.post("/assignments/{assignment_id}/request-extension",
             response={201: ExtensionRequestOut})
def assignment_request_extension(request: HttpRequest, assignment_id: int,
                                 body: ExtensionRequestIn):
    extension = cs.assignment_request_extension(
        assignment=assignment_visible(request, assignment_id), actor=request.user,
        extra_days=body.extra_days, reason=body.reason, now=timezone.now())
    return Status(201, extension_request_out(extension))


@router.post("/extension-requests/{request_id}/decide", response=ExtensionRequestOut)
def extension_decide(request: HttpRequest, request_id: int, body: ExtensionDecisionIn):
    extension = cs.assignment_decide_extension(
        request=reads.extension_request_get_visible(request.user, request_id),
        actor=request.user, approve=body.approve, note=body.note, now=timezone.now())
    return extension_request_out(extension)
