"""What one case contributes to each rollup table: the one definition of every count.

Pure: it reads the facts of a case (its row, assignments, clocks, evaluations, citizens'
ratings) and answers `{(table, key): {measure: count}}`. The incremental refresh applies the
difference between two contributions; `huying analytics verify` sums the contributions of all
cases and compares them with the tables. Only measures that are not zero are kept.

Which instant puts a count on a day is fixed per table: the case tables count a case on the
day it was reported (a cohort in its current state), `DepartmentDay` an assignment on the day
it was dispatched, `OutcomeDay` each closure, evaluation, citizen's rating and lead reply on
the day it happened. Days are calendar days in the platform's time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import h3

from huying.cases.models import AssignmentRole, AssignmentStatus, CaseLevel, CaseStatus, Rating
from huying.cases.states import DONE_CASE, OPEN_CASE, WITHDRAWN_CASE
from huying.citizens.models import CitizenRatingChoice
from huying.supervision.models import ClockState, Metric

# Hexagonal cells of about 0.7 km² (H3 resolution 8): a few streets in a town, a village.
CELL_RESOLUTION = 8

Key = tuple[object, ...]
Entries = dict[tuple[str, Key], dict[str, int]]

NOT_ACCEPTED = frozenset({CaseStatus.REPORTED, *WITHDRAWN_CASE})
OPEN_ASSIGNMENT = frozenset({AssignmentStatus.PENDING, AssignmentStatus.SIGNED,
                             AssignmentStatus.RETURN_REQUESTED})
LOCAL_LEVEL_MEASURE = {CaseLevel.GRID: "resolved_grid", CaseLevel.COMMUNITY: "resolved_community",
                       CaseLevel.TOWN: "resolved_town"}


@dataclass(frozen=True)
class ClockFacts:
    metric: str
    state: str
    due_at: datetime
    stopped_at: datetime | None
    breached_at: datetime | None

    @property
    def stopped(self) -> bool:
        return self.state == ClockState.STOPPED

    @property
    def met(self) -> bool:
        return self.stopped and self.stopped_at is not None and self.stopped_at <= self.due_at

    @property
    def late(self) -> bool:
        return self.stopped and self.stopped_at is not None and self.stopped_at > self.due_at

    @property
    def overdue(self) -> bool:
        """Breached and still running (or paused): the work is late now."""
        return self.breached_at is not None and not self.stopped


@dataclass(frozen=True)
class AssignmentFacts:
    department_id: int
    role: str
    cycle: int
    status: str
    dispatched_at: datetime
    signed_at: datetime | None
    replied_at: datetime | None
    clocks: tuple[ClockFacts, ...] = ()

    def clock(self, metric: str) -> ClockFacts | None:
        for clock in self.clocks:
            if clock.metric == metric:
                return clock
        return None

    @property
    def is_lead(self) -> bool:
        return self.role == AssignmentRole.LEAD


@dataclass(frozen=True)
class EvaluationFacts:
    cycle: int
    rating: str
    automatic: bool
    evaluated_at: datetime


@dataclass(frozen=True)
class CitizenRatingFacts:
    cycle: int
    rating: str
    rated_at: datetime


@dataclass(frozen=True)
class CaseFacts:
    id: int
    county_id: int
    town_id: int | None
    community_id: int | None
    grid_id: int | None
    unit_id: int | None
    channel: str
    matter_type_id: int | None
    colour: str
    status: str
    level: str
    cycle: int
    called: bool
    call_bounced: bool
    sensitive: bool
    urgent: bool
    reported_at: datetime
    dispatched_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    longitude: float | None
    latitude: float | None
    assignments: tuple[AssignmentFacts, ...] = ()
    evaluations: tuple[EvaluationFacts, ...] = ()
    citizen_ratings: tuple[CitizenRatingFacts, ...] = ()


WorkingSeconds = Callable[[datetime, datetime], float]


def cell_of(longitude: float | None, latitude: float | None) -> str:
    """The H3 cell of a point, or "" when the case has no (valid) point."""
    if longitude is None or latitude is None:
        return ""
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        return ""
    return h3.latlng_to_cell(latitude, longitude, CELL_RESOLUTION)


def _day(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def _add(entries: Entries, table: str, key: Key, measures: dict[str, int]) -> None:
    bucket = entries.setdefault((table, key), {})
    for name, value in measures.items():
        if value:
            bucket[name] = bucket.get(name, 0) + int(value)
    if not bucket:
        del entries[(table, key)]


def _lead_of_cycle(case: CaseFacts, cycle: int) -> int:
    """The department answerable for a cycle: its newest lead not returned or cancelled."""
    leads = [a for a in case.assignments if a.is_lead and a.cycle == cycle
             and a.status not in (AssignmentStatus.RETURNED, AssignmentStatus.CANCELLED)]
    if not leads:
        return 0
    return max(leads, key=lambda a: a.dispatched_at).department_id


def case_measures(case: CaseFacts) -> dict[str, int]:
    """The case's own counts (the case tables' measures)."""
    status = case.status
    accepted = status not in NOT_ACCEPTED
    leads = [a for a in case.assignments if a.is_lead]
    responded = any((c := a.clock(Metric.RESPOND)) is not None and c.stopped for a in leads)
    current = [a for a in case.assignments if a.cycle == case.cycle]
    overdue = status in OPEN_CASE and any(c.overdue for a in current for c in a.clocks)
    resolved = status == CaseStatus.RESOLVED
    measures = {
        "received": 1,
        "accepted": accepted,
        "rejected": status == CaseStatus.REJECTED,
        "merged": status == CaseStatus.MERGED,
        "resolved": resolved,
        "transferred": accepted and (case.level != CaseLevel.GRID
                                     or case.dispatched_at is not None),
        "called": case.called,
        "call_approved": case.called and case.level == CaseLevel.COUNTY,
        "call_bounced": case.called and case.call_bounced,
        "dispatched": case.dispatched_at is not None,
        "dispatch_accurate": case.dispatched_at is not None and not any(
            a.status == AssignmentStatus.RETURNED for a in case.assignments),
        "signed": any(a.signed_at is not None for a in leads),
        "responded": responded or any(a.replied_at is not None for a in leads),
        "replied": case.replied_at is not None,
        "closed": status == CaseStatus.CLOSED,
        "done": status in DONE_CASE,
        "open": status in OPEN_CASE,
        "overdue": overdue,
        "sensitive": case.sensitive,
        "urgent": case.urgent,
        f"status_{status}": 1,
    }
    if resolved and case.level in LOCAL_LEVEL_MEASURE:
        measures[LOCAL_LEVEL_MEASURE[case.level]] = 1
    return {name: int(bool(value)) for name, value in measures.items()}


def assignment_measures(assignment: AssignmentFacts) -> dict[str, int]:
    sign = assignment.clock(Metric.SIGN)
    respond = assignment.clock(Metric.RESPOND)
    complete = assignment.clock(Metric.COMPLETE)
    returned = assignment.status == AssignmentStatus.RETURNED
    replied = assignment.status == AssignmentStatus.REPLIED
    is_open = assignment.status in OPEN_ASSIGNMENT
    measures = {
        "dispatched_all": True,
        "returned": returned,
        "cancelled": assignment.status == AssignmentStatus.CANCELLED,
        "dispatched": not returned,
        "signed": not returned and sign is not None and sign.stopped,
        "signed_on_time": not returned and sign is not None and sign.met,
        "responded": not returned and respond is not None and respond.stopped,
        "responded_on_time": not returned and respond is not None and respond.met,
        "replied": replied,
        "replied_on_time": replied and complete is not None and complete.met,
        "open": is_open,
        "pending": assignment.status == AssignmentStatus.PENDING,
        "overdue": is_open and any(c.overdue for c in assignment.clocks),
    }
    return {name: int(bool(value)) for name, value in measures.items()}


def _evaluation_measures(evaluation: EvaluationFacts) -> dict[str, int]:
    if evaluation.automatic:
        return {"evaluated": 1, "eval_lapsed": 1}
    column = {Rating.VERY_SATISFIED: "eval_very_satisfied", Rating.SATISFIED: "eval_satisfied",
              Rating.BASICALLY_SATISFIED: "eval_basic",
              Rating.UNSATISFIED: "eval_unsatisfied"}[evaluation.rating]
    return {"evaluated": 1, "evaluated_by_town": 1, column: 1}


def _citizen_measures(rating: CitizenRatingFacts) -> dict[str, int]:
    column = {CitizenRatingChoice.SATISFIED: "citizen_satisfied",
              CitizenRatingChoice.BASICALLY_SATISFIED: "citizen_basic",
              CitizenRatingChoice.UNSATISFIED: "citizen_unsatisfied"}[rating.rating]
    return {"citizen_rated": 1, column: 1}


def contribution(case: CaseFacts, *, tz: ZoneInfo, working_seconds: WorkingSeconds
                 ) -> Entries:
    """Every table's counts for one case."""
    entries: Entries = {}
    county, town = case.county_id, case.town_id or 0
    matter, colour = case.matter_type_id or 0, case.colour or ""
    day = _day(case.reported_at, tz)
    month = day.replace(day=1)
    measures = case_measures(case)
    place = (town, case.community_id or 0, case.grid_id or 0, case.unit_id or 0, matter)
    _add(entries, "CountyDay", (county, day, town, case.channel), measures)
    _add(entries, "FlowDay", (county, day, town, case.channel, matter, colour), measures)
    _add(entries, "FlowMonth", (county, month, town, case.channel, matter, colour), measures)
    _add(entries, "PlaceDay", (county, day, *place), measures)
    _add(entries, "PlaceMonth", (county, month, *place), measures)
    cell = cell_of(case.longitude, case.latitude)
    if cell:
        _add(entries, "CellDay", (county, day, town, matter, cell), measures)
        _add(entries, "CellMonth", (county, month, town, cell), measures)

    for assignment in case.assignments:
        _add(entries, "DepartmentDay",
             (county, _day(assignment.dispatched_at, tz), town, assignment.department_id,
              assignment.role, matter),
             assignment_measures(assignment))

    def outcome(at: datetime, department: int, counts: dict[str, int]) -> None:
        _add(entries, "OutcomeDay", (county, _day(at, tz), town, department, matter), counts)

    if case.status == CaseStatus.CLOSED and case.closed_at is not None:
        dispatched = case.dispatched_at is not None
        late = any(a.is_lead and (c := a.clock(Metric.COMPLETE)) is not None and c.late
                   for a in case.assignments)
        outcome(case.closed_at, _lead_of_cycle(case, case.cycle),
                {"closed": 1, "closed_dispatched": dispatched,
                 "closed_on_time": dispatched and not late})
    for evaluation in case.evaluations:
        outcome(evaluation.evaluated_at, _lead_of_cycle(case, evaluation.cycle),
                _evaluation_measures(evaluation))
    for rating in case.citizen_ratings:
        outcome(rating.rated_at, _lead_of_cycle(case, rating.cycle), _citizen_measures(rating))
    for assignment in case.assignments:
        if (assignment.is_lead and assignment.status == AssignmentStatus.REPLIED
                and assignment.replied_at is not None):
            seconds = working_seconds(assignment.dispatched_at, assignment.replied_at)
            outcome(assignment.replied_at, assignment.department_id,
                    {"lead_replied": 1, "handling_seconds": round(seconds)})
    return entries


def entries_sum(contributions: Iterable[Entries]) -> Entries:
    total: Entries = {}
    for entries in contributions:
        for (table, key), measures in entries.items():
            _add(total, table, key, measures)
    return total


def entries_difference(new: Entries, old: Entries) -> Entries:
    """new − old, bucket by bucket, leaving out what did not change."""
    difference: Entries = {}
    for bucket in new.keys() | old.keys():
        before, after = old.get(bucket, {}), new.get(bucket, {})
        delta = {name: after.get(name, 0) - before.get(name, 0)
                 for name in before.keys() | after.keys()}
        delta = {name: value for name, value in delta.items() if value}
        if delta:
            difference[bucket] = delta
    return difference


def entries_to_json(entries: Entries) -> list[list[object]]:
    return [[table, [k.isoformat() if isinstance(k, date) else k for k in key], measures]
            for (table, key), measures in sorted(entries.items(), key=lambda e: repr(e[0]))]


def entries_from_json(rows: list[list[object]]) -> Entries:
    entries: Entries = {}
    for table, key, measures in rows:
        values = list(key)  # type: ignore[call-overload]
        values[1] = date.fromisoformat(values[1])
        entries[(str(table), tuple(values))] = dict(measures)  # type: ignore[call-overload]
    return entries
