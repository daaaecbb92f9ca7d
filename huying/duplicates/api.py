"""The duplicates API: a case's candidates, and merge or dismiss one.

- `GET /api/v1/cases/{number}/duplicates`: the candidates of a case the user sees, each with
  its score, reasons and the earlier case's summary (earlier cases the user may not see are
  left out);
- `POST /api/v1/duplicates/{id}/merge`, `POST /api/v1/duplicates/{id}/dismiss`.

Scoped as every case route (`cases/access.py`): a candidate whose cases the user does not
see is a 404; who may merge or dismiss is `case_merge`'s rule (403), a decided suggestion
or a case past merging is a 409.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from huying.cases.access import case_get_visible
from huying.duplicates import selectors, services
from huying.duplicates.models import DuplicateCandidate
from huying.duplicates.selectors import CandidateView
from huying.org.auth import api_auth

router = Router(tags=["重复件"], auth=api_auth)


class MasterOut(Schema):
    number: str
    title: str
    channel: str
    reported_at: datetime
    status: str
    status_label: str
    address: str
    unit: str
    matter: str


class CandidateOut(Schema):
    id: int
    case_number: str
    score: float
    reasons: list[str]
    distance_m: float | None
    automatic: bool
    status: str
    master: MasterOut


class DecisionOut(Schema):
    id: int
    status: str
    case_number: str
    case_status: str
    master_number: str


def candidate_out(view: CandidateView) -> CandidateOut:
    return CandidateOut(id=view.id, case_number=view.case_number, score=view.score,
                        reasons=view.reasons, distance_m=view.distance_m,
                        automatic=view.automatic, status=view.status,
                        master=MasterOut(**vars(view.master)))


def decision_out(candidate: DuplicateCandidate) -> DecisionOut:
    candidate.case.refresh_from_db(fields=["status"])
    return DecisionOut(id=candidate.pk, status=candidate.status,
                       case_number=candidate.case.number, case_status=candidate.case.status,
                       master_number=candidate.master.number)


@router.get("/cases/{number}/duplicates", response=list[CandidateOut])
def case_duplicates(request: HttpRequest, number: str):
    case = case_get_visible(request.user, number)
    return [candidate_out(v) for v in selectors.candidates_of_case(request.user, case)]


@router.post("/duplicates/{candidate_id}/merge", response=DecisionOut)
def duplicate_merge(request: HttpRequest, candidate_id: int):
    candidate = selectors.candidate_get_visible(request.user, candidate_id)
    return decision_out(services.duplicate_merge(candidate=candidate, actor=request.user,
                                                 now=timezone.now()))


@router.post("/duplicates/{candidate_id}/dismiss", response=DecisionOut)
def duplicate_dismiss(request: HttpRequest, candidate_id: int):
    candidate = selectors.candidate_get_visible(request.user, candidate_id)
    return decision_out(services.duplicate_dismiss(candidate=candidate, actor=request.user,
                                                   now=timezone.now()))
