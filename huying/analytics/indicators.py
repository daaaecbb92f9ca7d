"""The field's indicators (指标), computed the way the seeds report them (SPEC.md "Analysis").

Every indicator is a ratio (or an average) of rollup counts over a scope — a county, or one
town, or one department of it — and a period of whole days [start, end). Each returns a
`Ratio` (numerator, denominator; the rate is None when nothing was counted) so that a page
can show "373/386" as well as "96.63%". The API, the pages, the rankings, the reports and the
Excel bulletins all call these, so a figure is computed in one place only, and none of them
scans the case table: the counts come from `analytics/figures.py`.

Which instant puts a count into the period is part of each definition (the `definition`
printed beside the figure): case shares count the cases reported (受理) in the period in their
state now; department shares the assignments dispatched in the period; evaluations, ratings,
closures and replies count when they happened. Case shares are not kept per department: for
a department scope they count nothing ("—").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huying.analytics.figures import (
    Measures,
    Slice,
    breakdown,
    department_breakdown,
    department_totals,
    outcome_breakdown,
    outcome_totals,
    totals,
)
from huying.org.models import Department, OrgUnit
from huying.workdays.calendar import WorkCalendar
from huying.workdays.selectors import work_calendar


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


def _days(start: datetime, end: datetime) -> tuple[date, date]:
    """[start, end) of whole days in the platform's time zone → first and last day."""
    tz = ZoneInfo(settings.TIME_ZONE)
    first, after = start.astimezone(tz), end.astimezone(tz)
    if first.timetz().replace(tzinfo=None) != time.min \
            or after.timetz().replace(tzinfo=None) != time.min:
        raise ValueError("indicator periods are whole days (midnight to midnight)")
    return first.date(), after.date() - timedelta(days=1)


@dataclass
class Counts:
    """The three sets of rollup counts of one scope and period, each read once, when first
    needed."""

    scope: Scope
    start: datetime
    end: datetime
    calendar: WorkCalendar | None = None
    _slice: Slice | None = field(default=None, init=False)

    def slice(self) -> Slice:
        if self._slice is None:
            first, last = _days(self.start, self.end)
            self._slice = Slice(county=self.scope.county, first=first, last=last,
                                unit=self.scope.town, department=self.scope.department)
        return self._slice

    @cached_property
    def cases(self) -> Measures:
        if self.scope.department is not None:
            return {}
        return totals(self.slice())

    @cached_property
    def assignments(self) -> Measures:
        return department_totals(self.slice())

    @cached_property
    def outcomes(self) -> Measures:
        return outcome_totals(self.slice())

    def case(self, name: str) -> int:
        return self.cases.get(name, 0)

    def assignment(self, name: str) -> int:
        return self.assignments.get(name, 0)

    def outcome(self, name: str) -> int:
        return self.outcomes.get(name, 0)


Compute = Callable[[Counts], "Ratio | Average"]


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name: Promise  # lazy, translated when shown
    definition: Promise
    compute: Compute

    def __call__(self, scope: Scope, start: datetime, end: datetime) -> Ratio | Average:
        return self.compute(Counts(scope, start, end))


def _closure(c: Counts) -> Ratio:
    return Ratio(c.case("done"), c.case("accepted"))


def _on_time_closure(c: Counts) -> Ratio:
    return Ratio(c.outcome("closed_on_time"), c.outcome("closed_dispatched"))


def _handling(c: Counts) -> Ratio:
    return Ratio(c.assignment("replied"), c.assignment("dispatched"))


def _on_time_handling(c: Counts) -> Ratio:
    return Ratio(c.assignment("replied_on_time"), c.assignment("replied"))


def _rework(c: Counts) -> Ratio:
    return Ratio(c.outcome("eval_unsatisfied"), c.outcome("evaluated_by_town"))


def _accurate_dispatch(c: Counts) -> Ratio:
    if c.scope.department is not None:
        dispatched = c.assignment("dispatched_all")
        return Ratio(dispatched - c.assignment("returned"), dispatched)
    return Ratio(c.case("dispatch_accurate"), c.case("dispatched"))


def _average_handling(c: Counts) -> Average:
    calendar = c.calendar or work_calendar()
    return Average(total=c.outcome("handling_seconds") / calendar.seconds_per_day,
                   count=c.outcome("lead_replied"))


def _satisfied(c: Counts) -> int:
    return c.outcome("eval_very_satisfied") + c.outcome("eval_satisfied")


def _satisfaction(c: Counts) -> Ratio:
    return Ratio(_satisfied(c) + c.outcome("eval_lapsed"), c.outcome("evaluated"))


def _town_satisfaction(c: Counts) -> Ratio:
    return Ratio(_satisfied(c), c.outcome("evaluated_by_town"))


def _lapsed(c: Counts) -> Ratio:
    return Ratio(c.outcome("eval_lapsed"), c.outcome("evaluated"))


def _citizen_satisfaction(c: Counts) -> Ratio:
    return Ratio(c.outcome("citizen_satisfied") + c.outcome("citizen_basic"),
                 c.outcome("citizen_rated"))


def _resolution(c: Counts) -> Ratio:
    return Ratio(_satisfied(c) + c.outcome("eval_basic") + c.outcome("eval_lapsed"),
                 c.outcome("evaluated"))


def _transfer(c: Counts) -> Ratio:
    return Ratio(c.case("transferred"), c.case("accepted"))


def _response(c: Counts) -> Ratio:
    return Ratio(c.assignment("responded_on_time"), c.assignment("dispatched"))


def _signing(c: Counts) -> Ratio:
    return Ratio(c.assignment("signed"), c.assignment("dispatched"))


def _on_time_signing(c: Counts) -> Ratio:
    return Ratio(c.assignment("signed_on_time"), c.assignment("dispatched"))


def _local_resolution(c: Counts) -> Ratio:
    return Ratio(c.case("resolved"), c.case("accepted"))


def _call_quality(c: Counts) -> Ratio:
    return Ratio(c.case("called") - c.case("call_bounced"), c.case("called"))


def _duplicates(c: Counts) -> Ratio:
    return Ratio(c.case("merged"), c.case("received"))


_def = IndicatorDef
# The indicator table, in the order pages and bulletins show it.
INDICATORS: list[IndicatorDef] = [
    _def("closure_rate", _("Closure rate"), _(
        "Of the cases reported in the period and accepted (not rejected, not merged), the "
        "share now finished: closed after evaluation or resolved locally."), _closure),
    _def("on_time_closure_rate", _("On-time closure rate"), _(
        "Of the dispatched cases closed in the period, the share whose lead departments "
        "met every completion deadline, in every handling cycle."), _on_time_closure),
    _def("handling_rate", _("Handling rate"), _(
        "Of the assignments dispatched in the period (approved returns left out), the "
        "share replied."), _handling),
    _def("on_time_handling_rate", _("On-time handling rate"), _(
        "Of the assignments dispatched in the period and replied, the share replied by the "
        "completion deadline (after any approved extension)."), _on_time_handling),
    _def("rework_rate", _("Rework rate"), _(
        "Of the evaluations the initiators made in the period, the share rating the result "
        "unsatisfied, which sends the case back for rework."), _rework),
    _def("accurate_dispatch_rate", _("Accurate dispatch rate"), _(
        "Of the cases reported in the period and dispatched, the share with no approved "
        "return (for a department: of its assignments, the share it did not return)."),
      _accurate_dispatch),
    _def("average_handling_days", _("Average handling time (working days)"), _(
        "For the lead assignments replied in the period, the working time from dispatch to "
        "reply (holidays, weekends and hours outside the working day not counted), in "
        "working days, averaged."), _average_handling),
    _def("satisfaction_rate", _("Satisfaction rate"), _(
        "Evaluations in the period rated very satisfied or satisfied, plus those that lapsed "
        "and count as satisfied by the rules, over all evaluations in the period. The "
        "lapsed share is shown separately."), _satisfaction),
    _def("town_satisfaction_rate", _("Satisfaction rate (evaluations made)"), _(
        "Of the evaluations the initiators actually made in the period (lapsed ones left "
        "out), the share rated very satisfied or satisfied."), _town_satisfaction),
    _def("lapsed_evaluation_share", _("Lapsed evaluations"), _(
        "Of the evaluations in the period, the share recorded automatically as satisfied "
        "because the initiator did not evaluate in time."), _lapsed),
    _def("citizen_satisfaction_rate", _("Citizen satisfaction rate"), _(
        "Ratings citizens gave in the period on the H5 page once their case was finished: "
        "satisfied or basically satisfied, over all their ratings. Counted apart from the "
        "town's evaluation."), _citizen_satisfaction),
    _def("resolution_rate", _("Resolution rate"), _(
        "Evaluations in the period that accept the result (very satisfied, satisfied, "
        "basically satisfied, or lapsed), over all evaluations in the period."), _resolution),
    _def("transfer_rate", _("Transfer rate"), _(
        "Of the cases reported in the period and accepted, the share the grid could not "
        "close itself: escalated to the community or town, called up, or dispatched to "
        "departments."), _transfer),
    _def("response_rate", _("Response rate"), _(
        "Of the assignments dispatched in the period (approved returns left out), the share "
        "whose first response came by its deadline."), _response),
    _def("signing_rate", _("Signing rate"), _(
        "Of the assignments dispatched in the period, the share signed for (or answered "
        "directly)."), _signing),
    _def("on_time_signing_rate", _("On-time signing rate"), _(
        "Of the assignments dispatched in the period, the share signed for by the signing "
        "deadline."), _on_time_signing),
    _def("duplicate_count", _("Duplicate reports"), _(
        "Of the cases reported in the period, the number merged into another case as "
        "duplicates, over all the cases reported."), _duplicates),
]
# Shares of the towns' own work, shown in the town ranking, not in the indicator table.
LOCAL_RESOLUTION = _def("local_resolution_share", _("Share resolved locally"), _(
    "Of the cases reported in the period and accepted, the share the grid, community or town "
    "resolved itself."), _local_resolution)
CALL_QUALITY = _def("call_quality_rate", _("Call quality"), _(
    "Of the cases reported in the period that a town called up, the share whose call was "
    "neither denied by the town's reviewer nor sent back by the centre."), _call_quality)
BY_CODE = {item.code: item for item in [*INDICATORS, LOCAL_RESOLUTION, CALL_QUALITY]}

def indicator_per_department(indicator: IndicatorDef, county: OrgUnit, start: datetime,
                             end: datetime) -> dict[int, Ratio | Average]:
    """`indicator` for every department with work or outcomes in the period (department id
    → value), from two grouped reads of the rollups (and their labels) instead of reads per
    department; the same arithmetic as `indicator(Scope(county, department=…), start,
    end)`."""
    s = Counts(Scope(county=county), start, end).slice()
    work = {row.key: row.measures for row in department_breakdown(s, "department") if row.key}
    outcomes = {row.key: row.measures for row in outcome_breakdown(s, "department")
                if row.key}
    values: dict[int, Ratio | Average] = {}
    for key in work.keys() | outcomes.keys():
        counts = Counts(Scope(county=county), start, end)
        # what the cached properties would read for that department
        counts.__dict__.update(cases={}, assignments=work.get(key, {}),
                               outcomes=outcomes.get(key, {}))
        values[int(key)] = indicator.compute(counts)  # type: ignore[arg-type]
    return values


closure_rate = BY_CODE["closure_rate"]
on_time_closure_rate = BY_CODE["on_time_closure_rate"]
handling_rate = BY_CODE["handling_rate"]
on_time_handling_rate = BY_CODE["on_time_handling_rate"]
rework_rate = BY_CODE["rework_rate"]
accurate_dispatch_rate = BY_CODE["accurate_dispatch_rate"]
satisfaction_rate = BY_CODE["satisfaction_rate"]
town_satisfaction_rate = BY_CODE["town_satisfaction_rate"]
lapsed_evaluation_share = BY_CODE["lapsed_evaluation_share"]
citizen_satisfaction_rate = BY_CODE["citizen_satisfaction_rate"]
resolution_rate = BY_CODE["resolution_rate"]
transfer_rate = BY_CODE["transfer_rate"]
response_rate = BY_CODE["response_rate"]
signing_rate = BY_CODE["signing_rate"]
on_time_signing_rate = BY_CODE["on_time_signing_rate"]
duplicate_count = BY_CODE["duplicate_count"]
local_resolution_share = LOCAL_RESOLUTION
call_quality_rate = CALL_QUALITY


def average_handling_days(scope: Scope, start: datetime, end: datetime,
                          calendar: WorkCalendar | None = None) -> Average:
    return _average_handling(Counts(scope, start, end, calendar))


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    name: str
    value: Ratio | Average
    definition: str = ""

    @property
    def display(self) -> str:
        """"373/386（96.63%）" for a ratio, "2.50" (working days) for an average."""
        if isinstance(self.value, Ratio):
            return f"{self.value.fraction}（{self.value.percent}）"
        return self.value.display


def indicators_for(scope: Scope, start: datetime, end: datetime,
                   calendar: WorkCalendar | None = None) -> list[IndicatorValue]:
    """Every indicator of the table for one scope and period, in the table's order: three
    reads of the rollups (and the working hours) whatever the number of indicators."""
    counts = Counts(scope, start, end, calendar)
    return [IndicatorValue(code=item.code, name=str(item.name), value=item.compute(counts),
                           definition=str(item.definition))
            for item in INDICATORS]


def duplicate_count_by_channel(scope: Scope, start: datetime, end: datetime
                               ) -> dict[str, Ratio]:
    """重复件数 per channel (the code of the channel the duplicate came through), in one
    read."""
    rows = breakdown(Counts(scope, start, end).slice(), "channel")
    return {str(row.key): Ratio(row["merged"], row["received"]) for row in rows}
