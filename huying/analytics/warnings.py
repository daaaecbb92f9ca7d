"""Early warning (预警): surges, repeated reports and stability-sensitive clusters.

`warnings_scan(county=…, now=…)` runs hourly (`analytics/tasks.py`, `huying analytics
warnings`). What it counts comes from the rollups (`figures.daily_series`); only for the few
keys it flags does it read cases — indexed, bounded reads — to name what and where, and to
link the warning to its cases.

Three findings:

* **Surges** (激增) of reports by grid, by hexagonal cell (H3 resolution 8) and by matter
  type (by code, so that a new catalogue version continues its series): the last 7 days
  against the same days of the 8 weeks before (`analytics/surges.py`).
* **Repeated reports** (重复反映): at least `REPEATED_MIN` reports still open, of one matter
  type or related ones (`catalog.MatterRelation`), at one place — the same located unit or
  the same cell — within `REPEATED_DAYS` days.
* **Stability-sensitive clusters** (涉稳聚集): flagged reports (`Case.sensitive`) within
  `SENSITIVE_DAYS` days, `SENSITIVE_MIN_PLACE` in one cell, `SENSITIVE_MIN_SUBJECT` of one
  matter (or related ones) anywhere in the county, or `SENSITIVE_MIN_TOWN` in one town.

Each finding is one `EarlyWarning` per (county, kind, key) while it is open or acknowledged:
scanning again updates it. One that is not found again for `SUBSIDE_AFTER` is closed as
subsided (no person closed it). One a person closed is not raised again for the same
episode — the run it saw is still going on (the finding's start is not after the closed
warning was last seen) — unless the figure has doubled since.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import h3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from huying.analytics.contribution import cell_of
from huying.analytics.figures import Slice, daily_series
from huying.analytics.models import CountyDay
from huying.analytics.models_warnings import (
    LIVE_STATES,
    EarlyWarning,
    WarningKind,
    WarningState,
)
from huying.analytics.surges import Judgement, SurgeRules, surges_find
from huying.cases.models import Case
from huying.cases.states import OPEN_CASE, WITHDRAWN_CASE
from huying.catalog.models import MatterType
from huying.catalog.selectors import matter_relations
from huying.common.errors import (
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from huying.common.messages import Message, join, literal, message
from huying.org.models import OrgUnit, User
from huying.supervision import services as sv

SURGE_RULES = SurgeRules()
REPEATED_DAYS = 14
REPEATED_MIN = 3
SENSITIVE_DAYS = 7
SENSITIVE_MIN_PLACE = 2
SENSITIVE_MIN_SUBJECT = 2
SENSITIVE_MIN_TOWN = 3
SUBSIDE_AFTER = timedelta(days=3)
MAX_PER_KIND = 20          # the strongest findings of one kind per scan
CANDIDATES = 200           # places a repeated-report scan reads cases for, most first
CASES_LINKED = 50          # case ids kept on a warning, newest first
CASES_READ = 500           # cases read to describe one finding
NUMBERS_SHOWN = 5          # case numbers quoted in an explanation

# The order warnings are listed in: what may threaten stability first.
KIND_ORDER = {WarningKind.SENSITIVE: 0, WarningKind.REPEATED: 1, WarningKind.SURGE_CELL: 2,
              WarningKind.SURGE_UNIT: 3, WarningKind.SURGE_MATTER: 4}


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str
    title: Message
    explanation: Message
    current: int
    since: date | None
    case_ids: tuple[int, ...]
    z: float | None = None
    figures: dict = field(default_factory=dict)


@dataclass
class ScanReport:
    county: OrgUnit
    findings: list[Finding] = field(default_factory=list)
    raised: list[EarlyWarning] = field(default_factory=list)
    updated: list[EarlyWarning] = field(default_factory=list)
    subsided: list[EarlyWarning] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# reading cases for the few keys flagged


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _day_span(first: date, last: date) -> tuple[datetime, datetime]:
    tz = _tz()
    return (datetime.combine(first, time.min, tzinfo=tz),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz))


@dataclass(frozen=True)
class _Row:
    pk: int
    number: str
    reported_at: datetime
    matter_code: str
    matter_name: str
    place: str
    town_id: int | None
    town: str
    unit_id: int | None
    cell: str


_ROW_FIELDS = ("pk", "number", "reported_at", "matter_type__code", "matter_type__name",
               "grid__name", "community__name", "town_id", "town__name", "unit_id",
               "longitude", "latitude")


def _rows(cases: QuerySet[Case], limit: int = CASES_READ) -> list[_Row]:
    rows = []
    for (pk, number, at, code, name, grid, community, town_id, town, unit_id, lon,
         lat) in cases.order_by("-reported_at", "-pk").values_list(*_ROW_FIELDS)[:limit]:
        rows.append(_Row(pk, number, at, code or "", name or "", grid or community or town or "",
                         town_id, town or "", unit_id, cell_of(lon, lat)))
    return rows


def _cases_between(county: OrgUnit, first: date, last: date) -> QuerySet[Case]:
    start, end = _day_span(first, last)
    return Case.objects.filter(county=county, reported_at__gte=start, reported_at__lt=end)


def _in_cells(cells: Iterable[str]) -> Q:
    """Cases whose point lies in the bounding box of one of `cells` (refine with cell_of)."""
    q = Q(pk__in=[])
    for cell in cells:
        boundary = h3.cell_to_boundary(cell)
        lats = [lat for lat, _lng in boundary]
        lngs = [lng for _lat, lng in boundary]
        q |= Q(latitude__gte=min(lats), latitude__lte=max(lats),
               longitude__gte=min(lngs), longitude__lte=max(lngs))
    return q


def _top(values: Iterable[str], n: int = 3) -> list[tuple[str, int]]:
    return [(v, c) for v, c in Counter(v for v in values if v).most_common(n)]


def _counted(pairs: Sequence[tuple[str, int]]) -> Message:
    return join([message(gettext_noop("%(name)s (%(count)d)"), name=name, count=count)
                 for name, count in pairs], "、")


def _numbers(rows: Sequence[_Row]) -> Message:
    oldest_first = sorted(rows, key=lambda r: (r.reported_at, r.pk))
    shown = [r.number for r in oldest_first[:NUMBERS_SHOWN]]
    if len(rows) > NUMBERS_SHOWN:
        return message(gettext_noop("%(numbers)s and %(more)d more"),
                       numbers="、".join(shown), more=len(rows) - NUMBERS_SHOWN)
    return literal("、".join(shown))


def _day(value: date) -> str:
    return value.strftime("%Y-%m-%d")


def _local_day(at: datetime) -> date:
    return timezone.localtime(at, _tz()).date()


# ---------------------------------------------------------------------------------------
# matter families (a matter and the ones related to it)


class Families:
    """Matter codes grouped by `MatterRelation` (connected pairs); a family is named by its
    smallest code so that its key does not depend on which members were reported."""

    def __init__(self, pairs: Iterable[Iterable[str]]) -> None:
        parent: dict[str, str] = {}

        def find(code: str) -> str:
            while parent.get(code, code) != code:
                code = parent[code]
            return code

        for pair in pairs:
            a, b = sorted(pair)
            ra, rb = find(a), find(b)
            if ra != rb:
                low, high = sorted((ra, rb))
                parent[high] = low
        self._find = find

    def of(self, code: str) -> str:
        return self._find(code) if code else ""


def _place_of(rows: Sequence[_Row], fallback: str) -> str:
    """The place most of these reports name (their grid, else community, else town)."""
    top = _top((r.place for r in rows), 1)
    return top[0][0] if top else fallback


def _matters(rows: Sequence[_Row]) -> str:
    return "、".join(name for name, _n in _top((r.matter_name for r in rows), 3))


# ---------------------------------------------------------------------------------------
# surges


def _surge_explanation(j: Judgement, rows: Sequence[_Row], detail: Message | None) -> Message:
    params = {"current": j.current, "first": _day(j.first), "last": _day(j.last),
              "weeks": j.weeks, "high": j.expected_high, "z": f"{j.z:.1f}",
              "since": _day(j.since or j.first)}
    if j.ratio is None:
        main = message(gettext_noop(
            "%(current)d reports from %(first)s to %(last)s, where the same days of the "
            "%(weeks)d weeks before usually had none (normal: at most %(high)d); robust "
            "z-score %(z)s. Above normal since %(since)s."), **params)
    else:
        main = message(gettext_noop(
            "%(current)d reports from %(first)s to %(last)s, against a usual %(baseline)s "
            "in the same days of the %(weeks)d weeks before (normal: %(low)d to %(high)d): "
            "%(ratio)s times the usual, robust z-score %(z)s. Above normal since "
            "%(since)s."), baseline=f"{j.baseline:g}", low=j.expected_low,
            ratio=f"{j.ratio:.1f}", **params)
    parts = [main]
    if detail is not None:
        parts.append(detail)
    if rows:
        parts.append(message(gettext_noop("Cases: %(numbers)s."), numbers=_numbers(rows)))
    return join(parts, " ")


def _surge_figures(j: Judgement) -> dict:
    return {"current": j.current, "baseline": j.baseline, "expected_low": j.expected_low,
            "expected_high": j.expected_high, "z": round(j.z, 2),
            "ratio": None if j.ratio is None else round(j.ratio, 2), "weeks": j.weeks,
            "window_first": j.first.isoformat(), "window_last": j.last.isoformat(),
            "since": j.since.isoformat() if j.since else None}


def _surge_finding(kind: str, key: str, j: Judgement, title: Message, rows: Sequence[_Row],
                   detail: Message | None) -> Finding:
    return Finding(kind=kind, key=key, title=title,
                   explanation=_surge_explanation(j, rows, detail), current=j.current,
                   since=j.since or j.first, z=round(j.z, 2), figures=_surge_figures(j),
                   case_ids=tuple(r.pk for r in rows[:CASES_LINKED]))


def _surge_window(j: Judgement) -> tuple[date, date]:
    return min(j.since or j.first, j.first), j.last


def _what(rows: Sequence[_Row]) -> Message | None:
    top = _top(r.matter_name for r in rows)
    return message(gettext_noop("Mostly %(what)s."), what=_counted(top)) if top else None


def _where(rows: Sequence[_Row]) -> Message | None:
    top = _top(r.place for r in rows)
    return message(gettext_noop("Mainly in %(where)s."), where=_counted(top)) if top else None


def surge_findings(*, county: OrgUnit, today: date, history_start: date | None,
                   rules: SurgeRules = SURGE_RULES) -> list[Finding]:
    s = Slice(county=county, first=rules.first_day(today), last=today)
    findings: list[Finding] = []

    grids = {k: v for k, v in daily_series(s, by="grid").items() if k}
    flagged = surges_find(grids, last=today, rules=rules,
                          history_start=history_start)[:MAX_PER_KIND]
    names = dict(OrgUnit.objects.filter(pk__in=[j.key for j in flagged])
                 .values_list("pk", "name"))
    for j in flagged:
        rows = _rows(_cases_between(county, *_surge_window(j)).filter(grid_id=j.key))
        place = names.get(j.key, str(j.key))
        findings.append(_surge_finding(
            WarningKind.SURGE_UNIT, str(j.key), j,
            message(gettext_noop("Surge of reports in %(place)s"), place=place), rows,
            _what(rows)))

    cells = {k: v for k, v in daily_series(s, by="cell").items() if k}
    for j in surges_find(cells, last=today, rules=rules,
                         history_start=history_start)[:MAX_PER_KIND]:
        cell = str(j.key)
        rows = [r for r in _rows(_cases_between(county, *_surge_window(j)).filter(
            _in_cells([cell]))) if r.cell == cell]
        place = _place_of(rows, cell)
        findings.append(_surge_finding(
            WarningKind.SURGE_CELL, cell, j,
            message(gettext_noop("Surge of reports around %(place)s"), place=place), rows,
            _what(rows)))

    by_id = {k: v for k, v in daily_series(s, by="matter_type").items() if k}
    codes = _matter_codes(by_id)
    by_code: dict[str, dict[date, int]] = defaultdict(dict)
    for pk, series in by_id.items():
        into = by_code[codes[pk][0]]
        for day, n in series.items():
            into[day] = into.get(day, 0) + n
    for j in surges_find(by_code, last=today, rules=rules,
                         history_start=history_start)[:MAX_PER_KIND]:
        code = str(j.key)
        rows = _rows(_cases_between(county, *_surge_window(j)).filter(
            matter_type__code=code))
        name = next((n for c, n in codes.values() if c == code), code)
        findings.append(_surge_finding(
            WarningKind.SURGE_MATTER, code, j,
            message(gettext_noop("Surge of reports of %(matter)s"), matter=name), rows,
            _where(rows)))
    return findings


def _matter_codes(series_by_id: dict) -> dict[int, tuple[str, str]]:
    return {pk: (code, name) for pk, code, name in MatterType.objects.filter(
        pk__in=list(series_by_id)).values_list("pk", "code", "name")}


# ---------------------------------------------------------------------------------------
# repeated reports


def _window_total(series: dict[object, dict[date, int]]) -> list[object]:
    totals = sorted(((sum(days.values()), key) for key, days in series.items() if key),
                    key=lambda item: (-item[0], str(item[1])))
    return [key for total, key in totals if total >= REPEATED_MIN][:CANDIDATES]


def repeated_findings(*, county: OrgUnit, today: date, families: Families) -> list[Finding]:
    first = today - timedelta(days=REPEATED_DAYS - 1)
    s = Slice(county=county, first=first, last=today)
    units = _window_total(daily_series(s, by="unit", measure="open"))
    cells = [str(c) for c in _window_total(daily_series(s, by="cell", measure="open"))]
    open_cases = _cases_between(county, first, today).filter(status__in=OPEN_CASE,
                                                            matter_type__isnull=False)
    groups: dict[tuple[str, object, str], list[_Row]] = defaultdict(list)
    if units:
        for row in _rows(open_cases.filter(unit_id__in=units), limit=CANDIDATES * 20):
            groups[("unit", row.unit_id, families.of(row.matter_code))].append(row)
    wanted = set(cells)
    for chunk in range(0, len(cells), 50):
        for row in _rows(open_cases.filter(_in_cells(cells[chunk:chunk + 50])),
                         limit=CANDIDATES * 20):
            if row.cell in wanted:
                groups[("cell", row.cell, families.of(row.matter_code))].append(row)
    clusters = sorted(((k, rows) for k, rows in groups.items() if len(rows) >= REPEATED_MIN),
                      key=lambda item: (item[0][0] != "unit", -len(item[1]), str(item[0])))
    findings: list[Finding] = []
    seen: list[frozenset[int]] = []
    for (where, place_key, family), rows in clusters:
        ids = frozenset(r.pk for r in rows)
        if any(ids <= other for other in seen):
            continue  # the same reports as a cluster of a named place
        seen.append(ids)
        place = rows[0].place if where == "cell" else _unit_place(rows)
        since = min(_local_day(r.reported_at) for r in rows)
        matter = _matters(rows)
        findings.append(Finding(
            kind=WarningKind.REPEATED, key=f"{where}:{place_key}:{family}",
            title=message(gettext_noop("Repeated reports of %(matter)s at %(place)s"),
                          matter=matter, place=place),
            explanation=message(gettext_noop(
                "%(count)d reports of %(matter)s at %(place)s in the last %(days)d days are "
                "still open, the first on %(since)s: %(numbers)s."),
                count=len(rows), matter=matter, place=place, days=REPEATED_DAYS,
                since=_day(since), numbers=_numbers(rows)),
            current=len(rows), since=since, case_ids=tuple(r.pk for r in rows[:CASES_LINKED]),
            figures={"count": len(rows), "days": REPEATED_DAYS, "place": where}))
        if len(findings) >= MAX_PER_KIND:
            break
    return findings


def _unit_place(rows: Sequence[_Row]) -> str:
    unit_ids = {r.unit_id for r in rows}
    name = OrgUnit.objects.filter(pk__in=unit_ids).values_list("name", flat=True).first()
    return name or rows[0].place


# ---------------------------------------------------------------------------------------
# stability-sensitive clusters


def sensitive_findings(*, county: OrgUnit, today: date, families: Families) -> list[Finding]:
    first = today - timedelta(days=SENSITIVE_DAYS - 1)
    s = Slice(county=county, first=first, last=today)
    counts = {by: {k: sum(v.values()) for k, v in daily_series(s, by=by,
                                                              measure="sensitive").items() if k}
              for by in ("cell", "town", "matter_type")}
    if not any(n >= SENSITIVE_MIN_PLACE for n in counts["cell"].values()) and not any(
            n >= SENSITIVE_MIN_TOWN for n in counts["town"].values()) and sum(
            counts["matter_type"].values()) < SENSITIVE_MIN_SUBJECT:
        return []
    rows = _rows(_cases_between(county, first, today).filter(sensitive=True).exclude(
        status__in=WITHDRAWN_CASE))
    by_cell: dict[str, list[_Row]] = defaultdict(list)
    by_family: dict[str, list[_Row]] = defaultdict(list)
    by_town: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.cell:
            by_cell[row.cell].append(row)
        if row.matter_code:
            by_family[families.of(row.matter_code)].append(row)
        if row.town_id:
            by_town[row.town_id].append(row)
    clusters: list[tuple[str, Message, list[_Row]]] = []
    for cell, group in sorted(by_cell.items()):
        if len(group) >= SENSITIVE_MIN_PLACE:
            place = _place_of(group, cell)
            clusters.append((f"cell:{cell}", message(gettext_noop(
                "Stability-sensitive reports clustered around %(place)s"), place=place), group))
    for family, group in sorted(by_family.items()):
        if len(group) >= SENSITIVE_MIN_SUBJECT:
            clusters.append((f"matter:{family}", message(gettext_noop(
                "Stability-sensitive reports about %(matter)s"), matter=_matters(group)),
                group))
    for town_id, group in sorted(by_town.items()):
        if len(group) >= SENSITIVE_MIN_TOWN:
            clusters.append((f"town:{town_id}", message(gettext_noop(
                "Stability-sensitive reports clustered in %(place)s"), place=group[0].town),
                group))
    findings: list[Finding] = []
    seen: list[frozenset[int]] = []
    for key, title, group in clusters:
        ids = frozenset(r.pk for r in group)
        if any(ids <= other for other in seen):
            continue  # the same reports as a narrower cluster already raised
        seen.append(ids)
        since = min(_local_day(r.reported_at) for r in group)
        detail = _where(group) if key.startswith("matter:") else _what(group)
        parts = [message(gettext_noop(
            "%(count)d stability-sensitive reports in the last %(days)d days, the first on "
            "%(since)s: %(numbers)s."), count=len(group), days=SENSITIVE_DAYS,
            since=_day(since), numbers=_numbers(group))]
        if detail is not None:
            parts.append(detail)
        findings.append(Finding(
            kind=WarningKind.SENSITIVE, key=key, title=title, explanation=join(parts, " "),
            current=len(group), since=since,
            case_ids=tuple(r.pk for r in group[:CASES_LINKED]),
            figures={"count": len(group), "days": SENSITIVE_DAYS}))
    return findings[:MAX_PER_KIND]


# ---------------------------------------------------------------------------------------
# the scan


def history_start(county: OrgUnit) -> date | None:
    """The first day the county has any figure: weeks before it are no baseline."""
    return CountyDay.objects.filter(county_id=county.pk).aggregate(first=Min("day"))["first"]


def _suppressed(county: OrgUnit, finding: Finding) -> bool:
    closed = (EarlyWarning.objects.filter(county=county, kind=finding.kind, key=finding.key,
                                          state=WarningState.CLOSED, closed_by__isnull=False)
              .order_by("-closed_at", "-pk").first())
    if closed is None or finding.since is None:
        return False
    same_episode = finding.since <= _local_day(closed.last_seen)
    return same_episode and finding.current < 2 * max(closed.current, 1)


def _apply(warning: EarlyWarning, finding: Finding, now: datetime) -> None:
    warning.title = finding.title
    warning.explanation = finding.explanation
    warning.figures = finding.figures
    warning.current = finding.current
    warning.z = finding.z
    warning.since = finding.since
    warning.case_ids = list(finding.case_ids)
    warning.last_seen = now


def _record(county: OrgUnit, finding: Finding, now: datetime) -> tuple[EarlyWarning | None,
                                                                         str]:
    live = (EarlyWarning.objects.select_for_update()
            .filter(county=county, kind=finding.kind, key=finding.key, state__in=LIVE_STATES)
            .first())
    if live is None:
        if _suppressed(county, finding):
            return None, "suppressed"
        warning = EarlyWarning(county=county, kind=finding.kind, key=finding.key,
                               first_seen=now)
        _apply(warning, finding, now)
        try:
            with transaction.atomic():
                warning.save()
            return warning, "raised"
        except IntegrityError:  # another scan raised it meanwhile
            live = EarlyWarning.objects.select_for_update().get(
                county=county, kind=finding.kind, key=finding.key, state__in=LIVE_STATES)
    _apply(live, finding, now)
    live.save()
    return live, "updated"


@transaction.atomic
def warnings_scan(*, county: OrgUnit, now: datetime) -> ScanReport:
    """Find the county's surges, repeated reports and sensitive clusters now; raise or update
    one warning each, and close as subsided the ones not seen for `SUBSIDE_AFTER`."""
    today = _local_day(now)
    families = Families(matter_relations())
    report = ScanReport(county=county)
    report.findings = [
        *sensitive_findings(county=county, today=today, families=families),
        *repeated_findings(county=county, today=today, families=families),
        *surge_findings(county=county, today=today, history_start=history_start(county)),
    ]
    seen: set[tuple[str, str]] = set()
    for finding in report.findings:
        seen.add((finding.kind, finding.key))
        warning, outcome = _record(county, finding, now)
        if outcome == "raised":
            report.raised.append(warning)  # type: ignore[arg-type]
        elif outcome == "updated":
            report.updated.append(warning)  # type: ignore[arg-type]
        else:
            report.suppressed.append(finding)
    for warning in EarlyWarning.objects.select_for_update().filter(
            county=county, state__in=LIVE_STATES, last_seen__lt=now - SUBSIDE_AFTER):
        if (warning.kind, warning.key) in seen:
            continue
        warning.state = WarningState.CLOSED
        warning.closed_at = now
        warning.save(update_fields=["state", "closed_at"])
        report.subsided.append(warning)
    return report


# ---------------------------------------------------------------------------------------
# reading and handling warnings


def warning_order(warning: EarlyWarning) -> tuple:
    return (KIND_ORDER.get(warning.kind, 9), -(warning.z or 0), -warning.current,
            -warning.last_seen.timestamp(), -warning.pk)


def warnings_live(county: OrgUnit, *, limit: int | None = None) -> list[EarlyWarning]:
    """The county's open and acknowledged warnings, the most pressing first."""
    warnings = sorted(EarlyWarning.objects.filter(county=county, state__in=LIVE_STATES),
                      key=warning_order)
    return warnings if limit is None else warnings[:limit]


def warning_cases(warnings: Sequence[EarlyWarning]) -> dict[int, list[Case]]:
    """Each warning's cases (newest first), in one query for all of them."""
    ids = {pk for w in warnings for pk in w.case_ids}
    cases = Case.objects.filter(pk__in=ids).only("pk", "number", "title", "status",
                                                 "reported_at", "sensitive", "urgent")
    by_id = {c.pk: c for c in cases}
    return {w.pk: [by_id[pk] for pk in w.case_ids if pk in by_id] for w in warnings}


def may_handle_warnings(user: User | None, county: OrgUnit) -> bool:
    """The county's command centre, its leaders and administrators."""
    return sv.oversees(user, county)


def warnings_county_for(user: User, county: OrgUnit | None) -> OrgUnit:
    """The county whose warnings `user` asks for; 403 for anybody else."""
    if county is None or not may_handle_warnings(user, county):
        raise PermissionDenied(_("Early warnings are for the county's command centre and "
                                 "leaders."))
    return county


def warning_visible(user: User, warning_id: int) -> EarlyWarning:
    """A warning the user may see (404 otherwise: an outsider learns nothing of it)."""
    warning = EarlyWarning.objects.select_related("county").filter(pk=warning_id).first()
    if warning is None or not may_handle_warnings(user, warning.county):
        raise NotFound(_("Warning %(id)d was not found.") % {"id": warning_id})
    return warning


NOTE_MAX = 500


def _locked(warning: EarlyWarning, actor: User, note: str) -> EarlyWarning:
    if len(note) > NOTE_MAX:
        raise ValidationFailed(_("Keep the note under %(n)d characters.") % {"n": NOTE_MAX},
                               field="note")
    if not may_handle_warnings(actor, warning.county):
        raise PermissionDenied(_("Only the county's command centre and leaders handle its "
                                 "early warnings."))
    return EarlyWarning.objects.select_for_update().select_related("county").get(
        pk=warning.pk)


@transaction.atomic
def warning_acknowledge(*, warning: EarlyWarning, actor: User, now: datetime,
                        note: str = "") -> EarlyWarning:
    """Someone has seen it and is looking into it (已知悉); it stays on the lists."""
    warning = _locked(warning, actor, note)
    if warning.state != WarningState.OPEN:
        raise TransitionNotAllowed(_("Only an open warning can be acknowledged."))
    warning.state = WarningState.ACKNOWLEDGED
    warning.acknowledged_by = actor
    warning.acknowledged_at = now
    if note:
        warning.note = note
    warning.save(update_fields=["state", "acknowledged_by", "acknowledged_at", "note"])
    return warning


@transaction.atomic
def warning_close(*, warning: EarlyWarning, actor: User, now: datetime,
                  note: str = "") -> EarlyWarning:
    """Dealt with (已处置): off the lists; the same episode is not raised again."""
    warning = _locked(warning, actor, note)
    if warning.state not in LIVE_STATES:
        raise TransitionNotAllowed(_("This warning is already closed."))
    warning.state = WarningState.CLOSED
    warning.closed_by = actor
    warning.closed_at = now
    if note:
        warning.note = note
    warning.save(update_fields=["state", "closed_by", "closed_at", "note"])
    return warning
