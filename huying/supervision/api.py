"""The supervision API (`/api/v1/supervision/…`): the board, interviews, slips (with their
Word documents), listed supervision and the look-back list.

Supervisors, leaders and administrators of a county see all of it; department staff see
their own departments' interviews and slips. Handlers parse, call one service or selector,
and return; refusals are domain errors mapped in `huying.common.api`.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from huying.cases import access
from huying.cases.models import Case
from huying.cases.reads import department_by_code
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.org.auth import api_auth
from huying.org.models import OrgUnit, User
from huying.supervision import access as sva
from huying.supervision import interviews as iv
from huying.supervision import selectors
from huying.supervision import services as sv
from huying.supervision import slips as sl
from huying.supervision.documents import slip_document, slip_filename
from huying.supervision.lookback import lookback_cases
from huying.supervision.models import Interview, ListedCase, SlaClock, Slip

router = Router(tags=["督办"], auth=api_auth)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------------------------------
# schemas


class CountyQuery(Schema):
    county: str | None = None


class InterviewQuery(CountyQuery):
    status: str | None = None


class SlipQuery(CountyQuery):
    kind: str | None = None
    status: str | None = None


class LookbackQuery(CountyQuery):
    older_than_working_days: int = 30


class ScheduleIn(Schema):
    scheduled_for: datetime


class RecordIn(Schema):
    notes: str
    rectification: str


class SlipIn(Schema):
    department: str
    cases: list[str] = []
    reason: str
    deadline: datetime | None = None


class ReplyIn(Schema):
    reply: str


class ListIn(Schema):
    case: str
    reason: str


class DelistIn(Schema):
    note: str


class InterviewOut(Schema):
    id: int
    case: str
    case_title: str
    department: str
    trigger: str
    colour: str
    interviewer_role: str
    interviewer: str | None
    interviewee_role: str
    interviewee: str | None
    status: str
    scheduled_for: datetime | None
    held_at: datetime | None
    notes: str
    rectification: str
    created_at: datetime


class SlipOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    body: str
    department: str | None
    cases: list[str]
    deadline: datetime | None
    issued_by: str | None
    issued_at: datetime
    recipients: str
    copied_to: str
    status: str
    reply: str
    replied_at: datetime | None
    document: str


class ListedOut(Schema):
    case: str
    title: str
    reason: str
    listed_by: str
    listed_at: datetime
    delisted_at: datetime | None


class ClockOut(Schema):
    case: str
    title: str
    department: str
    metric: str
    stage: int
    due_at: datetime


class LookbackOut(Schema):
    case: str
    title: str
    status: str
    dispatched_at: datetime | None
    reopen_count: int


class BoardOut(Schema):
    county: str
    summary: dict[str, int]
    breaches: list[ClockOut]
    warnings: list[ClockOut]
    interviews: list[InterviewOut]
    slips_awaiting_reply: list[SlipOut]
    listed: list[ListedOut]


def _name(user: User | None) -> str | None:
    return str(user) if user is not None else None


def interview_out(i: Interview) -> InterviewOut:
    return InterviewOut(
        id=i.pk, case=i.case.number, case_title=i.case.title, department=i.department.code,
        trigger=i.trigger, colour=i.colour, interviewer_role=i.interviewer_role,
        interviewer=_name(i.interviewer), interviewee_role=i.interviewee_role,
        interviewee=_name(i.interviewee), status=i.status, scheduled_for=i.scheduled_for,
        held_at=i.held_at, notes=i.notes, rectification=i.rectification,
        created_at=i.created_at)


def slip_out(s: Slip) -> SlipOut:
    return SlipOut(
        id=s.pk, kind=s.kind, number=str(s.number), title=str(s.title), body=str(s.body),
        department=s.department.code if s.department else None,
        cases=[c.number for c in s.cases.order_by("number")], deadline=s.deadline,
        issued_by=_name(s.issued_by), issued_at=s.issued_at, recipients=str(s.recipients),
        copied_to=str(s.copied_to), status=s.status, reply=s.reply, replied_at=s.replied_at,
        document=f"/api/v1/supervision/slips/{s.pk}/document")


def listed_out(row: ListedCase) -> ListedOut:
    return ListedOut(case=row.case.number, title=row.case.title, reason=row.reason,
                     listed_by=str(row.listed_by), listed_at=row.listed_at,
                     delisted_at=row.delisted_at)


def clock_out(c: SlaClock) -> ClockOut:
    return ClockOut(case=c.case.number, title=c.case.title, department=c.department.code,
                    metric=c.metric, stage=c.stage, due_at=c.due_at)


# ---------------------------------------------------------------------------------------
# scoping


def county_for(request: HttpRequest, code: str | None) -> OrgUnit:
    return sva.board_county(request.user, code)


def slip_visible(request: HttpRequest, slip_id: int) -> Slip:
    return sva.slip_visible(request.user, slip_id)


def interview_visible(request: HttpRequest, interview_id: int) -> Interview:
    return sva.interview_visible(request.user, interview_id)


def case_in(request: HttpRequest, county: OrgUnit, number: str, *,
            field: str | None = None) -> Case:
    return access.case_in_county_visible(request.user, county=county, number=number,
                                         field=field)


# ---------------------------------------------------------------------------------------
# the board


@router.get("/board", response=BoardOut)
def board(request: HttpRequest, query: Query[CountyQuery]):
    county = county_for(request, query.county)
    scope = sv.viewer_scope(request.user, county)
    now = timezone.now()
    limit = 50
    return BoardOut(
        county=county.code,
        summary=selectors.board_summary(county=county, now=now, department_ids=scope),
        breaches=[clock_out(c) for c in selectors.board_breaches(
            county_id=county.pk, department_ids=scope)[:limit]],
        warnings=[clock_out(c) for c in selectors.board_warnings(
            county_id=county.pk, department_ids=scope)[:limit]],
        interviews=[interview_out(i) for i in selectors.interviews_open(
            county_id=county.pk, department_ids=scope)[:limit]],
        slips_awaiting_reply=[slip_out(s) for s in selectors.slips_awaiting_reply(
            county_id=county.pk, department_ids=scope)[:limit]],
        listed=[listed_out(r) for r in selectors.listed_cases(county_id=county.pk)[:limit]]
        if scope is None else [])


# ---------------------------------------------------------------------------------------
# interviews


@router.get("/interviews", response=list[InterviewOut])
def interview_list(request: HttpRequest, query: Query[InterviewQuery]):
    county = county_for(request, query.county)
    scope = sv.viewer_scope(request.user, county)
    rows = selectors.interviews_list(county_id=county.pk, department_ids=scope,
                                     status=query.status)
    return [interview_out(i) for i in rows[:500]]


@router.post("/interviews/{interview_id}/schedule", response=InterviewOut)
def interview_schedule(request: HttpRequest, interview_id: int, body: ScheduleIn):
    return interview_out(iv.interview_schedule(
        actor=request.user, interview=interview_visible(request, interview_id),
        scheduled_for=body.scheduled_for, now=timezone.now()))


@router.post("/interviews/{interview_id}/record", response=InterviewOut)
def interview_record(request: HttpRequest, interview_id: int, body: RecordIn):
    return interview_out(iv.interview_record(
        actor=request.user, interview=interview_visible(request, interview_id),
        notes=body.notes, rectification=body.rectification, now=timezone.now()))


# ---------------------------------------------------------------------------------------
# slips


@router.get("/slips", response=list[SlipOut])
def slip_list(request: HttpRequest, query: Query[SlipQuery]):
    county = county_for(request, query.county)
    scope = sv.viewer_scope(request.user, county)
    rows = selectors.slips_list(county_id=county.pk, department_ids=scope, kind=query.kind,
                                status=query.status).prefetch_related("cases")
    return [slip_out(s) for s in rows[:500]]


@router.post("/slips", response={201: SlipOut})
def slip_issue(request: HttpRequest, body: SlipIn):
    department = department_by_code(body.department, field="department")
    county = sl.county_of(department)
    cases = [case_in(request, county, number, field="cases") for number in body.cases]
    slip = sl.slip_issue_supervision(actor=request.user, department=department, cases=cases,
                                     reason=body.reason, deadline=body.deadline,
                                     now=timezone.now())
    return Status(201, slip_out(slip))


@router.get("/slips/{slip_id}", response=SlipOut)
def slip_detail(request: HttpRequest, slip_id: int):
    return slip_out(slip_visible(request, slip_id))


@router.post("/slips/{slip_id}/reply", response=SlipOut)
def slip_reply(request: HttpRequest, slip_id: int, body: ReplyIn):
    return slip_out(sl.slip_reply(actor=request.user, slip=slip_visible(request, slip_id),
                                  reply=body.reply, now=timezone.now()))


@router.post("/slips/{slip_id}/close", response=SlipOut)
def slip_close(request: HttpRequest, slip_id: int):
    return slip_out(sl.slip_close(actor=request.user, slip=slip_visible(request, slip_id),
                                  now=timezone.now()))


@router.get("/slips/{slip_id}/document")
def slip_download(request: HttpRequest, slip_id: int):
    slip = slip_visible(request, slip_id)
    response = HttpResponse(slip_document(slip), content_type=DOCX)
    name = slip_filename(slip)
    response["Content-Disposition"] = (
        f"attachment; filename=\"slip-{slip.pk}.docx\"; filename*=UTF-8''{quote(name)}")
    return response


# ---------------------------------------------------------------------------------------
# listed supervision and look-back


@router.get("/listed", response=list[ListedOut])
def listed(request: HttpRequest, query: Query[CountyQuery]):
    county = county_for(request, query.county)
    if sv.viewer_scope(request.user, county) is not None:
        raise PermissionDenied(_("Only supervisors and leaders see the listed cases."))
    return [listed_out(r) for r in selectors.listed_cases(county_id=county.pk)]


@router.post("/listed", response={201: ListedOut})
def list_case(request: HttpRequest, body: ListIn, query: Query[CountyQuery]):
    county = county_for(request, query.county)
    case = case_in(request, county, body.case, field="case")
    listing = sv.case_list_for_supervision(actor=request.user, case=case, reason=body.reason,
                                           now=timezone.now())
    return Status(201, listed_out(listing))


@router.post("/listed/{number}/delist", response=ListedOut)
def delist_case(request: HttpRequest, number: str, body: DelistIn,
                query: Query[CountyQuery]):
    county = county_for(request, query.county)
    return listed_out(sv.case_delist(actor=request.user, case=case_in(request, county, number),
                                     note=body.note, now=timezone.now()))


@router.get("/lookback", response=list[LookbackOut])
def lookback(request: HttpRequest, query: Query[LookbackQuery]):
    county = county_for(request, query.county)
    if sv.viewer_scope(request.user, county) is not None:
        raise PermissionDenied(_("Only supervisors and leaders see the look-back list."))
    if not 1 <= query.older_than_working_days <= 1000:
        raise ValidationFailed(_("Give 1 to 1000 working days."),
                               field="older_than_working_days")
    rows = lookback_cases(county=county, now=timezone.now(),
                          older_than_working_days=query.older_than_working_days)
    return [LookbackOut(case=c.number, title=c.title, status=c.status,
                        dispatched_at=c.dispatched_at, reopen_count=c.reopen_count)
            for c in rows[:500]]
