"""The big screen's feeds (`/api/v1/screen/…`): one JSON endpoint per panel, answered from
the rollups by `analytics/screen.py`, polled by the page `/screen/`.

Who may: the county's leaders, its command centre's supervisors and administrators
(`cases.access.ensure_may_see_situation`); anyone else 403, and 403 for a county that is not
the caller's. Labels are rendered in the request's language (Chinese by default)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from huying.analytics import screen
from huying.analytics.indicators import Ratio
from huying.cases import access
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.common.replica import analytics_reads_view
from huying.org.auth import api_auth
from huying.org.models import OrgUnit

router = Router(tags=["大屏"], auth=api_auth)
# Analytics reads: on the read replica when there is one (common/replica.py).
router.add_decorator(analytics_reads_view)


# ---------------------------------------------------------------------------------------
# the query and what every answer carries


class ScreenQuery(Schema):
    county: str | None = Field(None, description="county code (administrators of several)")
    period: str | None = Field(None, description="today, week, month (default) or year")


class TrendQuery(Schema):
    county: str | None = None
    days: int = Field(screen.TREND_DAYS, description="days up to today, 1–366")


class ListQuery(ScreenQuery):
    limit: int | None = Field(None, description="at most this many rows")


class PeriodOut(Schema):
    code: str
    label: str
    first: date
    last: date


class ScreenOut(Schema):
    county: str
    county_name: str
    at: datetime


def _county(request: HttpRequest, code: str | None) -> OrgUnit:
    viewer = access.viewer_of(request.user, code)
    county = access.ensure_may_see_situation(viewer)
    if code and code != county.code:
        raise PermissionDenied(_("That county's big screen is not yours to see."))
    return county


def _frame(county: OrgUnit, now: datetime) -> dict:
    return {"county": county.code, "county_name": county.name, "at": now}


def _period(period: screen.Period) -> PeriodOut:
    return PeriodOut(code=period.code, label=period.label, first=period.first,
                     last=period.last)


class RatioOut(Schema):
    numerator: int
    denominator: int
    rate: float | None
    percent: str


def _ratio(value: Ratio) -> RatioOut:
    return RatioOut(numerator=value.numerator, denominator=value.denominator,
                    rate=value.rate, percent=value.percent)


def _case_url(number: str) -> str:
    return reverse("web:case", args=[number])


# ---------------------------------------------------------------------------------------
# the panels


class CounterOut(Schema):
    code: str
    label: str
    today: int
    period: int


class CountersOut(ScreenOut):
    period: PeriodOut
    items: list[CounterOut]


@router.get("/counters", response=CountersOut, url_name="screen-counters")
def counters(request: HttpRequest, query: Query[ScreenQuery]):
    """The chain received → resolved by grid/community/town → called up → signed →
    responded → completed, today and over the period."""
    county, now = _county(request, query.county), timezone.now()
    period = screen.screen_period(query.period, timezone.localdate(now))
    items = [CounterOut(code=c.code, label=c.label, today=c.today, period=c.period)
             for c in screen.screen_counters(county, period)]
    return CountersOut(**_frame(county, now), period=_period(period), items=items)


class SeriesOut(Schema):
    code: str
    label: str


class TrendPointOut(Schema):
    day: date
    label: str
    values: dict[str, int]


class TrendOut(ScreenOut):
    first: date
    last: date
    series: list[SeriesOut]
    points: list[TrendPointOut]


@router.get("/trend", response=TrendOut, url_name="screen-trend")
def trend(request: HttpRequest, query: Query[TrendQuery]):
    """The last `days` days (default 30), one point a day."""
    county, now = _county(request, query.county), timezone.now()
    points = screen.screen_trend(county, timezone.localdate(now), query.days)
    return TrendOut(**_frame(county, now), first=points[0].day, last=points[-1].day,
                    series=[SeriesOut(code=code, label=str(label))
                            for code, label in screen.TREND_SERIES],
                    points=[TrendPointOut(day=p.day, label=p.label, values=p.values)
                            for p in points])


class ShareOut(Schema):
    code: str
    label: str
    count: int
    share: float


class ChannelsOut(ScreenOut):
    period: PeriodOut
    total: int
    items: list[ShareOut]


@router.get("/channels", response=ChannelsOut, url_name="screen-channels")
def channels(request: HttpRequest, query: Query[ScreenQuery]):
    """Reports of the period by channel and their shares."""
    county, now = _county(request, query.county), timezone.now()
    period = screen.screen_period(query.period, timezone.localdate(now))
    shares = screen.screen_channels(county, period)
    return ChannelsOut(**_frame(county, now), period=_period(period),
                       total=sum(s.count for s in shares),
                       items=[ShareOut(code=s.code, label=s.label, count=s.count,
                                       share=round(s.share, 4)) for s in shares])


class TownOut(Schema):
    code: str
    name: str
    received: int
    done: int
    open: int
    overdue: int
    done_rate: RatioOut


class TownsOut(ScreenOut):
    period: PeriodOut
    items: list[TownOut]


@router.get("/towns", response=TownsOut, url_name="screen-towns")
def towns(request: HttpRequest, query: Query[ScreenQuery]):
    """Per town: reported in the period, finished, still open, overdue now."""
    county, now = _county(request, query.county), timezone.now()
    period = screen.screen_period(query.period, timezone.localdate(now))
    rows = screen.screen_places(county, period)
    return TownsOut(**_frame(county, now), period=_period(period), items=[
        TownOut(code=r.code, name=r.name, received=r.received, done=r.done, open=r.open,
                overdue=r.overdue, done_rate=_ratio(r.done_rate)) for r in rows])


class DepartmentOut(Schema):
    rank: int
    code: str
    name: str
    assignments: int
    signed: int
    replied: int
    replied_on_time: int
    open: int
    overdue: int
    on_time: RatioOut
    satisfaction: RatioOut


class DepartmentsOut(ScreenOut):
    period: PeriodOut
    items: list[DepartmentOut]


@router.get("/departments", response=DepartmentsOut, url_name="screen-departments")
def departments(request: HttpRequest, query: Query[ListQuery]):
    """Departments ranked by the share replied on time, then fewer overdue, then more
    work; `limit` rows (default every one)."""
    county, now = _county(request, query.county), timezone.now()
    period = screen.screen_period(query.period, timezone.localdate(now))
    limit = _limit(query.limit, 100)
    rows = screen.screen_departments(county, period, limit=limit)
    return DepartmentsOut(**_frame(county, now), period=_period(period), items=[
        DepartmentOut(rank=r.rank, code=r.code, name=r.name, assignments=r.assignments,
                      signed=r.signed, replied=r.replied, replied_on_time=r.replied_on_time,
                      open=r.open, overdue=r.overdue, on_time=_ratio(r.on_time),
                      satisfaction=_ratio(r.satisfaction)) for r in rows])


def _limit(value: int | None, most: int) -> int | None:
    if value is not None and not 1 <= value <= most:
        raise ValidationFailed(_("Ask for 1 to %(max)d rows.") % {"max": most}, field="limit")
    return value


class CellPropertiesOut(Schema):
    cell: str
    count: int
    open: int
    overdue: int
    level: int
    place: str


class PolygonOut(Schema):
    type: str
    coordinates: list[list[list[float]]]


class CellOut(Schema):
    type: str
    id: str
    geometry: PolygonOut
    properties: CellPropertiesOut


class CellsOut(Schema):
    type: str
    features: list[CellOut]


class DensityOut(ScreenOut):
    period: PeriodOut
    max: int
    total: int
    resolution: int = Field(..., description="H3 resolution of the cells shown")
    cells: CellsOut


@router.get("/density", response=DensityOut, url_name="screen-density")
def density(request: HttpRequest, query: Query[ScreenQuery]):
    """Reports of the period per hexagonal cell (H3, resolution 8) as GeoJSON polygons."""
    county, now = _county(request, query.county), timezone.now()
    period = screen.screen_period(query.period, timezone.localdate(now))
    cells = screen.screen_density(county, period)
    return DensityOut(**_frame(county, now), period=_period(period), max=cells["max"],
                      total=cells["total"], resolution=cells["resolution"],
                      cells={"type": cells["type"], "features": cells["features"]})


class HotCaseOut(Schema):
    number: str
    url: str
    matter: str
    town: str
    place: str
    colour: str
    colour_label: str
    status: str
    status_label: str
    department: str
    reported_at: datetime
    overdue_metric: str
    overdue_days: float | None


class HotCasesOut(ScreenOut):
    overdue: int
    red_orange: int
    items: list[HotCaseOut]


class HotQuery(Schema):
    county: str | None = None
    limit: int = Field(screen.HOT_LIMIT, description="1–20")


@router.get("/hot-cases", response=HotCasesOut, url_name="screen-hot-cases")
def hot_cases(request: HttpRequest, query: Query[HotQuery]):
    """The longest overdue cases, then the open red and orange ones; no personal data."""
    county, now = _county(request, query.county), timezone.now()
    hot = screen.screen_hot_cases(county, now, limit=query.limit)
    return HotCasesOut(**_frame(county, now), overdue=hot.overdue, red_orange=hot.red_orange,
                       items=[HotCaseOut(
                           number=c.number, url=_case_url(c.number), matter=c.matter,
                           town=c.town, place=c.place, colour=c.colour,
                           colour_label=c.colour_label, status=c.status,
                           status_label=c.status_label, department=c.department,
                           reported_at=c.reported_at, overdue_metric=c.overdue_metric,
                           overdue_days=c.overdue_days(now)) for c in hot.items])


class CaseLinkOut(Schema):
    number: str
    url: str


class WarningOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    explanation: str
    above: str
    since: date | None
    first_seen: datetime
    acknowledged: bool
    url: str
    cases: list[CaseLinkOut]
    cases_total: int


class WarningsOut(ScreenOut):
    url: str
    items: list[WarningOut]


class WarningsQuery(Schema):
    county: str | None = None
    limit: int = Field(screen.WARNINGS_SHOWN, description="1–50")


@router.get("/warnings", response=WarningsOut, url_name="screen-warnings")
def warnings(request: HttpRequest, query: Query[WarningsQuery]):
    """The open early warnings, the most pressing first: what, why, how far above normal,
    since when, and their first cases."""
    county, now = _county(request, query.county), timezone.now()
    page = reverse("web:warnings")
    return WarningsOut(**_frame(county, now), url=page, items=[WarningOut(
        id=w.id, kind=w.kind, kind_label=w.kind_label, title=w.title,
        explanation=w.explanation, above=w.above, since=w.since, first_seen=w.first_seen,
        acknowledged=w.acknowledged, url=f"{page}#warning-{w.id}",
        cases=[CaseLinkOut(number=n, url=_case_url(n)) for n in w.cases],
        cases_total=w.cases_total) for w in screen.screen_warnings(county, query.limit)])
