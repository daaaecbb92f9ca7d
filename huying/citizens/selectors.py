"""Reads of the citizen's page: a report by its tracking link or by its phone, and the case
as the citizen sees it — what they reported, how far it has come, the public result — never
staff names, internal notes or anyone else's data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huying.cases.models import AssignmentRole, AssignmentStatus, Case, CaseStatus
from huying.cases.selectors import Milestone, case_public
from huying.cases.states import DONE_CASE, OPEN_CASE, WITHDRAWN_CASE
from huying.citizens.models import CitizenRating, CitizenReport
from huying.citizens.services import case_followed, token_hash

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")

# The citizen's progress steps, each a stage of the case's status groups (cases/states.py).
# (msgids of their own: a bare "Submitted" is already another app's "提交时间")
STEPS = (_("step: submitted"), _("step: accepted"), _("step: being handled"),
         _("step: answered"), _("step: finished"))
HANDLING = OPEN_CASE - {CaseStatus.REPORTED, CaseStatus.REGISTERED, CaseStatus.REPLIED}


def stage_of(status: str) -> int:
    """How far along STEPS a case of this status is (0 = submitted … 4 = finished)."""
    if status in DONE_CASE:
        return 4
    if status == CaseStatus.REPLIED:
        return 3
    if status in HANDLING:
        return 2
    if status == CaseStatus.REGISTERED:
        return 1
    return 0


def citizen_report_by_token(token: str) -> CitizenReport | None:
    """The report a tracking link opens. The link's secret is hashed before the lookup, so
    the database compares digests of random bytes: timing says nothing about the token."""
    if not TOKEN_SHAPE.match(token or ""):
        return None
    return (CitizenReport.objects.select_related("case", "case__town")
            .filter(token_hash=token_hash(token)).first())


def citizen_reports_of(phone: str) -> QuerySet[CitizenReport]:
    return (CitizenReport.objects.filter(phone=phone).select_related("case", "rating")
            .order_by("-created_at"))


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    current: bool


@dataclass(frozen=True)
class CitizenCase:
    report: CitizenReport
    number: str
    title: str
    description: str
    address: str
    reported_at: datetime
    photos: int
    status: str
    followed_number: str  # the case it was merged into, else ""
    rejected: bool
    steps: list[Step]
    milestones: list[Milestone]
    results: list[str] = field(default_factory=list)
    rating: CitizenRating | None = None

    @property
    def finished(self) -> bool:
        return self.status in DONE_CASE

    @property
    def may_rate(self) -> bool:
        return self.finished and self.rating is None


def public_results(case: Case) -> list[str]:
    """The answers the citizen may read once the case is answered: the lead departments'
    replies of the current cycle, or the local resolution. Never who wrote them."""
    if case.status == CaseStatus.RESOLVED:
        return [case.status_reason] if case.status_reason else []
    if case.status not in {CaseStatus.REPLIED, CaseStatus.CLOSED}:
        return []
    return [r for r in case.assignments.filter(
        cycle=case.cycle, role=AssignmentRole.LEAD, status=AssignmentStatus.REPLIED)
        .order_by("replied_at").values_list("result", flat=True) if r]


def public_milestones(case: Case) -> list[Milestone]:
    public = case_public(case.number)
    return list(public.milestones) if public else []


def citizen_case(report: CitizenReport) -> CitizenCase:
    own = report.case
    case = case_followed(own)
    milestones = public_milestones(own)
    if case.pk != own.pk:
        # A merged report: its own steps up to the merge, then the case that carries on.
        since = milestones[-1].at if milestones else own.reported_at
        milestones += [m for m in public_milestones(case) if m.at >= since]
    stage = stage_of(case.status)
    rejected = case.status in WITHDRAWN_CASE
    steps = [Step(label=str(label), done=not rejected and i <= stage,
                  current=not rejected and i == stage) for i, label in enumerate(STEPS)]
    rating = CitizenRating.objects.filter(report=report).first()
    return CitizenCase(
        report=report, number=own.number, title=own.title, description=own.description,
        address=own.address, reported_at=own.reported_at, photos=own.attachments.count(),
        status=case.status, followed_number=case.number if case.pk != own.pk else "",
        rejected=rejected, steps=steps, milestones=milestones,
        results=public_results(case), rating=rating)
