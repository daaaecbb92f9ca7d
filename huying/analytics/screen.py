"""The big screen (大屏) and the leader's dashboard: one selector per panel.

Every count comes from the rollups (`analytics/figures.py`), so a panel costs the same few
queries whatever the size of the county; only the hot-case list reads cases, and it reads a
bounded number (`HOT_LIMIT`) through indexed filters. Each selector's query count is fixed
(see `analytics/tests/test_screen.py`).

Panels:

* `screen_counters` — the chain received → resolved by grid, community, town → called up
  to departments → signed → responded → completed (Huangpu's "214,754 / 386 / 373"), today
  and over the period;
* `screen_trend` — the last days, one point a day;
* `screen_channels` — reports by channel (渠道) and their shares;
* `screen_places` — per town (or per child of a unit): received, finished, open, overdue;
* `screen_departments` — per department: assignments, replied on time, overdue,
  satisfaction, ranked;
* `screen_density` — reports per hexagonal cell (H3) as GeoJSON for the county map, and
  `county_base_map` the county's own town polygons (no tile server);
* `screen_hot_cases` — overdue work and open red/orange cases, without personal data;
* `screen_warnings` — the open early warnings, the most pressing first.

Case counts are the cohort of the cases reported in the period, in their state now (see
`figures.py`); department counts are the assignments dispatched in the period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from weakref import WeakKeyDictionary

import h3
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.analytics import figures
from huying.analytics.contribution import CELL_RESOLUTION
from huying.analytics.figures import Counters, Slice
from huying.analytics.indicators import Ratio
from huying.analytics.models_warnings import EarlyWarning, WarningKind, WarningState
from huying.analytics.warnings import warning_cases, warnings_live
from huying.cases.locating import locator_for
from huying.cases.models import Assignment, AssignmentRole, AssignmentStatus, Case, CaseStatus
from huying.cases.states import OPEN_CASE
from huying.catalog.models import Colour
from huying.common.errors import ValidationFailed
from huying.org.geometry import UnitLocator
from huying.org.models import Department, Level, OrgUnit
from huying.supervision.models import Metric
from huying.supervision.selectors import clocks_overdue

# ---------------------------------------------------------------------------------------
# periods

TODAY, WEEK, MONTH, YEAR = "today", "week", "month", "year"
PERIOD_LABELS = {TODAY: gettext_lazy("Today"), WEEK: gettext_lazy("This week"),
                 MONTH: gettext_lazy("This month"), YEAR: gettext_lazy("This year")}
DEFAULT_PERIOD = MONTH


@dataclass(frozen=True)
class Period:
    """Days from the start of the day, week (Monday), month or year up to today."""

    code: str
    first: date
    last: date

    @property
    def label(self) -> str:
        return str(PERIOD_LABELS[self.code])

    def slice(self, county: OrgUnit, unit: OrgUnit | None = None) -> Slice:
        return Slice(county=county, first=self.first, last=self.last, unit=unit)


def screen_period(code: str | None, today: date) -> Period:
    """The period named by `code` (default this month), ending today; 422 for others."""
    code = code or DEFAULT_PERIOD
    if code == TODAY:
        first = today
    elif code == WEEK:
        first = today - timedelta(days=today.weekday())
    elif code == MONTH:
        first = today.replace(day=1)
    elif code == YEAR:
        first = today.replace(month=1, day=1)
    else:
        raise ValidationFailed(_("Unknown period %(period)s: use today, week, month or year.")
                               % {"period": code[:20]}, field="period")
    return Period(code=code, first=first, last=today)


# ---------------------------------------------------------------------------------------
# counters


@dataclass(frozen=True)
class Counter:
    code: str
    label: str
    today: int
    period: int


def screen_counters(county: OrgUnit, period: Period, unit: OrgUnit | None = None
                    ) -> list[Counter]:
    """The chain of the big screen today and over the period, for the county or one of
    its units (two reads of the rollups, one when the period is today)."""
    today = figures.live_counters(county, period.last, period.last, unit)
    over = today if period.first == period.last else figures.live_counters(
        county, period.first, period.last, unit)
    return [Counter(code=code, label=str(label), today=getattr(today, code),
                    period=getattr(over, code)) for code, label in Counters.LABELS]


# ---------------------------------------------------------------------------------------
# trend and channels

TREND_DAYS = 30
MAX_TREND_DAYS = 366
TREND_SERIES = (
    ("received", gettext_lazy("Received")),
    ("resolved", gettext_lazy("Resolved at the grassroots")),
    ("dispatched", gettext_lazy("Dispatched to departments")),
    ("done", gettext_lazy("Finished")),
)


@dataclass(frozen=True)
class TrendPoint:
    day: date
    label: str
    values: dict[str, int]


def screen_trend(county: OrgUnit, today: date, days: int = TREND_DAYS,
                 unit: OrgUnit | None = None) -> list[TrendPoint]:
    """The last `days` days up to today, one point a day (days without reports: zeros);
    one read."""
    if not 1 <= days <= MAX_TREND_DAYS:
        raise ValidationFailed(_("Ask for 1 to %(max)d days.") % {"max": MAX_TREND_DAYS},
                               field="days")
    s = Slice(county=county, first=today - timedelta(days=days - 1), last=today, unit=unit)
    return [TrendPoint(day=p.first, label=p.label,
                       values={code: p[code] for code, _label in TREND_SERIES})
            for p in figures.trend(s, "day")]


@dataclass(frozen=True)
class Share:
    code: str
    label: str
    count: int
    share: float  # of every report of the period (0–1)


def screen_channels(county: OrgUnit, period: Period, unit: OrgUnit | None = None
                    ) -> list[Share]:
    """Reports of the period by channel, most first (one read; labels from the channel
    registry's cache)."""
    rows = [row for row in figures.breakdown(period.slice(county, unit), "channel",
                                             ("received",)) if row["received"]]
    total = sum(row["received"] for row in rows)
    return [Share(code=str(row.key), label=row.label, count=row["received"],
                  share=row["received"] / total if total else 0.0) for row in rows]


# ---------------------------------------------------------------------------------------
# places (towns, or the children of a unit)


@dataclass(frozen=True)
class PlaceRow:
    id: int | None        # None: the cases not located that far
    code: str
    name: str
    level: str
    received: int
    done: int             # closed after evaluation, or resolved locally
    open: int
    overdue: int

    @property
    def done_rate(self) -> Ratio:
        return Ratio(self.done, self.received)


PLACE_MEASURES = ("received", "done", "open", "overdue")


def _children(county: OrgUnit, unit: OrgUnit | None) -> list[OrgUnit]:
    if unit is None:
        rows = OrgUnit.objects.filter(parent=county, level=Level.TOWN, active=True)
    else:
        rows = OrgUnit.objects.filter(parent=unit, active=True)
    return list(rows.only("pk", "code", "name", "level").order_by("code"))


def screen_places(county: OrgUnit, period: Period, unit: OrgUnit | None = None
                  ) -> list[PlaceRow]:
    """Per town of the county (or per child unit of `unit`), every one of them even without
    a report, most received first; cases not located that far in one row at the end.
    Three reads."""
    found = {row.key: row for row in figures.breakdown(period.slice(county, unit), "child",
                                                       PLACE_MEASURES)}
    rows = []
    for child in _children(county, unit):
        row = found.pop(child.pk, None)
        rows.append(PlaceRow(id=child.pk, code=child.code, name=child.name, level=child.level,
                             received=row["received"] if row else 0,
                             done=row["done"] if row else 0, open=row["open"] if row else 0,
                             overdue=row["overdue"] if row else 0))
    rows.sort(key=lambda r: (-r.received, r.code))
    rest = [row for row in found.values() if row["received"]]
    if rest:  # not located below the unit, or in a unit no longer active
        rows.append(PlaceRow(id=None, code="", name=str(figures.NONE_LABELS["child"]),
                             level="", received=sum(r["received"] for r in rest),
                             done=sum(r["done"] for r in rest),
                             open=sum(r["open"] for r in rest),
                             overdue=sum(r["overdue"] for r in rest)))
    return rows


# ---------------------------------------------------------------------------------------
# departments


@dataclass(frozen=True)
class DepartmentRow:
    rank: int
    id: int
    code: str
    name: str
    assignments: int      # dispatched in the period, approved returns left out
    signed: int
    replied: int
    replied_on_time: int
    open: int
    overdue: int
    evaluated: int        # evaluations of its cases in the period
    satisfied: int        # very satisfied, satisfied, or lapsed (counted as satisfied)

    @property
    def on_time(self) -> Ratio:
        """按期办理率: replied by the completion deadline, over replied."""
        return Ratio(self.replied_on_time, self.replied)

    @property
    def satisfaction(self) -> Ratio:
        return Ratio(self.satisfied, self.evaluated)


def _ranked(rows: list[DepartmentRow]) -> list[DepartmentRow]:
    """Best first: the on-time share (departments that replied nothing last), then fewer
    overdue, then more work."""
    def key(row: DepartmentRow) -> tuple:
        rate = row.on_time.rate
        return (rate is None, -(rate or 0.0), row.overdue, -row.assignments, row.code)

    ordered = sorted(rows, key=key)
    return [replace(row, rank=index) for index, row in enumerate(ordered, start=1)]


def screen_departments(county: OrgUnit, period: Period, unit: OrgUnit | None = None,
                       limit: int | None = None) -> list[DepartmentRow]:
    """Departments with assignments dispatched (and not returned) or evaluations made in
    the period, ranked (see `_ranked`); five reads. `unit` may be a town (the department
    figures are kept per town, not deeper)."""
    s = period.slice(county, unit)
    work = {row.key: row for row in figures.department_breakdown(s, "department") if row.key}
    outcomes = {row.key: row for row in figures.outcome_breakdown(s, "department") if row.key}
    keys = [key for key in work.keys() | outcomes.keys()
            if (key in work and work[key]["dispatched"])
            or (key in outcomes and outcomes[key]["evaluated"])]
    departments = {pk: (code, short or name) for pk, code, name, short in
                   Department.objects.filter(pk__in=keys).values_list(
                       "pk", "code", "name", "short_name")}
    rows = []
    for key in keys:
        if key not in departments:
            continue
        w, o = work.get(key), outcomes.get(key)
        code, name = departments[key]
        rows.append(DepartmentRow(
            rank=0, id=key, code=code, name=name,  # type: ignore[arg-type]
            assignments=w["dispatched"] if w else 0, signed=w["signed"] if w else 0,
            replied=w["replied"] if w else 0,
            replied_on_time=w["replied_on_time"] if w else 0,
            open=w["open"] if w else 0, overdue=w["overdue"] if w else 0,
            evaluated=o["evaluated"] if o else 0,
            satisfied=(o["eval_very_satisfied"] + o["eval_satisfied"] + o["eval_lapsed"])
            if o else 0))
    ranked = _ranked(rows)
    return ranked if limit is None else ranked[:limit]


# ---------------------------------------------------------------------------------------
# the county map: the base polygons and the density of reports per cell

MAX_CELLS = 3000
DENSITY_MEASURES = ("received", "open", "overdue")


def _ring(boundary: tuple[tuple[float, float], ...]) -> list[list[float]]:
    """h3's (lat, lng) corners as a closed GeoJSON ring of [lng, lat]."""
    ring = [[round(lng, 6), round(lat, 6)] for lat, lng in boundary]
    return [*ring, ring[0]]


def _level(count: int, top: int) -> int:
    """A colour step 1–5 of a cell, relative to the busiest cell; on a square-root scale,
    because a few busy cells would otherwise leave every other one in the lowest step."""
    if top <= 0:
        return 0
    return min(5, 1 + int(4 * math.sqrt(count / top))) if count < top else 5


# The map shows cells coarser than the rollups' when the county is large: about this many
# cells across its diagonal, so that a hexagon stays visible on the wall.
CELLS_ACROSS = 30
DISPLAY_RESOLUTIONS = (CELL_RESOLUTION, 7, 6, 5)


def _bbox(geometry: dict | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a GeoJSON Polygon or MultiPolygon."""
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                else [geometry["coordinates"]])
    points = [point for polygon in polygons for ring in polygon for point in ring]
    if not points:
        return None
    lngs, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lngs), min(lats), max(lngs), max(lats)


def display_resolution(county: OrgUnit) -> int:
    """The H3 resolution the map shows for `county`: the one whose cells' edge is nearest
    to its diagonal / `CELLS_ACROSS` (the rollups' own resolution for a small county or one
    without an outline)."""
    box = _bbox(county.geometry)
    if box is None:
        return CELL_RESOLUTION
    west, south, east, north = box
    diagonal = h3.great_circle_distance((south, west), (north, east), unit="km")
    target = diagonal / CELLS_ACROSS
    return min(DISPLAY_RESOLUTIONS, key=lambda res: abs(
        math.log(h3.average_hexagon_edge_length(res, unit="km") / target)) if target else 0)


# The name of the place at each cell's centre, kept with the county's locator: a few hundred
# point lookups a poll otherwise, and a boundary edit renews the locator and so the names.
_cell_places: WeakKeyDictionary[UnitLocator, dict[str, str]] = WeakKeyDictionary()


def _place_at(county: OrgUnit, cell: str) -> str:
    locator = locator_for(county)
    names = _cell_places.setdefault(locator, {})
    if cell not in names:
        lat, lng = h3.cell_to_latlng(cell)
        place = locator.locate(lng, lat)
        names[cell] = place.name if place is not None else ""
    return names[cell]


def screen_density(county: OrgUnit, period: Period, unit: OrgUnit | None = None,
                   resolution: int | None = None) -> dict:
    """The reports of the period per hexagonal cell, as a GeoJSON FeatureCollection of
    hexagons with `count`, `open`, `overdue`, `level` (1–5) and the name of the place at
    the cell's centre: one read, the outlines computed here (the page draws them offline).
    The rollups keep H3 resolution 8 (about 0.7 km²); a large county is shown in coarser
    cells (`display_resolution`), each the sum of the cells inside it. At most `MAX_CELLS`
    cells, the busiest."""
    resolution = display_resolution(county) if resolution is None else resolution
    summed: dict[str, dict[str, int]] = {}
    for row in figures.breakdown(period.slice(county, unit), "cell", DENSITY_MEASURES):
        if not row.key or not row["received"]:
            continue
        cell = str(row.key)
        if h3.get_resolution(cell) > resolution:
            cell = h3.cell_to_parent(cell, resolution)
        into = summed.setdefault(cell, {"count": 0, "open": 0, "overdue": 0})
        into["count"] += row["received"]
        into["open"] += row["open"]
        into["overdue"] += row["overdue"]
    cells = sorted(summed.items(), key=lambda item: (-item[1]["count"], item[0]))[:MAX_CELLS]
    top = cells[0][1]["count"] if cells else 0
    features = []
    for cell, counts in cells:
        features.append({
            "type": "Feature", "id": cell,
            "geometry": {"type": "Polygon", "coordinates": [_ring(h3.cell_to_boundary(cell))]},
            "properties": {"cell": cell, **counts, "level": _level(counts["count"], top),
                           "place": _place_at(county, cell)},
        })
    return {"type": "FeatureCollection", "features": features, "max": top,
            "total": sum(counts["count"] for _cell, counts in cells),
            "resolution": resolution}


def county_base_map(county: OrgUnit) -> dict:
    """The county's outline and its towns' polygons (from `OrgUnit.geometry`) as GeoJSON:
    the map's base layer, drawn without any tile server. One read."""
    units = (OrgUnit.objects.filter(Q(pk=county.pk) | Q(parent=county, level=Level.TOWN),
                                    active=True)
             .only("pk", "code", "name", "level", "geometry").order_by("code"))
    features = [{"type": "Feature", "id": unit.code, "geometry": unit.geometry,
                 "properties": {"code": unit.code, "name": unit.name, "level": unit.level}}
                for unit in units if unit.geometry]
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------------------------------
# hot cases: overdue work and open red or orange cases

HOT_LIMIT = 20
HOT_COLOURS = (Colour.RED, Colour.ORANGE)
COLOUR_ORDER = {colour: index for index, colour in enumerate(Colour.values)}


@dataclass(frozen=True)
class HotCase:
    """One case of the list: what, where, who handles it and how late — no reporter, no
    text the reporter typed (case numbers, matter types, places and departments only)."""

    number: str
    matter: str
    town: str
    place: str
    colour: str
    status: str
    department: str
    reported_at: datetime
    overdue_metric: str = ""           # the limit missed, e.g. 办结时限
    overdue_since: datetime | None = None

    @property
    def colour_label(self) -> str:
        return str(Colour(self.colour).label) if self.colour in Colour.values else ""

    @property
    def status_label(self) -> str:
        return str(CaseStatus(self.status).label)

    def overdue_days(self, now: datetime) -> float | None:
        if self.overdue_since is None:
            return None
        return round((now - self.overdue_since).total_seconds() / 86400, 1)


@dataclass(frozen=True)
class HotCases:
    overdue: int                       # cases with work overdue now
    red_orange: int                    # open red or orange cases
    items: list[HotCase] = field(default_factory=list)


def _colour_of(case: Case) -> str:
    if case.colour:
        return case.colour
    return case.matter_type.colour if case.matter_type_id else Colour.GREEN


def _hot(case: Case, department: str, metric: str = "", since: datetime | None = None
         ) -> HotCase:
    matter = f"{case.matter_type.code} {case.matter_type.name}" if case.matter_type_id else ""
    return HotCase(number=case.number, matter=matter,
                   town=case.town.name if case.town_id else "",
                   place=case.grid.name if case.grid_id else "",
                   colour=_colour_of(case), status=case.status, department=department,
                   reported_at=case.reported_at, overdue_metric=metric, overdue_since=since)


def screen_hot_cases(county: OrgUnit, now: datetime, limit: int = HOT_LIMIT) -> HotCases:
    """The longest overdue cases first (one row per case: its longest overdue clock), then
    the open red and orange cases, red first and oldest first; at most `limit`. Five reads,
    each bounded."""
    if not 1 <= limit <= HOT_LIMIT:
        raise ValidationFailed(_("Ask for 1 to %(max)d cases.") % {"max": HOT_LIMIT},
                               field="limit")
    clocks = (clocks_overdue(county_id=county.pk, now=now).select_related("case__grid")
              .defer("case__grid__geometry"))
    overdue_total = clocks.values("case_id").distinct().count()
    items: list[HotCase] = []
    seen: set[int] = set()
    for clock in clocks[:limit * len(Metric.values)]:
        if clock.case_id in seen:
            continue
        seen.add(clock.case_id)
        department = clock.department.short_name or clock.department.name
        items.append(_hot(clock.case, department, str(Metric(clock.metric).label),
                          clock.due_at))
        if len(items) >= limit:
            break
    hot = (Case.objects.filter(county=county, status__in=OPEN_CASE)
           .filter(Q(colour__in=HOT_COLOURS) | Q(colour="", matter_type__colour__in=HOT_COLOURS)))
    red_orange = hot.count()
    if len(items) < limit:
        rest = [case for case in hot.exclude(pk__in=seen)
                .select_related("matter_type", "town", "grid")
                .defer("town__geometry", "grid__geometry")
                .order_by("reported_at", "pk")[:limit]]
        # the lead answerable now: the newest not returned or cancelled (later rows win)
        leads = {case_id: short or name for case_id, short, name in Assignment.objects.filter(
            case_id__in=[c.pk for c in rest], role=AssignmentRole.LEAD)
            .exclude(status__in=[AssignmentStatus.RETURNED, AssignmentStatus.CANCELLED])
            .order_by("dispatched_at", "pk").values_list("case_id", "department__short_name",
                                                         "department__name")}
        rest.sort(key=lambda c: (COLOUR_ORDER.get(_colour_of(c), 9), c.reported_at, c.pk))
        items += [_hot(case, leads.get(case.pk, "")) for case in rest[:limit - len(items)]]
    return HotCases(overdue=overdue_total, red_orange=red_orange, items=items)


# ---------------------------------------------------------------------------------------
# early warnings

WARNINGS_SHOWN = 8
CASES_PER_WARNING = 5


@dataclass(frozen=True)
class WarningItem:
    id: int
    kind: str
    kind_label: str
    title: str
    explanation: str
    above: str            # how far above normal, in a few words
    since: date | None
    first_seen: datetime
    acknowledged: bool
    cases: list[str]      # case numbers, newest first
    cases_total: int


def warning_above(warning: EarlyWarning) -> str:
    """How far above normal: "3.5 times the usual (robust z-score 4.2)", or the count of a
    cluster."""
    f = warning.figures or {}
    if warning.kind in (WarningKind.SURGE_UNIT, WarningKind.SURGE_CELL,
                        WarningKind.SURGE_MATTER):
        z = f"{warning.z:.1f}" if warning.z is not None else "—"
        if f.get("ratio") is not None:
            return _("%(ratio)s times the usual (robust z-score %(z)s)") % {
                "ratio": f"{f['ratio']:.1f}", "z": z}
        return _("%(current)d reports where there are usually none (robust z-score %(z)s)") % {
            "current": warning.current, "z": z}
    days = f.get("days")
    if days:
        return _("%(count)d reports in %(days)d days") % {"count": warning.current,
                                                           "days": days}
    return _("%(count)d reports") % {"count": warning.current}


def screen_warnings(county: OrgUnit, limit: int = WARNINGS_SHOWN) -> list[WarningItem]:
    """The open and acknowledged warnings, the most pressing first, each with its first
    case numbers: two reads."""
    if not 1 <= limit <= 50:
        raise ValidationFailed(_("Ask for 1 to %(max)d warnings.") % {"max": 50},
                               field="limit")
    warnings = warnings_live(county, limit=limit)
    cases = warning_cases(warnings)
    return [WarningItem(
        id=w.pk, kind=w.kind, kind_label=str(WarningKind(w.kind).label), title=str(w.title),
        explanation=str(w.explanation), above=warning_above(w), since=w.since,
        first_seen=w.first_seen, acknowledged=w.state == WarningState.ACKNOWLEDGED,
        cases=[c.number for c in cases.get(w.pk, [])[:CASES_PER_WARNING]],
        cases_total=len(cases.get(w.pk, []))) for w in warnings]

