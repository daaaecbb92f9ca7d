"""The figures of the situation view, read from the rollup tables only.

A `Slice` says which days and which part of the county; the selectors answer totals,
breakdowns by one dimension, trends and per-key daily series. Which table answers is chosen
here (`_plan`): the smallest table that has every column the slice filters on and the
breakdown groups by, and for whole months inside the period the month table of the same
shape, so that a year costs twelve rows per key instead of 365.

The case measures count the cohort of cases reported in the period, in their current state;
the department measures count assignments by the day they were dispatched; the outcome
measures count what happened in the period (closures, evaluations, ratings, replies). See
`analytics/contribution.py` for each definition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.analytics import models as tables
from huying.analytics.models import ASSIGNMENT_MEASURES, CASE_MEASURES, OUTCOME_MEASURES
from huying.cases.models import channel_label
from huying.catalog.models import Colour, Domain, MatterType
from huying.common.errors import ValidationFailed
from huying.org.models import Department, Level, OrgUnit

Measures = dict[str, int]

# Largest period a request may ask for (ten years): bounds the work of one read.
MAX_DAYS = 3660


@dataclass(frozen=True)
class Slice:
    """Which days (inclusive) and which part of one county."""

    county: OrgUnit
    first: date
    last: date
    unit: OrgUnit | None = None
    department: Department | None = None
    channel: str | None = None
    matter_type: MatterType | None = None
    domain: Domain | None = None
    colour: str | None = None

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationFailed(_("The period ends before it starts."), field="to")
        if (self.last - self.first).days >= MAX_DAYS:
            raise ValidationFailed(_("Ask for at most ten years at a time."), field="from")
        if self.unit is not None and self.unit.level == Level.COUNTY:
            object.__setattr__(self, "unit", None)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    measures: Measures

    def __getitem__(self, name: str) -> int:
        return self.measures.get(name, 0)


@dataclass(frozen=True)
class Point:
    first: date
    label: str
    measures: Measures

    def __getitem__(self, name: str) -> int:
        return self.measures.get(name, 0)


# ---------------------------------------------------------------------------------------
# which table answers


@dataclass(frozen=True)
class _Shape:
    day: type[models.Model]
    month: type[models.Model] | None
    columns: frozenset[str]
    # the columns of the month table when it keeps fewer than the day table: a slice that
    # needs another one reads the day table for every day
    month_columns: frozenset[str] | None = None

    def month_for(self, needed: set[str]) -> type[models.Model] | None:
        if self.month_columns is not None and not needed <= self.month_columns:
            return None
        return self.month


_CASE_SHAPES = (
    _Shape(tables.CountyDay, None, frozenset({"town_id", "channel"})),
    _Shape(tables.FlowDay, tables.FlowMonth,
           frozenset({"town_id", "channel", "matter_type_id", "colour"})),
    _Shape(tables.PlaceDay, tables.PlaceMonth,
           frozenset({"town_id", "community_id", "grid_id", "unit_id", "matter_type_id"})),
    _Shape(tables.CellDay, tables.CellMonth, frozenset({"town_id", "matter_type_id", "cell"}),
           frozenset({"town_id", "cell"})),
)
_DEPARTMENT_SHAPE = _Shape(tables.DepartmentDay, None,
                           frozenset({"town_id", "department_id", "role", "matter_type_id"}))
_OUTCOME_SHAPE = _Shape(tables.OutcomeDay, None,
                        frozenset({"town_id", "department_id", "matter_type_id"}))

UNIT_COLUMN = {Level.TOWN: "town_id", Level.COMMUNITY: "community_id", Level.GRID: "grid_id"}
CHILD_COLUMN = {None: "town_id", Level.TOWN: "community_id", Level.COMMUNITY: "grid_id",
                Level.GRID: "unit_id"}
GROUPS = ("town", "child", "grid", "unit", "channel", "matter_type", "domain", "colour",
          "cell", "department", "role")


def _filters(s: Slice) -> dict[str, object]:
    """The slice as column filters (beyond county and days)."""
    filters: dict[str, object] = {}
    if s.unit is not None:
        column = UNIT_COLUMN.get(s.unit.level)
        if column is None:  # a unit or cell grid: the case's deepest unit
            filters["unit_id"] = s.unit.pk
        else:
            filters[column] = s.unit.pk
    if s.department is not None:
        filters["department_id"] = s.department.pk
    if s.channel is not None:
        filters["channel"] = s.channel
    if s.matter_type is not None:
        # every catalogue version's row of the same matter (cases keep the version they
        # were classified under)
        filters["matter_type_id__in"] = list(
            MatterType.objects.filter(code=s.matter_type.code).values_list("pk", flat=True))
    if s.domain is not None:
        filters["matter_type_id__in"] = list(
            MatterType.objects.filter(domain=s.domain).values_list("pk", flat=True))
    if s.colour is not None:
        filters["colour"] = s.colour
    return filters


def _column(name: str) -> str:
    return name.split("__", 1)[0]


def _group_column(s: Slice, by: str | None) -> str | None:
    if by is None:
        return None
    if by not in GROUPS:
        raise ValidationFailed(_("Unknown breakdown %(by)s.") % {"by": by}, field="by")
    if by == "child":
        return CHILD_COLUMN[s.unit.level if s.unit is not None else None]
    if by == "domain":
        return "matter_type_id"
    return {"town": "town_id", "grid": "grid_id", "unit": "unit_id",
            "matter_type": "matter_type_id", "department": "department_id"}.get(by, by)


def _shape_for(shapes: Iterable[_Shape], needed: set[str]) -> _Shape:
    for shape in shapes:
        if needed <= shape.columns:
            return shape
    raise ValidationFailed(_("These figures are not kept for that combination of filters: "
                             "narrow by fewer dimensions at once."), field="by")


DayRange = tuple[date, date]


def _month_split(first: date, last: date) -> tuple[DayRange | None, list[DayRange]]:
    """The whole months inside [first, last] (as first days of months, inclusive) and the
    leftover day ranges before and after them."""
    start = first if first.day == 1 else (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    after_last = last + timedelta(days=1)
    end = after_last.replace(day=1)  # the first day of the month `after_last` falls in
    if start >= end:
        return None, [(first, last)]
    leftovers = []
    if first < start:
        leftovers.append((first, start - timedelta(days=1)))
    if end <= last:
        leftovers.append((end, last))
    return (start, (end - timedelta(days=1)).replace(day=1)), leftovers


def _sum(model: type[models.Model], measures: tuple[str, ...], county: OrgUnit,
         first: date, last: date, filters: dict[str, object],
         group: str | None) -> list[dict[str, object]]:
    rows = model.objects.filter(county_id=county.pk, day__gte=first, day__lte=last, **filters)
    aggregates = {name: Sum(name) for name in measures}
    if group is None:
        return [rows.aggregate(**aggregates)]
    return list(rows.values(group).order_by().annotate(**aggregates))


def _read(s: Slice, shapes: Iterable[_Shape], measures: tuple[str, ...], group: str | None,
          by_day: bool = False) -> dict[object, Measures]:
    filters = _filters(s)
    needed = {_column(name) for name in filters}
    if group is not None and group != "day":
        needed.add(group)
    shape = _shape_for(shapes, needed)
    ranges: list[tuple[type[models.Model], date, date]] = []
    months, leftovers = (None, [(s.first, s.last)])
    month = shape.month_for(needed)
    if month is not None and not by_day:
        months, leftovers = _month_split(s.first, s.last)
    if months is not None:
        ranges.append((month, *months))  # type: ignore[arg-type]
    ranges.extend((shape.day, first, last) for first, last in leftovers)
    totals: dict[object, Measures] = defaultdict(dict)
    for model, first, last in ranges:
        for row in _sum(model, measures, s.county, first, last, filters, group):
            key = row.pop(group) if group is not None else None
            into = totals[key]
            for name, value in row.items():
                if value:
                    into[name] = into.get(name, 0) + int(value)
    return dict(totals)


def _complete(measures: Mapping[str, int], names: tuple[str, ...]) -> Measures:
    return {name: int(measures.get(name, 0)) for name in names}


# ---------------------------------------------------------------------------------------
# the selectors


def totals(s: Slice) -> Measures:
    """The case measures of the slice (every measure present, zeros included)."""
    if s.department is not None:
        raise ValidationFailed(_("Case figures are not kept per department: use the "
                                 "department figures."), field="department")
    found = _read(s, _CASE_SHAPES, CASE_MEASURES, None)
    return _complete(found.get(None, {}), CASE_MEASURES)


def department_totals(s: Slice) -> Measures:
    """The assignment measures (dispatched, signed, on time, replied, overdue …)."""
    found = _read(s, (_DEPARTMENT_SHAPE,), ASSIGNMENT_MEASURES, None)
    return _complete(found.get(None, {}), ASSIGNMENT_MEASURES)


def outcome_totals(s: Slice) -> Measures:
    """The outcome measures (closures, evaluations, citizens' ratings, lead replies)."""
    found = _read(s, (_OUTCOME_SHAPE,), OUTCOME_MEASURES, None)
    return _complete(found.get(None, {}), OUTCOME_MEASURES)


def _labels(by: str, keys: Iterable[object]) -> dict[object, str]:
    keys = [k for k in keys if k not in (0, "", None)]
    if by in ("town", "child", "grid", "unit"):
        return dict(OrgUnit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "matter_type":
        return {pk: f"{code} {name}" for pk, code, name in
                MatterType.objects.filter(pk__in=keys).values_list("pk", "code", "name")}
    if by == "domain":
        return dict(Domain.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "department":
        return {pk: short or name for pk, name, short in
                Department.objects.filter(pk__in=keys).values_list("pk", "name", "short_name")}
    if by == "channel":
        return {key: channel_label(str(key)) for key in keys}
    if by == "colour":
        return {key: str(Colour(key).label) for key in keys if key in Colour.values}
    return {key: str(key) for key in keys}


NONE_LABELS = {
    "town": gettext_lazy("(town not known)"), "child": gettext_lazy("(not located further)"),
    "grid": gettext_lazy("(grid not known)"), "unit": gettext_lazy("(not located)"),
    "matter_type": gettext_lazy("(not classified)"),
    "domain": gettext_lazy("(not classified)"), "colour": gettext_lazy("(no colour)"),
    "department": gettext_lazy("(no department)"), "cell": gettext_lazy("(no point)"),
}


def _merged(found: dict[object, Measures], key_of: Mapping[object, object]
            ) -> dict[object, Measures]:
    merged: dict[object, Measures] = defaultdict(dict)
    for key, measures in found.items():
        into = merged[key_of.get(key, 0)]
        for name, value in measures.items():
            into[name] = into.get(name, 0) + value
    return dict(merged)


def _rows(by: str, found: dict[object, Measures], names: tuple[str, ...],
          order: str) -> list[Row]:
    if by in ("domain", "matter_type"):
        # a matter is one row whatever the catalogue version; keyed by its first row's id
        matters = list(MatterType.objects.filter(pk__in=[k for k in found if k])
                       .values_list("pk", "code", "domain_id"))
        if by == "domain":
            found = _merged(found, {pk: domain for pk, _code, domain in matters})
        else:
            first = {}
            for pk, code, _domain in sorted(matters):
                first.setdefault(code, pk)
            found = _merged(found, {pk: first[code] for pk, code, _domain in matters})
    labels = _labels(by, found)
    rows = [Row(key=key, label=labels.get(key) or str(NONE_LABELS.get(by, _("(none)"))),
                measures=_complete(measures, names))
            for key, measures in found.items()]
    rows.sort(key=lambda row: (-row[order], row.label))
    return rows


def breakdown(s: Slice, by: str, measures: tuple[str, ...] = CASE_MEASURES) -> list[Row]:
    """The case measures per value of one dimension, most received first; `measures`
    (with "received") narrows what is summed — a panel of three figures over a thousand
    cells reads three columns, not forty."""
    if by == "department":
        return department_breakdown(s, by)
    unknown = [name for name in measures if name not in CASE_MEASURES]
    if unknown or "received" not in measures:
        raise ValueError(f"not case measures, or without 'received': {measures}")
    group = _group_column(s, by)
    found = _read(s, _CASE_SHAPES, measures, group)
    return _rows(by, found, measures, "received")


def department_breakdown(s: Slice, by: str = "department") -> list[Row]:
    """The assignment measures per department (or town, matter type …), most dispatched
    first."""
    group = _group_column(s, by)
    found = _read(s, (_DEPARTMENT_SHAPE,), ASSIGNMENT_MEASURES, group)
    return _rows(by, found, ASSIGNMENT_MEASURES, "dispatched")


def outcome_breakdown(s: Slice, by: str = "department") -> list[Row]:
    group = _group_column(s, by)
    found = _read(s, (_OUTCOME_SHAPE,), OUTCOME_MEASURES, group)
    return _rows(by, found, OUTCOME_MEASURES, "evaluated")


def _period_of(day: date, grain: str) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    raise ValidationFailed(_("Unknown grain %(grain)s: use day, week or month.")
                           % {"grain": grain}, field="grain")


def _period_label(first: date, grain: str) -> str:
    if grain == "month":
        return _("%(year)d-%(month)02d") % {"year": first.year, "month": first.month}
    return f"{first.month:02d}-{first.day:02d}"


def trend(s: Slice, grain: str = "day") -> list[Point]:
    """The case measures per day, week (Monday first) or month of the slice; every period
    present, empty ones with zeros."""
    _period_of(s.first, grain)  # validates the grain
    found = _read(s, _CASE_SHAPES, CASE_MEASURES, "day", by_day=grain != "month")
    periods: dict[date, Measures] = {}
    day = s.first
    while day <= s.last:
        periods.setdefault(_period_of(day, grain), {})
        day += timedelta(days=1)
    for day, measures in found.items():
        into = periods.setdefault(_period_of(day, grain), {})  # type: ignore[arg-type]
        for name, value in measures.items():
            into[name] = into.get(name, 0) + value
    return [Point(first=first, label=_period_label(first, grain),
                  measures=_complete(measures, CASE_MEASURES))
            for first, measures in sorted(periods.items())]


def daily_series(s: Slice, by: str, measure: str = "received") -> dict[object, dict[date, int]]:
    """Per key of `by`, the count of `measure` on each day that has one (days without are
    left out: zero). For surge detection."""
    if measure not in CASE_MEASURES:
        raise ValidationFailed(_("Unknown measure %(m)s.") % {"m": measure}, field="measure")
    group = _group_column(s, by)
    filters = _filters(s)
    needed = {_column(name) for name in filters} | {group}
    shape = _shape_for(_CASE_SHAPES, needed)  # type: ignore[arg-type]
    rows = (shape.day.objects.filter(county_id=s.county.pk, day__gte=s.first,
                                     day__lte=s.last, **filters)
            .values(group, "day").order_by().annotate(n=Sum(measure)))
    series: dict[object, dict[date, int]] = defaultdict(dict)
    for row in rows:
        if row["n"]:
            series[row[group]][row["day"]] = int(row["n"])
    return dict(series)


@dataclass(frozen=True)
class Counters:
    """The big screen's chain (Huangpu's "214,754 / 386 / 373")."""

    received: int
    handled_grid: int
    handled_community: int
    handled_town: int
    called_up: int
    signed: int
    responded: int
    completed: int

    LABELS = (
        ("received", gettext_lazy("Received")),
        ("handled_grid", gettext_lazy("Resolved by the grid")),
        ("handled_community", gettext_lazy("Resolved by the community")),
        ("handled_town", gettext_lazy("Resolved by the town")),
        ("called_up", gettext_lazy("Called up to departments")),
        ("signed", gettext_lazy("Signed for")),
        ("responded", gettext_lazy("Responded")),
        ("completed", gettext_lazy("Completed")),
    )


def live_counters(county: OrgUnit, first: date, last: date,
                  unit: OrgUnit | None = None) -> Counters:
    """The chain of the county (or of one of its units) for the cases reported in
    [first, last]."""
    t = totals(Slice(county=county, first=first, last=last, unit=unit))
    return Counters(received=t["received"], handled_grid=t["resolved_grid"],
                    handled_community=t["resolved_community"],
                    handled_town=t["resolved_town"], called_up=t["dispatched"],
                    signed=t["signed"], responded=t["responded"], completed=t["closed"])
