"""The field's indicators (指标), computed the way the seeds report them (SPEC.md "Analysis").

Every indicator is a selector over a scope — a county, or one town, or one department of
it — and a half-open period [start, end). Each returns a `Ratio` (numerator, denominator,
rate; the rate is None when nothing was counted) so that a page can show "373/386" as well
as "96.6 %". The API, the pages, the rankings and the Excel bulletins all call these, so a
figure is computed in one place only.

Which instant puts a row into the period is stated per indicator: cases count by when they
were reported (受理时间), assignments by when they were dispatched, evaluations by when they
were made, closures by when the case closed. All counting is done by the database; only
the average handling time needs the working calendar, and reads two timestamps per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from huying.cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseLevel,
    CaseStatus,
    Evaluation,
    Rating,
)
from huying.cases.states import (
    DONE_CASE,
    FULLY_SATISFIED_RATINGS,
    SATISFIED_RATINGS,
    WITHDRAWN_CASE,
)
from huying.citizens.models import CITIZEN_SATISFIED, CitizenRating
from huying.org.models import Department, OrgUnit
from huying.supervision.models import ClockState, Metric, SlaClock
from huying.workdays.calendar import WorkCalendar
from huying.workdays.selectors import work_calendar

# Cases the platform did not take on: they are not matters to close (结案率 denominator).
NOT_ACCEPTED = (CaseStatus.REPORTED, *WITHDRAWN_CASE)
CLOSED_STATES = tuple(DONE_CASE)
SATISFIED_FOR_RATE = tuple(FULLY_SATISFIED_RATINGS)
RESOLVED_RATINGS = tuple(SATISFIED_RATINGS)


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return None if not self.denominator else self.numerator / self.denominator

    @property
    def fraction(self) -> str:
        """"373/386"."""
        return f"{self.numerator}/{self.denominator}"

    @property
    def percent(self) -> str:
        """"96.63%", or "—" when nothing was counted."""
        rate = self.rate
        if rate is None:
            return "—"
        value = (Decimal(rate) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{value}%"


@dataclass(frozen=True)
class Average:
    """An average over `count` rows; `value` is None when there were none."""

    total: float
    count: int

    @property
    def value(self) -> float | None:
        return None if not self.count else self.total / self.count

    @property
    def display(self) -> str:
        value = self.value
        return "—" if value is None else str(Decimal(value).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Scope:
    """Where to count: a county, optionally narrowed to one of its towns or departments."""

    county: OrgUnit
    town: OrgUnit | None = None
    department: Department | None = None

    def cases(self) -> QuerySet[Case]:
        cases = Case.objects.filter(county=self.county)
        if self.town is not None:
            cases = cases.filter(town=self.town)
        if self.department is not None:
            cases = cases.filter(Exists(Assignment.objects.filter(
                case=OuterRef("pk"), department=self.department)))
        return cases

    def assignments(self) -> QuerySet[Assignment]:
        assignments = Assignment.objects.filter(case__county=self.county)
        if self.town is not None:
            assignments = assignments.filter(case__town=self.town)
        if self.department is not None:
            assignments = assignments.filter(department=self.department)
        return assignments

    def evaluations(self) -> QuerySet[Evaluation]:
        """Evaluations of the scope's cases; for a department, those of the cycles it led."""
        evaluations = Evaluation.objects.filter(case__county=self.county)
        if self.town is not None:
            evaluations = evaluations.filter(case__town=self.town)
        if self.department is not None:
            evaluations = evaluations.filter(Exists(Assignment.objects.filter(
                case=OuterRef("case_id"), cycle=OuterRef("cycle"), department=self.department,
                role=AssignmentRole.LEAD)))
        return evaluations

    def citizen_ratings(self) -> QuerySet[CitizenRating]:
        """Citizens' ratings of the scope's cases; for a department, of the cycles it led."""
        ratings = CitizenRating.objects.filter(case__county=self.county)
        if self.town is not None:
            ratings = ratings.filter(case__town=self.town)
        if self.department is not None:
            ratings = ratings.filter(Exists(Assignment.objects.filter(
                case=OuterRef("case_id"), cycle=OuterRef("cycle"), department=self.department,
                role=AssignmentRole.LEAD)))
        return ratings


def _ratio(queryset: QuerySet, numerator: Q) -> Ratio:
    counts = queryset.aggregate(denominator=Count("pk"), numerator=Count("pk", filter=numerator))
    return Ratio(numerator=counts["numerator"], denominator=counts["denominator"])


def clock_met() -> Q:
    """A clock that stopped in time (the SQL form of `SlaClock.met`)."""
    return Q(state=ClockState.STOPPED, stopped_at__lte=F("due_at"))


def clock_late() -> Q:
    return Q(state=ClockState.STOPPED, stopped_at__gt=F("due_at"))


def _accepted_cases(scope: Scope, start: datetime, end: datetime) -> QuerySet[Case]:
    return scope.cases().filter(reported_at__gte=start, reported_at__lt=end).exclude(
        status__in=NOT_ACCEPTED)


def _dispatched_assignments(scope: Scope, start: datetime, end: datetime
                            ) -> QuerySet[Assignment]:
    # An approved return (退办) means the assignment was never the department's to handle.
    return scope.assignments().filter(dispatched_at__gte=start, dispatched_at__lt=end).exclude(
        status=AssignmentStatus.RETURNED)


def _has_clock(metric: str, condition: Q) -> Exists:
    return Exists(SlaClock.objects.filter(condition, assignment=OuterRef("pk"), metric=metric))


# ---------------------------------------------------------------------------------------
# the indicators


def closure_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """结案率: 期内受理事项中已结案（办结关闭或就地解决）的件数 ÷ 期内受理事项数（不含不予受理、
    合并事项）。

    Closure rate: of the cases reported in the period and accepted (not rejected, not merged
    into another), the share now closed after evaluation or resolved locally.
    """
    return _ratio(_accepted_cases(scope, start, end), Q(status__in=CLOSED_STATES))


def on_time_closure_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """按期结案率: 期内办结关闭的派单事项中，各轮次主办部门办结时限全部按期的件数 ÷ 期内办结
    关闭件数。

    On-time closure rate: of the dispatched cases closed in the period, the share where every
    lead department's completion clock (of every handling cycle) stopped by its due time.
    Clocks cancelled by an approved return do not count against the case.
    """
    late = SlaClock.objects.filter(clock_late(), case=OuterRef("pk"), metric=Metric.COMPLETE,
                                   assignment__role=AssignmentRole.LEAD)
    closed = scope.cases().filter(status=CaseStatus.CLOSED, closed_at__gte=start,
                                  closed_at__lt=end)
    return _ratio(closed, ~Q(Exists(late)))


def handling_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """处置率: 期内派出的任务中已反馈办结的件数 ÷ 期内派出任务数（经批准退回的不计）。

    Handling rate: of the assignments dispatched in the period (approved returns left out),
    the share replied.
    """
    return _ratio(_dispatched_assignments(scope, start, end),
                  Q(status=AssignmentStatus.REPLIED))


def on_time_handling_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """按期处置率: 期内派出且已反馈的任务中，在办结时限内反馈的件数 ÷ 已反馈件数。

    On-time handling rate: of the assignments dispatched in the period and replied, the share
    replied by the completion due time (after any approved extension).
    """
    replied = _dispatched_assignments(scope, start, end).filter(
        status=AssignmentStatus.REPLIED)
    return _ratio(replied, Q(_has_clock(Metric.COMPLETE, clock_met())))


def rework_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """返工率: 期内有评价的事项中，至今（期末前）至少一次被评“不满意”退回重办的件数 ÷ 期内
    有评价的事项数。

    Rework rate: of the cases evaluated in the period, the share reopened (rated unsatisfied)
    at least once before the end of the period.
    """
    evaluated = scope.evaluations().filter(evaluated_at__gte=start, evaluated_at__lt=end)
    cases = scope.cases().filter(pk__in=evaluated.values("case_id"))
    reopened = Evaluation.objects.filter(case=OuterRef("pk"), rating=Rating.UNSATISFIED,
                                         evaluated_at__lt=end)
    return _ratio(cases, Q(Exists(reopened)))


def accurate_dispatch_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """准确派遣率: 期内首次派单的事项中，没有任何经批准退回（退办）的件数 ÷ 期内派单事项数。
    按部门统计时只看派给该部门的任务是否被退回。

    Accurate dispatch rate: of the cases first dispatched in the period, the share with no
    approved return of any assignment (for a department: of its own assignments).
    """
    returned = Assignment.objects.filter(case=OuterRef("pk"), status=AssignmentStatus.RETURNED)
    if scope.department is not None:
        returned = returned.filter(department=scope.department)
    dispatched = scope.cases().filter(dispatched_at__gte=start, dispatched_at__lt=end)
    return _ratio(dispatched, ~Q(Exists(returned)))


def average_handling_days(scope: Scope, start: datetime, end: datetime,
                          calendar: WorkCalendar | None = None) -> Average:
    """平均办理时长（工作日）: 期内反馈的主办任务，从派单到反馈所用工作时间之和 ÷ 每个工作日的
    工作时长 ÷ 任务数。节假日和下班时间不计。

    Average handling time in working days: for the lead assignments replied in the period, the
    working time from dispatch to reply (working calendar: holidays, weekends and hours outside
    the working periods do not count), divided by the working seconds of one day, averaged.
    """
    calendar = calendar or work_calendar()
    rows = (scope.assignments().filter(role=AssignmentRole.LEAD, status=AssignmentStatus.REPLIED,
                                       replied_at__gte=start, replied_at__lt=end)
            .values_list("dispatched_at", "replied_at"))
    total, count = 0.0, 0
    for dispatched_at, replied_at in rows.iterator(chunk_size=2000):
        total += calendar.working_seconds_between(dispatched_at, replied_at)
        count += 1
    return Average(total=total / calendar.seconds_per_day, count=count)


def satisfaction_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """满意率: 期内评价中“非常满意”与“满意”的件数 ÷ 期内评价数。逾期未评价自动记为“满意”的
    评价也计入分子和分母（与实践中“逾期未评价视为满意”一致）。

    Satisfaction rate: (very satisfied + satisfied) ÷ evaluations made in the period. The
    automatic "satisfied" recorded when the initiator lets the evaluation window lapse counts
    in both, as the field counts it ("not evaluated in time counts as satisfied").
    """
    evaluated = scope.evaluations().filter(evaluated_at__gte=start, evaluated_at__lt=end)
    return _ratio(evaluated, Q(rating__in=SATISFIED_FOR_RATE))


def citizen_satisfaction_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """群众满意率: 期内群众对办理结果的评价中“满意”与“基本满意”的件数 ÷ 期内群众评价数。
    群众评价来自群众端（H5）在事项办结后的评价，与镇街对部门的评价（满意率）分开统计。

    Citizen satisfaction rate (Weihai's 96.06 % is this figure): (satisfied + basically
    satisfied) ÷ ratings citizens gave in the period on the H5 page once their case was
    finished. Counted apart from the town's evaluation of the department (满意率): a citizen
    who never rates counts nowhere.
    """
    rated = scope.citizen_ratings().filter(rated_at__gte=start, rated_at__lt=end)
    return _ratio(rated, Q(rating__in=tuple(CITIZEN_SATISFIED)))


def resolution_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """解决率: 期内评价中认为问题已解决（非常满意、满意、基本满意）的件数 ÷ 期内评价数。

    Resolution rate (Beijing's 解决率): evaluations in the period that accept the result
    (very satisfied, satisfied or basically satisfied) ÷ evaluations in the period.
    """
    evaluated = scope.evaluations().filter(evaluated_at__gte=start, evaluated_at__lt=end)
    return _ratio(evaluated, Q(rating__in=RESOLVED_RATINGS))


def transfer_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """流转率: 期内受理事项中，经镇街吹哨呼叫并批准上报到县级的件数 ÷ 期内受理事项数。

    Transfer rate: of the cases reported and accepted in the period, the share a town called
    up to the county and whose call was approved (level county, reached through a call).
    """
    return _ratio(_accepted_cases(scope, start, end),
                  Q(level=CaseLevel.COUNTY, called_by__isnull=False))


def response_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """响应率: 期内派出的任务中，在响应时限内响应（签收后首次处置、反馈）的件数 ÷ 期内派出
    任务数（经批准退回的不计）。

    Response rate: of the assignments dispatched in the period (approved returns left out),
    the share whose response clock stopped by its due time.
    """
    return _ratio(_dispatched_assignments(scope, start, end),
                  Q(_has_clock(Metric.RESPOND, clock_met())))


def signing_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """签收率: 期内派出的任务中已签收（或直接响应、反馈）的件数 ÷ 期内派出任务数。

    Signing rate: of the assignments dispatched in the period, the share signed for (or
    answered directly, which also stops the signing clock).
    """
    return _ratio(_dispatched_assignments(scope, start, end),
                  Q(_has_clock(Metric.SIGN, Q(state=ClockState.STOPPED))))


def on_time_signing_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """按时签收率: 期内派出的任务中，在签收时限内签收的件数 ÷ 期内派出任务数。

    On-time signing rate: of the assignments dispatched in the period, the share signed for
    by the signing due time.
    """
    return _ratio(_dispatched_assignments(scope, start, end),
                  Q(_has_clock(Metric.SIGN, clock_met())))


def local_resolution_share(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """就地解决率: 期内受理事项中由网格、社区、镇街就地解决的件数 ÷ 期内受理事项数。

    Share resolved locally: of the cases reported and accepted in the period, the share the
    grid, community or town resolved itself.
    """
    return _ratio(_accepted_cases(scope, start, end), Q(status=CaseStatus.RESOLVED))


def call_quality_rate(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """呼叫质量: 期内镇街发起的呼叫中，既未被镇街审核驳回、也未被指挥中心退回的件数 ÷ 呼叫数
    （“呼叫不是乱呼”）。

    Call quality: of the cases reported in the period that a town called up, the share whose
    call was neither denied by the town reviewer nor sent back by the command centre.
    """
    bounced = CaseEvent.objects.filter(case=OuterRef("pk"),
                                       action__in=("call_deny", "send_back"))
    calls = scope.cases().filter(reported_at__gte=start, reported_at__lt=end,
                                 called_by__isnull=False)
    return _ratio(calls, ~Q(Exists(bounced)))


def duplicate_count(scope: Scope, start: datetime, end: datetime) -> Ratio:
    """重复件数: 期内受理（上报）的事项中，作为重复件合并到其他事项的件数（分子），占期内上报
    事项数（分母）。

    Duplicates: of the cases reported in the period, the number merged into another case as
    duplicates (重复吹哨/重复交办), over the cases reported in the period.
    """
    reported = scope.cases().filter(reported_at__gte=start, reported_at__lt=end)
    return _ratio(reported, Q(status=CaseStatus.MERGED))


def duplicate_count_by_channel(scope: Scope, start: datetime, end: datetime
                               ) -> dict[str, Ratio]:
    """重复件数 per channel (the code of the channel the duplicate came through), in one
    query."""
    rows = (scope.cases().filter(reported_at__gte=start, reported_at__lt=end)
            .values("channel").order_by("channel")
            .annotate(denominator=Count("pk"),
                      numerator=Count("pk", filter=Q(status=CaseStatus.MERGED))))
    return {r["channel"]: Ratio(numerator=r["numerator"], denominator=r["denominator"])
            for r in rows}


# ---------------------------------------------------------------------------------------
# the table


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name: str  # lazy, translated when shown
    compute: object


INDICATORS: list[IndicatorDef] = [
    IndicatorDef("closure_rate", _("Closure rate"), closure_rate),
    IndicatorDef("on_time_closure_rate", _("On-time closure rate"), on_time_closure_rate),
    IndicatorDef("handling_rate", _("Handling rate"), handling_rate),
    IndicatorDef("on_time_handling_rate", _("On-time handling rate"), on_time_handling_rate),
    IndicatorDef("rework_rate", _("Rework rate"), rework_rate),
    IndicatorDef("accurate_dispatch_rate", _("Accurate dispatch rate"), accurate_dispatch_rate),
    IndicatorDef("average_handling_days", _("Average handling time (working days)"),
                 average_handling_days),
    IndicatorDef("satisfaction_rate", _("Satisfaction rate"), satisfaction_rate),
    IndicatorDef("citizen_satisfaction_rate", _("Citizen satisfaction rate"),
                 citizen_satisfaction_rate),
    IndicatorDef("resolution_rate", _("Resolution rate"), resolution_rate),
    IndicatorDef("transfer_rate", _("Transfer rate"), transfer_rate),
    IndicatorDef("response_rate", _("Response rate"), response_rate),
    IndicatorDef("signing_rate", _("Signing rate"), signing_rate),
    IndicatorDef("on_time_signing_rate", _("On-time signing rate"), on_time_signing_rate),
    IndicatorDef("duplicate_count", _("Duplicate reports"), duplicate_count),
]


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    name: str
    value: Ratio | Average

    @property
    def display(self) -> str:
        """"373/386（96.63%）" for a ratio, "2.50" (working days) for an average."""
        if isinstance(self.value, Ratio):
            return f"{self.value.fraction}（{self.value.percent}）"
        return self.value.display


def indicators_for(scope: Scope, start: datetime, end: datetime,
                   calendar: WorkCalendar | None = None) -> list[IndicatorValue]:
    """Every indicator of the table for one scope and period, in the table's order."""
    calendar = calendar or work_calendar()
    values = []
    for item in INDICATORS:
        if item.compute is average_handling_days:
            value = average_handling_days(scope, start, end, calendar)
        else:
            value = item.compute(scope, start, end)  # type: ignore[operator]
        values.append(IndicatorValue(code=item.code, name=str(item.name), value=value))
    return values
