"""The indicator API (`/api/v1/analytics/…`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from huying.analytics.indicators import Scope, indicators_for
from huying.assessment.schemas import IndicatorsOut, indicator_out
from huying.cases import access, reads
from huying.common.errors import ValidationFailed
from huying.org.auth import api_auth

router = Router(tags=["指标"], auth=api_auth)


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
