"""One report of a county for one period, assembled from the figures.

A `Report` is plain data (strings, numbers, dates): it is stored as JSON with its issue and
rendered as a workbook, a document and a printable page from the same object. Its parts:

- the headline counters of the period beside those of the previous period (上期);
- the indicators (结案率 …) with their definitions, this period and the previous one;
- the trend: 7 days for a daily report, 8 weeks for a weekly one, 12 months for a monthly one;
- the breakdowns by town and by matter type (top 10, the rest summed), and the departments'
  work (assignments dispatched in the period);
- the department and town rankings of the period (assessment);
- hotspots and open early warnings, when the platform keeps them;
- the overdue list at the time of generation (the 50 longest overdue, no personal data);
- the short 研判 summary (`summary.py`).

Case counts are the cohort of the cases reported in the period, in their state at the time
of generation (`analytics/figures.py`): a report generated again later may differ, which is
why every issue is kept with its time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.analytics import figures
from huying.analytics import indicators as ind
from huying.analytics.figures import Row, Slice
from huying.analytics.models import ReportKind
from huying.analytics.periods import DAY, MONTH, WEEK, period_bounds, period_days, period_label
from huying.analytics.reports.data import (
    REPORT_LANGUAGE,
    Cell,
    Headline,
    Overdue,
    Ranked,
    Rate,
    Report,
    Section,
    Share,
    change_text,
    number,
    percent,
    points_text,
)
from huying.analytics.reports.summary import summary_sentences
from huying.assessment.models import Dimension, SchemeKind
from huying.assessment.selectors import ranking_for_period
from huying.assessment.services import scheme_default
from huying.common.errors import ValidationFailed
from huying.org.models import OrgUnit
from huying.supervision.models import ClockState, Metric
from huying.supervision.selectors import clocks_overdue
from huying.supervision.slips import issuing_office

PERIOD_OF_KIND = {ReportKind.DAILY: DAY, ReportKind.WEEKLY: WEEK, ReportKind.MONTHLY: MONTH}
TOP = 10
OVERDUE_SHOWN = 50
EARLIEST = date(2000, 1, 1)


# ---------------------------------------------------------------------------------------
# periods


def period_kind(kind: str) -> str:
    """The period (day, week, month) of a report kind; a clear 422 for anything else."""
    if kind not in PERIOD_OF_KIND:
        raise ValidationFailed(_("Unknown report %(kind)s: use daily, weekly or monthly.")
                               % {"kind": kind}, field="kind")
    return PERIOD_OF_KIND[ReportKind(kind)]


def report_period(kind: str, day: date) -> tuple[date, date]:
    """The first and last day of the report's period containing `day`."""
    first, after = period_days(period_kind(kind), day)
    return first, after - timedelta(days=1)


def previous_period(kind: str, first: date) -> tuple[date, date]:
    return report_period(kind, first - timedelta(days=1))


def report_number(kind: str, first: date) -> str:
    """The issue's number, from its period (the same for every version): the ISO week of a
    weekly analysis, the month of a monthly report, the day of the year of a daily one —
    "〔2026〕第10期"."""
    if kind == ReportKind.WEEKLY:
        year, ordinal, _weekday = first.isocalendar()
    elif kind == ReportKind.MONTHLY:
        year, ordinal = first.year, first.month
    else:
        year, ordinal = first.year, first.timetuple().tm_yday
    return _("〔%(year)d〕 No. %(ordinal)d") % {"year": year, "ordinal": ordinal}


def report_title(county_name: str, kind: str, label: str) -> str:
    """"示范市“乡呼县应”周研判（2026年3月2日至3月8日）"."""
    return _("%(county)s “乡呼县应” %(kind)s (%(period)s)") % {
        "county": county_name, "kind": ReportKind(kind).label, "period": label}


def check_report_day(day: date, now: datetime) -> None:
    """A period that has begun (not in the future) and not before 2000."""
    if day > timezone.localdate(now):
        raise ValidationFailed(_("That period has not begun yet."), field="date")
    if day < EARLIEST:
        raise ValidationFailed(_("Choose a day from 2000 on."), field="date")


# ---------------------------------------------------------------------------------------
# the parts


# The case measures the tables show, and their column headers.
TREND_MEASURES = ("received", "accepted", "resolved", "dispatched", "done", "overdue")
COLUMNS = {"received": gettext_lazy("Cases reported"), "accepted": gettext_lazy("Accepted"),
           "resolved": gettext_lazy("Resolved locally (grid, community, town)"),
           "dispatched": gettext_lazy("Dispatched to departments"),
           "done": gettext_lazy("Finished"), "overdue": gettext_lazy("Cases overdue")}
CHANGE = gettext_lazy("Change on the previous period")


def _columns(*names: str) -> list[str]:
    return [str(COLUMNS[name]) for name in names]


HEADLINES: list[tuple[str, str, object, object]] = [
    # (code, source, label, definition); source: "case" counts the cohort reported in the
    # period, "outcome" what happened in it.
    ("received", "case", COLUMNS["received"],
     gettext_lazy("Cases reported in the period, through every channel.")),
    ("accepted", "case", COLUMNS["accepted"],
     gettext_lazy("Reported in the period and taken on (not rejected, not merged).")),
    ("resolved", "case", COLUMNS["resolved"],
     gettext_lazy("Reported in the period and resolved by the grid, community or town.")),
    ("called", "case", gettext_lazy("Called up by towns"),
     gettext_lazy("Reported in the period and called up to the county by a town.")),
    ("dispatched", "case", COLUMNS["dispatched"],
     gettext_lazy("Reported in the period and dispatched to county departments.")),
    ("closed", "outcome", gettext_lazy("Cases closed"),
     gettext_lazy("Cases closed in the period, whenever reported.")),
    ("evaluated", "outcome", gettext_lazy("Cases evaluated"),
     gettext_lazy("Evaluations made in the period (lapsed ones counted as satisfied).")),
    ("overdue", "case", COLUMNS["overdue"],
     gettext_lazy("Reported in the period and overdue at the time of generation.")),
    ("merged", "case", gettext_lazy("Duplicates"),
     gettext_lazy("Reported in the period and merged into another case.")),
    ("sensitive", "case", gettext_lazy("Stability-sensitive"),
     gettext_lazy("Reported in the period and flagged stability-sensitive.")),
]

def _headlines(current: Slice, previous: Slice) -> list[Headline]:
    cases, cases_before = figures.totals(current), figures.totals(previous)
    outcomes, outcomes_before = figures.outcome_totals(current), figures.outcome_totals(previous)
    lines = []
    for code, source, label, definition in HEADLINES:
        now_, before = (cases, cases_before) if source == "case" else (outcomes,
                                                                       outcomes_before)
        lines.append(Headline(code=code, label=str(label), value=now_[code],
                              previous=before[code], definition=str(definition)))
    return lines


def _rate(value: ind.IndicatorValue, previous: ind.IndicatorValue) -> Rate:
    definition = value.definition
    if isinstance(value.value, ind.Ratio):
        before = previous.value
        return Rate(code=value.code, name=value.name, definition=definition,
                    display=value.display, previous_display=previous.display,
                    value=value.value.rate, previous=before.rate,  # type: ignore[union-attr]
                    numerator=value.value.numerator, denominator=value.value.denominator)
    return Rate(code=value.code, name=value.name, definition=definition,
                display=value.display, previous_display=previous.display,
                value=value.value.value, previous=previous.value.value,  # type: ignore[union-attr]
                is_ratio=False)


def _rates(county: OrgUnit, kind: str, first: date, previous_first: date) -> list[Rate]:
    scope = ind.Scope(county=county)
    period = period_kind(kind)
    current = ind.indicators_for(scope, *period_bounds(period, first))
    before = ind.indicators_for(scope, *period_bounds(period, previous_first))
    return [_rate(a, b) for a, b in zip(current, before, strict=True)]


def _headline_section(headlines: list[Headline]) -> Section:
    return Section(
        code="headlines", title=_("Overview"),
        headers=[_("Counted item"), _("This period"), _("Previous period"), str(CHANGE),
                 _("Definition")],
        rows=[[h.label, h.value, h.previous, change_text(h.value, h.previous), h.definition]
              for h in headlines], wrap=4)


def _rate_section(rates: list[Rate]) -> Section:
    rows: list[list[Cell]] = []
    for rate in rates:
        change = (points_text(rate.value, rate.previous) if rate.is_ratio else
                  ("—" if rate.value is None or rate.previous is None
                   else f"{rate.value - rate.previous:+.2f}"))
        rows.append([rate.name, rate.display, rate.previous_display, change, rate.definition])
    return Section(
        code="indicators", title=_("Indicators"),
        headers=[_("Indicator"), _("This period"), _("Previous period"), str(CHANGE),
                 _("Definition")],
        rows=rows, wrap=4,
        note=_("A rate reads numerator/denominator (percentage); “—” where nothing was "
               "counted. The average handling time is in working days."))


def _trend_slice(county: OrgUnit, kind: str, first: date, last: date) -> tuple[Slice, str]:
    if kind == ReportKind.DAILY:
        return Slice(county=county, first=last - timedelta(days=6), last=last), "day"
    if kind == ReportKind.WEEKLY:
        return Slice(county=county, first=first - timedelta(weeks=7), last=last), "week"
    start = first
    for _step in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return Slice(county=county, first=start, last=last), "month"




def _trend_section(county: OrgUnit, kind: str, first: date, last: date) -> Section:
    s, grain = _trend_slice(county, kind, first, last)
    points = figures.trend(s, grain)
    titles = {"day": _("Trend of the last 7 days"), "week": _("Trend of the last 8 weeks"),
              "month": _("Trend of the last 12 months")}
    return Section(
        code="trend", title=titles[grain],
        headers=[_("Period"), *_columns(*TREND_MEASURES)],
        rows=[[point.label if grain != "week" else _("week of %(day)s") % {
            "day": point.label}] + [point[m] for m in TREND_MEASURES] for point in points],
        note=_("Cases by the period they were reported in, in their state at the time of "
               "generation."))


def _shares(current: Sequence[Row], previous: Sequence[Row], limit: int = TOP
            ) -> tuple[list[Share], list[Share], Share | None]:
    """The rows of both periods (a key reported only before shows with 0), most reported
    first: all of them, the first `limit`, and the rest summed in one row."""
    total = sum(row["received"] for row in current)
    before = {row.key: row for row in previous}
    keys = [row.key for row in current] + [row.key for row in previous
                                           if row.key not in {r.key for r in current}]
    now = {row.key: row for row in current}
    rows = []
    for key in keys:
        row = now.get(key) or before[key]
        received = now[key]["received"] if key in now else 0
        prior = before[key]["received"] if key in before else 0
        if received or prior:
            rows.append(Share(key, row.label, received, prior,
                              now[key].measures if key in now else {},
                              received / total if total else None))
    rows.sort(key=lambda r: (-r.received, -r.previous, r.label))
    shown, rest = rows[:limit], rows[limit:]
    if not rest:
        return rows, shown, None
    summed: dict[str, int] = {}
    for row in rest:
        for name, value in row.measures.items():
            summed[name] = summed.get(name, 0) + value
    received = sum(r.received for r in rest)
    others = Share(None, _("Others (%(n)d)") % {"n": len(rest)}, received,
                   sum(r.previous for r in rest), summed, received / total if total else None)
    return rows, shown, others


def _share_section(code: str, title: str, key_header: str, current: Slice, previous: Slice,
                   by: str) -> tuple[Section, list[Share]]:
    every, shown, others = _shares(figures.breakdown(current, by),
                                   figures.breakdown(previous, by))
    rows: list[list[Cell]] = []
    for rank, share in enumerate([*shown, *([others] if others else [])], start=1):
        rows.append([rank if share is not others else "", share.label, share.received,
                     percent(share.share), share.previous,
                     change_text(share.received, share.previous),
                     *(share.measures.get(name, 0) for name in
                       ("accepted", "resolved", "dispatched", "done", "overdue"))])
    section = Section(
        code=code, title=title,
        headers=[_("No."), key_header, *_columns("received"), _("Share of reports"),
                 _("Previous period"), str(CHANGE),
                 *_columns("accepted", "resolved", "dispatched", "done", "overdue")],
        rows=rows, empty=_("No cases were reported in this period."),
        note=_("The first %(n)d by reports; the rest summed in one row.") % {"n": TOP})
    return section, every


def _department_work_section(current: Slice) -> Section:
    rows = figures.department_breakdown(current, "department")
    shown = [r for r in rows if r["dispatched_all"]][:TOP]
    return Section(
        code="departments", title=_("Departments' work"),
        headers=[_("No."), _("Department"), _("Assignments"), _("Signed for"),
                 _("Signed on time"), _("Assignments replied"), _("Replied on time"),
                 _("Still open"), _("Assignments overdue"), _("Returned (approved)")],
        rows=[[index, row.label, row["dispatched"], row["signed"], row["signed_on_time"],
               row["replied"], row["replied_on_time"], row["open"], row["overdue"],
               row["returned"]]
              for index, row in enumerate(shown, start=1)],
        empty=_("No assignments were dispatched in this period."),
        note=_("Assignments (lead and co-handling) dispatched in the period; approved "
               "returns are counted apart, not as the department's work. The first %(n)d "
               "by number.") % {"n": TOP})


def _score(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _ranking_sections(county: OrgUnit, kind: str, first: date
                      ) -> tuple[Section, Section, list[Ranked]]:
    start, end = period_bounds(period_kind(kind), first)
    scheme = scheme_default()
    departments = ranking_for_period(county=county, kind="department", period_start=start,
                                     period_end=end, scheme=scheme)
    beijing = scheme.kind == SchemeKind.BEIJING
    if beijing:
        extra = [_("Response rate"), _("Resolution rate"), _("Satisfaction rate")]
        codes = ("response", "resolution", "satisfaction")
    else:
        extra = [str(label) for _code, label in Dimension.choices] + [_("Points lost")]
        codes = tuple(code for code, _label in Dimension.choices)
    rows: list[list[Cell]] = []
    for row in departments:
        line: list[Cell] = [row.rank, row.name, _score(row.score)]
        if beijing:
            line += [row.details["rates"][code].percent for code in codes]
        else:
            line += [_score(row.details["dimensions"].get(code)) for code in codes]
            line += [_score(row.details.get("lost"))]
        line.append(row.details["deductions"])
        rows.append(line)
    department_section = Section(
        code="department_ranking", title=_("Department ranking"),
        headers=[_("Rank"), _("Department"), _("Score"), *extra, _("Number of deductions")],
        rows=rows, empty=_("No department had work in this period."),
        note=_("Scheme: %(scheme)s. Departments with work or deductions in the period.")
        % {"scheme": scheme.name})
    towns = ranking_for_period(county=county, kind="town", period_start=start, period_end=end)
    rate_codes = ("closure_rate", "on_time_closure_rate", "local_resolution_share",
                  "call_quality_rate")
    town_section = Section(
        code="town_ranking", title=_("Town ranking"),
        headers=[_("Rank"), _("Towns and streets"), _("Score"), _("Closure rate"),
                 _("On-time closure rate"), _("Share resolved locally"), _("Call quality")],
        rows=[[row.rank if row.score is not None else "—", row.name, _score(row.score)]
              + [f"{row.details[c].fraction}（{row.details[c].percent}）" for c in rate_codes]
              for row in towns],
        empty=_("The county has no towns."))
    ranked = [Ranked(row.name, row.score) for row in departments]
    return department_section, town_section, ranked


def _hotspot_section() -> Section:
    # Hotspots are not kept by the platform yet: say so, never guess.
    return Section(code="hotspots", title=_("Hotspots"),
                   headers=[_("No."), _("Place or matter"), _("Cases reported")], rows=[],
                   empty=_("No hotspot data for this period."))


def _warning_section() -> Section:
    # Early warnings are not kept by the platform yet: say so, never guess.
    return Section(code="warnings", title=_("Open early warnings"),
                   headers=[_("No."), _("Early warning"), _("Since")], rows=[],
                   empty=_("No early-warning data for this period."))


CLOCK_STATE_LABEL = {ClockState.RUNNING: gettext_lazy("Running"),
                     ClockState.PAUSED: gettext_lazy("Paused (suspended)")}


def _overdue_section(county: OrgUnit, now: datetime,
                     limit: int = OVERDUE_SHOWN) -> tuple[Section, Overdue]:
    """The oldest overdue work, one row per case and department (its longest overdue
    clock), and how many cases are overdue in all. Case numbers, matter types, towns and
    departments only: no reporter, no text."""
    clocks = clocks_overdue(county_id=county.pk, now=now)
    total = clocks.values("case_id").distinct().count()
    by_department: dict[str, int] = {}
    for row in (clocks.order_by().values("department__name", "department__short_name")
                .annotate(n=Count("case_id", distinct=True))):
        by_department[row["department__short_name"] or row["department__name"]] = row["n"]
    rows: list[list[Cell]] = []
    seen: set[tuple[int, int]] = set()
    for clock in clocks[:limit * len(Metric.values)]:
        key = (clock.case_id, clock.department_id)
        if key in seen:
            continue
        seen.add(key)
        case = clock.case
        days = (now - clock.due_at).total_seconds() / 86400
        rows.append([len(rows) + 1, case.number,
                     f"{case.matter_type.code} {case.matter_type.name}"
                     if case.matter_type else "",
                     case.town.name if case.town else "", str(clock.department),
                     str(Metric(clock.metric).label),
                     timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
                     round(days, 1), str(CLOCK_STATE_LABEL[ClockState(clock.state)])])
        if len(rows) >= limit:
            break
    section = Section(
        code="overdue", title=_("Overdue list"),
        headers=[_("No."), _("Case number"), _("Matter type"), _("Town/street"),
                 _("Department"), _("Time limit"), _("Due"), _("Days overdue"),
                 _("State of the clock")],
        rows=rows, empty=_("Nothing is overdue."),
        note=_("At %(at)s, %(n)s cases are overdue in the county; the %(shown)d longest "
               "overdue are listed (one row per case and department).") % {
            "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), "n": number(total),
            "shown": len(rows)})
    return section, Overdue(total, dict(sorted(by_department.items(),
                                               key=lambda item: (-item[1], item[0]))))


# ---------------------------------------------------------------------------------------
# the whole


Progress = Callable[[str], None]


def report_assemble(*, county: OrgUnit, kind: str, day: date, now: datetime,
                    progress: Progress | None = None) -> Report:
    """The report of `kind` (daily, weekly, monthly) for the period containing `day`, as the
    figures stand at `now`."""
    period_kind(kind)
    check_report_day(day, now)

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    with translation.override(REPORT_LANGUAGE):
        first, last = report_period(kind, day)
        previous_first, previous_last = previous_period(kind, first)
        current = Slice(county=county, first=first, last=last)
        previous = Slice(county=county, first=previous_first, last=previous_last)
        label = period_label(period_kind(kind), first)
        _start, end = period_bounds(period_kind(kind), first)

        step(_("headline counters"))
        headlines = _headlines(current, previous)
        step(_("indicators"))
        rates = _rates(county, kind, first, previous_first)
        step(_("trend"))
        trend = _trend_section(county, kind, first, last)
        step(_("towns and matter types"))
        towns, town_shares = _share_section("towns", _("By town"), _("Towns and streets"),
                                            current, previous, "town")
        matters, matter_shares = _share_section("matters", _("By matter type (top 10)"),
                                                _("Matter type"), current, previous,
                                                "matter_type")
        departments = _department_work_section(current)
        step(_("rankings"))
        department_ranking, town_ranking, ranked = _ranking_sections(county, kind, first)
        step(_("overdue list"))
        overdue, overdue_facts = _overdue_section(county, now)
        hotspots, warnings = _hotspot_section(), _warning_section()

        summary = summary_sentences(
            kind=kind, headlines=headlines, rates=rates, towns=town_shares,
            matters=matter_shares, ranked=ranked, overdue=overdue_facts, warnings=warnings)
        sections = [_headline_section(headlines), _rate_section(rates), trend, towns,
                    matters, departments, department_ranking, town_ranking, hotspots,
                    warnings, overdue]
        return Report(
            county_code=county.code, county_name=county.name, kind=kind, first=first,
            last=last, previous_first=previous_first, previous_last=previous_last,
            generated_at=now, complete=now >= end,
            title=report_title(county.name, kind, label),
            kind_label=str(ReportKind(kind).label), period_label=label,
            number=report_number(kind, first), office=issuing_office(county),
            headlines=headlines, rates=rates, summary=summary, sections=sections)
