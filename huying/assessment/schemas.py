"""What the assessment and analytics APIs return."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from huying.analytics.indicators import Average, IndicatorValue, Ratio
from huying.assessment.models import Appeal, Deduction
from huying.assessment.selectors import RankRow, ScoreBreakdown


def jsonable(value: Any) -> Any:
    """Ratios as {numerator, denominator, rate}; decimals as numbers."""
    if isinstance(value, Ratio):
        return {"numerator": value.numerator, "denominator": value.denominator,
                "rate": value.rate, "display": value.fraction}
    if isinstance(value, Average):
        return {"total": value.total, "count": value.count, "value": value.value}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


class PeriodQuery(Schema):
    period: str = Field("month", description="day | week | half_month | month")
    date: date
    county: str | None = Field(None, description="county code (administrators)")


class RankingQuery(PeriodQuery):
    kind: str = Field("department", description="department | town | grid_worker")
    by: str = Field("score", description="departments: score | town_evaluation")
    town: str | None = Field(None, description="grid workers: the town's code")


class RankRowOut(Schema):
    subject_id: int
    code: str
    name: str
    score: float | None
    rank: int
    details: dict[str, Any]


class RankingOut(Schema):
    kind: str
    by: str
    period: str
    label: str
    start: datetime
    end: datetime
    rows: list[RankRowOut]


def rank_row_out(row: RankRow) -> RankRowOut:
    return RankRowOut(subject_id=row.subject_id, code=row.code, name=row.name,
                      score=None if row.score is None else float(row.score), rank=row.rank,
                      details=jsonable(row.details))


class DeductionOut(Schema):
    id: int
    department: str
    case_number: str
    case_title: str
    rule: str
    dimension: str
    colour: str
    points: float
    reason: str
    occurred_at: datetime
    status: str


def deduction_out(deduction: Deduction) -> DeductionOut:
    return DeductionOut(id=deduction.pk, department=deduction.department.code,
                        case_number=deduction.case.number, case_title=deduction.case.title,
                        rule=deduction.rule, dimension=deduction.dimension,
                        colour=deduction.colour, points=float(deduction.points),
                        reason=str(deduction.reason), occurred_at=deduction.occurred_at,
                        status=deduction.status)


class DimensionOut(Schema):
    code: str
    name: str
    max_points: float
    points: float
    lost: float
    rate: dict[str, Any] | None = None
    weight: float | None = None


class ScoreOut(Schema):
    department: str
    department_name: str
    scheme: str
    scheme_kind: str
    start: datetime
    end: datetime
    score: float
    dimensions: list[DimensionOut]
    deductions: list[DeductionOut]


def score_out(breakdown: ScoreBreakdown) -> ScoreOut:
    return ScoreOut(
        department=breakdown.department.code, department_name=str(breakdown.department),
        scheme=str(breakdown.scheme.name), scheme_kind=breakdown.scheme.kind,
        start=breakdown.start, end=breakdown.end, score=float(breakdown.score),
        dimensions=[DimensionOut(code=d.code, name=d.name, max_points=float(d.max_points),
                                 points=float(d.points), lost=float(d.lost),
                                 rate=jsonable(d.rate) if d.rate is not None else None,
                                 weight=None if d.weight is None else float(d.weight))
                    for d in breakdown.dimensions],
        deductions=[deduction_out(d) for d in breakdown.deductions
                    if d.department_id == breakdown.department.pk])


class AppealIn(Schema):
    deduction_id: int
    reason: str = Field(..., max_length=2000)


class AppealDecisionIn(Schema):
    uphold: bool
    note: str = Field("", max_length=2000)


class AppealOut(Schema):
    id: int
    deduction_id: int
    department: str
    reason: str
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    decision_note: str
    deduction_status: str


def appeal_out(appeal: Appeal) -> AppealOut:
    return AppealOut(id=appeal.pk, deduction_id=appeal.deduction_id,
                     department=appeal.department.code, reason=appeal.reason,
                     status=appeal.status, submitted_at=appeal.submitted_at,
                     decided_at=appeal.decided_at, decision_note=appeal.decision_note,
                     deduction_status=appeal.deduction.status)


class IndicatorOut(Schema):
    code: str
    name: str
    numerator: int | None = None
    denominator: int | None = None
    rate: float | None = None
    value: float | None = None
    count: int | None = None
    display: str
    definition: str = ""


def indicator_out(item: IndicatorValue) -> IndicatorOut:
    if isinstance(item.value, Ratio):
        return IndicatorOut(code=item.code, name=item.name, numerator=item.value.numerator,
                            denominator=item.value.denominator, rate=item.value.rate,
                            display=item.display, definition=item.definition)
    return IndicatorOut(code=item.code, name=item.name, value=item.value.value,
                        count=item.value.count, display=item.display,
                        definition=item.definition)


class IndicatorsOut(Schema):
    county: str
    town: str | None
    department: str | None
    start: datetime
    end: datetime
    indicators: list[IndicatorOut]
