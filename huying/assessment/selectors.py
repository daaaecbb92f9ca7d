"""Reads of the assessment: a department's score with every lost point traced to its case,
and the rankings of departments, towns and grid workers for a period (SPEC.md "Assessment").

Scores are recomputed from the ledger (and, for the Beijing scheme, from the indicators)
each time they are asked for, never stored: withdrawing a deduction changes them at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from huying.analytics import indicators as ind
from huying.analytics.periods import period_bounds  # noqa: F401  (re-exported for callers)
from huying.assessment.models import (
    Appeal,
    Deduction,
    DeductionStatus,
    Dimension,
    Scheme,
    SchemeKind,
)
from huying.assessment.services import scheme_default
from huying.cases.models import Assignment, Case, CaseStatus
from huying.cases.selectors import departments_of_county
from huying.cases.states import WITHDRAWN_CASE
from huying.common.errors import ValidationFailed
from huying.org.models import Department, Level, Membership, OrgUnit, Role
from huying.org.selectors import county_of

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
RANKING_KINDS = ("department", "town", "grid_worker")
DEPARTMENT_ORDERS = ("score", "town_evaluation")
# Town ranking: the weight of each rate in the town's score (a rate with nothing counted
# leaves the score, the other weights count proportionally more).
TOWN_WEIGHTS = {"closure_rate": Decimal("0.3"), "on_time_closure_rate": Decimal("0.3"),
                "local_resolution_share": Decimal("0.2"), "call_quality_rate": Decimal("0.2")}
# Grid workers: a matter resolved on the spot counts twice a matter only reported.
GRID_RESOLVED_WEIGHT = 2


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class DimensionScore:
    code: str
    name: str
    max_points: Decimal
    points: Decimal
    lost: Decimal = Decimal(0)
    rate: ind.Ratio | None = None  # the Beijing scheme's rates
    weight: Decimal | None = None


@dataclass
class ScoreBreakdown:
    department: Department
    scheme: Scheme
    start: datetime
    end: datetime
    score: Decimal
    dimensions: list[DimensionScore]
    deductions: list[Deduction]  # active, with their cases: every point lost, traceable

    @property
    def lost(self) -> Decimal:
        return sum((d.points for d in self.deductions), Decimal(0))


@dataclass
class RankRow:
    subject_id: int
    code: str
    name: str
    score: Decimal | None
    rank: int = 0
    details: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# department scores


def deductions_in_period(*, department: Department | None = None, start: datetime,
                         end: datetime) -> QuerySet[Deduction]:
    deductions = Deduction.objects.filter(status=DeductionStatus.ACTIVE, occurred_at__gte=start,
                                          occurred_at__lt=end)
    if department is not None:
        deductions = deductions.filter(department=department)
    return deductions


def huangpu_dimensions(scheme: Scheme, lost: dict[str, Decimal]) -> list[DimensionScore]:
    """Each dimension keeps its points less what was lost in it, never below zero."""
    dimensions = []
    for code, label in Dimension.choices:
        maximum = scheme.dimension_points(code)
        lost_here = lost.get(code, Decimal(0))
        dimensions.append(DimensionScore(code=code, name=str(label), max_points=maximum,
                                         lost=q2(lost_here),
                                         points=q2(max(maximum - lost_here, Decimal(0)))))
    return dimensions


BEIJING_RATES = (
    ("response", "Response rate", ind.response_rate, "weight_response"),
    ("resolution", "Resolution rate", ind.resolution_rate, "weight_resolution"),
    ("satisfaction", "Satisfaction rate", ind.satisfaction_rate, "weight_satisfaction"),
)


def beijing_dimensions(scheme: Scheme, department: Department, start: datetime,
                       end: datetime) -> list[DimensionScore]:
    """total points × Σ weight·rate ÷ Σ weight over the rates that counted anything."""
    scope = ind.Scope(county=county_of(department.unit), department=department)
    names = {"response": _("Response rate"), "resolution": _("Resolution rate"),
             "satisfaction": _("Satisfaction rate")}
    rates = [(code, compute(scope, start, end), getattr(scheme, weight))
             for code, _label, compute, weight in BEIJING_RATES]
    counted = sum((w for _c, r, w in rates if r.rate is not None), Decimal(0))
    dimensions = []
    for code, ratio, weight in rates:
        share = scheme.total_points * weight / counted if counted else Decimal(0)
        judged = ratio.rate is not None and counted > 0
        points = share * Decimal(str(ratio.rate)) if judged else Decimal(0)
        dimensions.append(DimensionScore(
            code=code, name=names[code], max_points=q2(share), points=q2(points),
            lost=q2(share - points) if judged else Decimal(0), rate=ratio, weight=weight))
    return dimensions


def beijing_judged(dimensions: list[DimensionScore]) -> bool:
    """Whether any rate with a weight counted something (else nothing was lost)."""
    return any(d.max_points > 0 and d.rate is not None and d.rate.rate is not None
               for d in dimensions)


def department_score(*, department: Department, scheme: Scheme | None = None,
                     start: datetime, end: datetime) -> ScoreBreakdown:
    """A department's score for [start, end) under `scheme` (default: the default scheme),
    with each dimension's points and the active deductions of the period and their cases."""
    scheme = scheme or scheme_default()
    deductions = list(deductions_in_period(department=department, start=start, end=end)
                      .select_related("case").order_by("occurred_at", "pk"))
    if scheme.kind == SchemeKind.BEIJING:
        dimensions = beijing_dimensions(scheme, department, start, end)
        if not beijing_judged(dimensions):
            score = q2(scheme.total_points)  # nothing to judge: no points lost
        else:
            score = q2(sum((d.points for d in dimensions), Decimal(0)))
    else:
        lost: dict[str, Decimal] = defaultdict(Decimal)
        for deduction in deductions:
            lost[deduction.dimension] += deduction.points
        dimensions = huangpu_dimensions(scheme, lost)
        score = q2(sum((d.points for d in dimensions), Decimal(0)))
    return ScoreBreakdown(department=department, scheme=scheme, start=start, end=end,
                          score=score, dimensions=dimensions, deductions=deductions)


# ---------------------------------------------------------------------------------------
# rankings


def assign_ranks(rows: list[RankRow], *, descending: bool = True) -> list[RankRow]:
    """Order by score (rows without a score last, then by code) and number them as
    competitions do: equal scores share a rank, the next rank skips (1, 2, 2, 4)."""
    def key(row: RankRow):
        if row.score is None:
            return (1, Decimal(0), row.code)
        return (0, -row.score if descending else row.score, row.code)

    rows.sort(key=key)
    for index, row in enumerate(rows, start=1):
        if index > 1 and row.score == rows[index - 2].score:
            row.rank = rows[index - 2].rank
        else:
            row.rank = index
    return rows


def departments_assessed(county: OrgUnit, start: datetime, end: datetime
                         ) -> QuerySet[Department]:
    """The county's departments (not the command centre) with work or deductions in the
    period: a department nobody called on has nothing to be ranked for."""
    worked = Assignment.objects.filter(department=OuterRef("pk"), dispatched_at__gte=start,
                                       dispatched_at__lt=end)
    deducted = deductions_in_period(start=start, end=end).filter(department=OuterRef("pk"))
    return (departments_of_county(county)
            .filter(Q(Exists(worked)) | Q(Exists(deducted))).order_by("code"))


def _department_rows_by_score(county: OrgUnit, scheme: Scheme, start: datetime,
                              end: datetime) -> list[RankRow]:
    departments = list(departments_assessed(county, start, end))
    rows = []
    if scheme.kind == SchemeKind.BEIJING:
        for department in departments:
            breakdown = department_score(department=department, scheme=scheme, start=start,
                                         end=end)
            rows.append(RankRow(
                subject_id=department.pk, code=department.code, name=str(department),
                score=breakdown.score,
                details={"dimensions": {d.code: d.points for d in breakdown.dimensions},
                         "rates": {d.code: d.rate for d in breakdown.dimensions},
                         "deductions": len(breakdown.deductions)}))
        return assign_ranks(rows)
    # One grouped query for the whole county, the same arithmetic as department_score.
    lost: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    counts: dict[int, int] = defaultdict(int)
    for row in (deductions_in_period(start=start, end=end)
                .filter(department__in=[d.pk for d in departments])
                .values("department_id", "dimension")
                .annotate(points=Sum("points"), n=Count("pk"))):
        lost[row["department_id"]][row["dimension"]] += row["points"]
        counts[row["department_id"]] += row["n"]
    for department in departments:
        dimensions = huangpu_dimensions(scheme, lost[department.pk])
        rows.append(RankRow(
            subject_id=department.pk, code=department.code, name=str(department),
            score=q2(sum((d.points for d in dimensions), Decimal(0))),
            details={"dimensions": {d.code: d.points for d in dimensions},
                     "lost": q2(sum((d.lost for d in dimensions), Decimal(0))),
                     "deductions": counts[department.pk]}))
    return assign_ranks(rows)


def _department_rows_by_evaluation(county: OrgUnit, start: datetime, end: datetime
                                   ) -> list[RankRow]:
    """Towns' judgment alone: the satisfaction rate of the evaluations of the cycles each
    department led (as a percentage); no evaluation, no score."""
    rows = []
    ratios = ind.indicator_per_department(ind.satisfaction_rate, county, start, end)
    for department in departments_assessed(county, start, end):
        ratio = ratios.get(department.pk, ind.Ratio(0, 0))
        score = None if ratio.rate is None else q2(Decimal(str(ratio.rate)) * HUNDRED)
        rows.append(RankRow(subject_id=department.pk, code=department.code,
                            name=str(department), score=score,
                            details={"satisfaction": ratio, "evaluations": ratio.denominator}))
    return assign_ranks(rows)


def town_score(ratios: dict[str, ind.Ratio]) -> Decimal | None:
    counted = {code: w for code, w in TOWN_WEIGHTS.items() if ratios[code].rate is not None}
    if not counted:
        return None
    total = sum(counted.values(), Decimal(0))
    value = sum((Decimal(str(ratios[code].rate)) * w for code, w in counted.items()),
                Decimal(0))
    return q2(value / total * HUNDRED)


def towns_of(county: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(level=Level.TOWN, path__startswith=county.path,
                                  active=True).order_by("code")


def _town_rows(county: OrgUnit, start: datetime, end: datetime) -> list[RankRow]:
    """The county ranks its towns: closure, on-time closure, the share resolved locally and
    the quality of their calls (calls neither denied nor sent back)."""
    rows = []
    for town in towns_of(county):
        scope = ind.Scope(county=county, town=town)
        ratios = {"closure_rate": ind.closure_rate(scope, start, end),
                  "on_time_closure_rate": ind.on_time_closure_rate(scope, start, end),
                  "local_resolution_share": ind.local_resolution_share(scope, start, end),
                  "call_quality_rate": ind.call_quality_rate(scope, start, end)}
        rows.append(RankRow(subject_id=town.pk, code=town.code, name=town.name,
                            score=town_score(ratios), details=ratios))
    return assign_ranks(rows)


def _grid_worker_rows(county: OrgUnit, start: datetime, end: datetime,
                      town: OrgUnit | None) -> list[RankRow]:
    """Each town ranks its grid workers by the matters they reported and those resolved on
    the spot: score = reports + 2 × resolved locally. Ranks are within the town."""
    all_rows: list[RankRow] = []
    for each in ([town] if town is not None else towns_of(county)):
        workers = {m.user_id: m.user for m in Membership.objects.filter(
            role=Role.GRID_WORKER, active=True, unit__path__startswith=each.path,
        ).select_related("user")}
        counts = {row["reported_by"]: row for row in (
            Case.objects.filter(reported_by__in=list(workers), reported_at__gte=start,
                                reported_at__lt=end)
            .exclude(status__in=WITHDRAWN_CASE)
            .values("reported_by")
            .annotate(reports=Count("pk"),
                      resolved=Count("pk", filter=Q(status=CaseStatus.RESOLVED))))}
        rows = []
        for user_id, user in workers.items():
            row = counts.get(user_id, {"reports": 0, "resolved": 0})
            rows.append(RankRow(
                subject_id=user_id, code=user.username, name=str(user),
                score=Decimal(row["reports"] + GRID_RESOLVED_WEIGHT * row["resolved"]),
                details={"town": each.name, "town_id": each.pk, "reports": row["reports"],
                         "resolved": row["resolved"]}))
        all_rows.extend(assign_ranks(rows))
    return all_rows


def ranking_for_period(*, county: OrgUnit, kind: str, period_start: datetime,
                       period_end: datetime, scheme: Scheme | None = None, by: str = "score",
                       town: OrgUnit | None = None) -> list[RankRow]:
    """The ranking of `kind` for [period_start, period_end):

    - "department": by score under `scheme` (default scheme), or with by="town_evaluation"
      purely by the towns' evaluations of the cases they led (satisfaction rate, %);
    - "town": towns ranked by the county (see `_town_rows`);
    - "grid_worker": grid workers ranked within their town (one town, or every town).
    """
    if kind == "department":
        if by == "town_evaluation":
            return _department_rows_by_evaluation(county, period_start, period_end)
        if by != "score":
            raise ValidationFailed(_("Rank departments by score or by town_evaluation."),
                                   field="by")
        return _department_rows_by_score(county, scheme or scheme_default(), period_start,
                                         period_end)
    if kind == "town":
        return _town_rows(county, period_start, period_end)
    if kind == "grid_worker":
        return _grid_worker_rows(county, period_start, period_end, town)
    raise ValidationFailed(_("Unknown ranking %(kind)s: use department, town or grid_worker.")
                           % {"kind": kind}, field="kind")


def appeals_for(*, county: OrgUnit, department_ids: set[int] | None) -> QuerySet:
    """The county's appeals (None: all of them) or those of the given departments."""
    rows = Appeal.objects.filter(deduction__case__county=county)
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    from django.db.models import Case as SqlCase
    from django.db.models import IntegerField, Value, When

    pending_first = SqlCase(When(status="pending", then=Value(0)), default=Value(1),
                            output_field=IntegerField())
    return (rows.select_related("deduction__case", "department", "submitted_by", "decided_by")
            .annotate(pending_first=pending_first).order_by("pending_first", "-submitted_at"))
