"""The leader's home (`/` for a county leader; the queues stay at `/?tab=…`): the situation at
a glance with drill-down — the live counters, the period's indicators with their
definitions, the trend, the map, the places (county → town → community → grid → cases),
the departments (→ their score and deductions, → their overdue cases), the hot cases and
the open early warnings. Every figure comes from `analytics/screen.py` (the rollups); the
page is drawn once, its charts by `static/web/screen.js`.

Narrowed by `?unit=<code>` (a town, community or grid of the county) and
`?period=today|week|month|year` (default this month).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics import screen
from huying.analytics.indicators import Scope, indicators_for
from huying.analytics.selectors import town_of
from huying.cases import access
from huying.common.errors import NotFound, PermissionDenied, ValidationFailed
from huying.common.replica import analytics_reads_view
from huying.org.models import Level, OrgUnit, User
from huying.web.queues import queues_for
from huying.web.views.common import now
from huying.web.views.screen import screen_texts

DEPARTMENTS_SHOWN = 10
HOT_SHOWN = 10
WARNINGS_SHOWN = 5
# Counters that have a case list to open: received (every case of the period) and
# completed (closed ones).
COUNTER_STATUS = {"received": "", "completed": "closed"}


def dashboard_county(user: User) -> OrgUnit | None:
    """The county whose dashboard the user sees as their home, or None (a leader without a
    county-wide post keeps the workbench)."""
    try:
        return access.ensure_may_see_situation(access.viewer_of(user))
    except (PermissionDenied, NotFound):
        return None


def _unit(county: OrgUnit, code: str) -> OrgUnit | None:
    if not code:
        return None
    unit = OrgUnit.objects.filter(code=code[:32]).first()
    if (unit is None or not unit.path.startswith(county.path)
            or unit.level not in (Level.COUNTY, Level.TOWN, Level.COMMUNITY, Level.GRID)):
        raise ValidationFailed(_("Unknown unit %(code)s.") % {"code": code[:32]}, field="unit")
    return None if unit.level == Level.COUNTY else unit


def _trail(county: OrgUnit, unit: OrgUnit | None) -> list[OrgUnit]:
    """The county and the units above `unit`, down to it: the breadcrumb."""
    if unit is None:
        return [county]
    ids = unit.ancestor_ids()
    above = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids).only("pk", "code", "name",
                                                                       "level")}
    return [above[pk] for pk in ids if pk in above and above[pk].path.startswith(county.path)]


def _cases_url(**params: object) -> str:
    query = {"tab": "all", **{k: v for k, v in params.items() if v not in (None, "", False)}}
    return f"{reverse('web:workbench')}?{urlencode(query)}"


@analytics_reads_view  # figures and queue counts may lag by the replica's seconds
def leader_dashboard(request: HttpRequest, county: OrgUnit) -> HttpResponse:
    when = now()
    today = timezone.localdate(when)
    try:
        period = screen.screen_period(request.GET.get("period") or None, today)
        unit = _unit(county, request.GET.get("unit", "").strip())
    except ValidationFailed as error:
        return HttpResponseBadRequest(error.message)
    unit_code = unit.code if unit is not None else ""
    dates = {"date_from": period.first.isoformat(), "date_to": period.last.isoformat()}

    counters = [(c, _cases_url(unit=unit_code, status=COUNTER_STATUS[c.code], **dates)
                 if c.code in COUNTER_STATUS else "")
                for c in screen.screen_counters(county, period, unit)]

    town = town_of(unit) if unit is not None else None
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(period.first, time.min, tzinfo=tz)
    end = datetime.combine(period.last + timedelta(days=1), time.min, tzinfo=tz)
    indicators = indicators_for(Scope(county=county, town=town), start, end)

    places = []
    for row in screen.screen_places(county, period, unit):
        deeper = row.level in (Level.TOWN, Level.COMMUNITY)
        here = {"period": period.code, "unit": row.code}
        places.append({
            "row": row,
            "url": (f"?{urlencode(here)}" if deeper else
                    _cases_url(unit=row.code, **dates) if row.code else ""),
            "cases_url": _cases_url(unit=row.code, **dates) if row.code else "",
            "overdue_url": _cases_url(unit=row.code, overdue="1") if row.code else "",
        })

    departments = []
    if unit is None or unit.level == Level.TOWN:  # kept per town, not deeper
        for row in screen.screen_departments(county, period, unit, limit=DEPARTMENTS_SHOWN):
            departments.append({
                "row": row,
                "url": reverse("web:assessment-department", args=[row.code]),
                "overdue_url": _cases_url(department=row.code, overdue="1", unit=unit_code),
            })

    # channels and cells are kept per town, not deeper: below a town they are the town's
    channels = screen.screen_channels(county, period, unit) if town == unit else []
    trend = screen.screen_trend(county, today, screen.TREND_DAYS, unit)
    density = screen.screen_density(county, period, town)
    hot = screen.screen_hot_cases(county, when, limit=HOT_SHOWN) if unit is None else None
    warnings = screen.screen_warnings(county, WARNINGS_SHOWN) if unit is None else []

    base_query = {"unit": unit_code} if unit_code else {}
    data = {
        "trend": {"series": [{"code": code, "label": str(label)}
                             for code, label in screen.TREND_SERIES],
                  "points": [{"label": p.label, "values": p.values} for p in trend]},
        "channels": None if town != unit else {"total": sum(s.count for s in channels),
                     "items": [{"code": s.code, "label": s.label, "count": s.count,
                                "share": s.share} for s in channels]},
        "base": screen.county_base_map(county),
        "density": {"type": "FeatureCollection", "features": density["features"]},
        "townUrl": f"?{urlencode({'period': period.code})}&unit=__CODE__",
        # the unit drilled into: outlined and zoomed to on the county's map
        "focus": unit.geometry if unit is not None and unit.geometry else None,
    }
    return render(request, "web/dashboard.html", {
        "county": county, "unit": unit, "trail": _trail(county, unit), "period": period,
        "periods": [(value, str(label), f"?{urlencode({**base_query, 'period': value})}")
                    for value, label in screen.PERIOD_LABELS.items()],
        "counters": counters, "indicators": indicators,
        "indicator_town": town, "map_town": town, "places": places, "departments": departments,
        "channels": [(s, _cases_url(unit=unit_code, channel=s.code, **dates))
                     for s in channels],
        "hot": hot, "warnings": warnings,
        "warnings_url": reverse("web:warnings"),
        "all_cases": _cases_url(unit=unit_code),
        "queues": queues_for(request.user),
        "data": data, "i18n": screen_texts(),
    })
