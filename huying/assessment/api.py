"""The assessment API (`/api/v1/assessment/…`): rankings, a department's score with its
deductions, appeals. Handlers parse, check who may see, call one selector or service."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from huying.analytics.periods import period_bounds, period_label
from huying.assessment.models import Appeal, Deduction
from huying.assessment.schemas import (
    AppealDecisionIn,
    AppealIn,
    AppealOut,
    PeriodQuery,
    RankingOut,
    RankingQuery,
    ScoreOut,
    appeal_out,
    rank_row_out,
    score_out,
)
from huying.assessment.selectors import department_score, ranking_for_period
from huying.assessment.services import appeal_decide, appeal_submit
from huying.cases import access, reads
from huying.common.errors import NotFound
from huying.org.auth import api_auth

router = Router(tags=["考核"], auth=api_auth)


@router.get("/rankings", response=RankingOut)
def rankings(request: HttpRequest, query: Query[RankingQuery]):
    county = access.ensure_may_see_rankings(access.viewer_of(request.user, query.county))
    start, end = period_bounds(query.period, query.date)
    town = reads.unit_by_code(query.town, field="town") if query.town else None
    rows = ranking_for_period(county=county, kind=query.kind, period_start=start,
                              period_end=end, by=query.by, town=town)
    return RankingOut(kind=query.kind, by=query.by, period=query.period,
                      label=period_label(query.period, query.date), start=start, end=end,
                      rows=[rank_row_out(row) for row in rows])


@router.get("/departments/{code}/score", response=ScoreOut)
def score(request: HttpRequest, code: str, query: Query[PeriodQuery]):
    department = reads.department_by_code(code, field="department")
    access.ensure_may_see_department(access.viewer_of(request.user, query.county), department)
    start, end = period_bounds(query.period, query.date)
    return score_out(department_score(department=department, start=start, end=end))


@router.post("/appeals", response={201: AppealOut})
def appeal_create(request: HttpRequest, data: AppealIn):
    deduction = Deduction.objects.filter(pk=data.deduction_id).first()
    if deduction is None:
        raise NotFound(_("Deduction %(id)d was not found.") % {"id": data.deduction_id})
    appeal = appeal_submit(actor=request.user, deduction=deduction, reason=data.reason,
                           now=timezone.now())
    return Status(201, appeal_out(appeal))


@router.post("/appeals/{appeal_id}/decide", response=AppealOut)
def appeal_decision(request: HttpRequest, appeal_id: int, data: AppealDecisionIn):
    appeal = Appeal.objects.filter(pk=appeal_id).first()
    if appeal is None:
        raise NotFound(_("Appeal %(id)d was not found.") % {"id": appeal_id})
    appeal = appeal_decide(actor=request.user, appeal=appeal, uphold=data.uphold,
                           note=data.note, now=timezone.now())
    appeal.deduction.refresh_from_db()
    return appeal_out(appeal)
