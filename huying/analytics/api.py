"""The indicator API (`/api/v1/analytics/…`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from huying.analytics import figures
from huying.analytics.indicators import Scope, indicators_for
from huying.analytics.selectors import figures_slice
from huying.assessment.schemas import IndicatorsOut, indicator_out
from huying.cases import access, reads
from huying.common.errors import ValidationFailed
from huying.common.replica import analytics_reads_view
from huying.org.auth import api_auth

router = Router(tags=["指标"], auth=api_auth)
# Analytics reads: on the read replica when there is one (common/replica.py).
router.add_decorator(analytics_reads_view)


class IndicatorQuery(Schema):
    start: date = Field(..., alias="from", description="first day, YYYY-MM-DD")
    to: date = Field(..., description="last day (inclusive), YYYY-MM-DD")
    county: str | None = None
    town: str | None = None
    department: str | None = None


@router.get("/indicators", response=IndicatorsOut)
def indicators(request: HttpRequest, query: Query[IndicatorQuery]):
    viewer = access.viewer_of(request.user, query.county)
    county = access.ensure_may_see_rankings(viewer)
    if query.to < query.start:
        raise ValidationFailed(_("The period ends before it starts."), field="to")
    town = reads.unit_by_code(query.town, field="town") if query.town else None
    department = (reads.department_by_code(query.department, field="department")
                  if query.department else None)
    access.ensure_may_see_scope(viewer, town=town, department=department)
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(query.start, time.min, tzinfo=tz)
    end = datetime.combine(query.to + timedelta(days=1), time.min, tzinfo=tz)
    values = indicators_for(Scope(county=county, town=town, department=department), start, end)
    return IndicatorsOut(county=county.code, town=town.code if town else None,
                         department=department.code if department else None, start=start,
                         end=end, indicators=[indicator_out(v) for v in values])


# ---------------------------------------------------------------------------------------
# figures from the rollups


class FiguresQuery(Schema):
    start: date = Field(..., alias="from", description="first day, YYYY-MM-DD")
    to: date = Field(..., description="last day (inclusive), YYYY-MM-DD")
    county: str | None = None
    unit: str | None = Field(None, description="code of a town, community or grid")
    channel: str | None = None
    matter_type: str | None = Field(None, description="matter code, e.g. M002")
    domain: str | None = Field(None, description="domain code")
    colour: str | None = Field(None, description="red, orange, yellow, blue, green; "
                                                 "'none' for no colour")
    by: str | None = Field(None, description="breakdown: town, child, grid, unit, channel, "
                                             "matter_type, domain, colour, cell")
    grain: str | None = Field(None, description="trend: day, week or month")


class FigureRowOut(Schema):
    key: str
    label: str
    measures: dict[str, int]


class FigurePointOut(Schema):
    first: date
    label: str
    measures: dict[str, int]


class FiguresOut(Schema):
    county: str
    first: date
    last: date
    totals: dict[str, int]
    rows: list[FigureRowOut] | None = None
    trend: list[FigurePointOut] | None = None


@router.get("/figures", response=FiguresOut)
def figures_read(request: HttpRequest, query: Query[FiguresQuery]):
    """Case counts of a period and slice, from the rollups: totals, and a breakdown by one
    dimension (`by`) or a trend (`grain`)."""
    viewer = access.viewer_of(request.user, query.county)
    county = access.ensure_may_see_rankings(viewer)
    piece = figures_slice(viewer, county, query)
    rows = trend = None
    if query.by:
        rows = [FigureRowOut(key=str(row.key), label=row.label, measures=row.measures)
                for row in figures.breakdown(piece, query.by)]
    if query.grain:
        trend = [FigurePointOut(first=p.first, label=p.label, measures=p.measures)
                 for p in figures.trend(piece, query.grain)]
    return FiguresOut(county=county.code, first=piece.first, last=piece.last,
                      totals=figures.totals(piece), rows=rows, trend=trend)
