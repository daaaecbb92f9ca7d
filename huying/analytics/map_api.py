"""The county map's API (`/api/v1/map/…`): the base, the cases, the density, the towns'
counts. Each parses, calls `analytics/map.py` and returns its GeoJSON."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from huying.analytics import map as county_map
from huying.common.replica import analytics_reads_view
from huying.org.auth import api_auth

router = Router(tags=["一张图"], auth=api_auth)
# Analytics reads: on the read replica when there is one (common/replica.py).
router.add_decorator(analytics_reads_view)
BASE_MAX_AGE = 300  # seconds


class FeatureOut(Schema):
    type: str
    geometry: dict[str, Any]
    properties: dict[str, Any]


class BaseQuery(Schema):
    level: str = Field("town", description="town, community or grid")
    county: str | None = Field(None, description="county code (administrators)")


class BaseOut(Schema):
    type: str
    county: str
    level: str
    features: list[FeatureOut]


class PeriodQuery(Schema):
    start: date | None = Field(None, alias="from",
                               description="first day, YYYY-MM-DD (default: 30 days back)")
    to: date | None = Field(None, description="last day (inclusive), YYYY-MM-DD (default: "
                                              "today)")
    matter_type: str | None = Field(None, description="matter code, e.g. M002")
    county: str | None = Field(None, description="county code (administrators)")


class CasesQuery(PeriodQuery):
    status: str | None = Field(None, description="a case status, or open, done, withdrawn")
    colour: str | None = Field(None, description="red, orange, yellow, blue, green; 'none' "
                                                 "for no colour")
    bbox: str | None = Field(None, description="west,south,east,north in degrees")
    zoom: int | None = Field(None, description="the map's zoom: below 15 the cases come as "
                                               "clusters")


class CasesOut(Schema):
    type: str
    county: str
    mode: str
    first: date
    last: date
    limit: int
    truncated: bool
    features: list[FeatureOut]


class DensityOut(Schema):
    type: str
    county: str
    first: date
    last: date
    max: int
    features: list[FeatureOut]


class TownsQuery(PeriodQuery):
    colour: str | None = Field(None, description="red, orange, yellow, blue, green; 'none'")


class TownCountOut(Schema):
    code: str
    name: str
    measures: dict[str, int]


class TownsOut(Schema):
    county: str
    first: date
    last: date
    items: list[TownCountOut]


def _filter(county, query: PeriodQuery, **more: Any) -> county_map.MapFilter:
    return county_map.map_filter(county=county, today=timezone.localdate(),
                                 first=query.start, last=query.to,
                                 matter_type=query.matter_type, **more)


@router.get("/base", url_name="map-base", response=BaseOut)
def base(request: HttpRequest, response: HttpResponse, query: Query[BaseQuery]):
    """The county's outline and its polygons of one level, with the gazetteer's places
    (towns only): the offline base of every map."""
    county = county_map.map_county(request.user, query.county)
    collection = county_map.map_base(county, query.level)
    # Boundaries change seldom: a browser keeps them for a few minutes across pages.
    response["Cache-Control"] = f"private, max-age={BASE_MAX_AGE}"
    return collection


@router.get("/cases", url_name="map-cases", response=CasesOut)
def cases(request: HttpRequest, query: Query[CasesQuery]):
    """The cases the user may see, with a point, newest first (at most 5,000; `truncated`
    when there were more), or clusters when `zoom` is below 15."""
    county = county_map.map_county(request.user, query.county)
    f = _filter(county, query, status=query.status, colour=query.colour, bbox=query.bbox)
    return county_map.map_cases(request.user, county, f, zoom=query.zoom)


@router.get("/density", url_name="map-density", response=DensityOut)
def density(request: HttpRequest, query: Query[PeriodQuery]):
    """Reports per hexagonal cell, from the rollups: the county for its leaders and command
    centre, their towns for towns."""
    county = county_map.map_county(request.user, query.county)
    return county_map.map_density(request.user, county, _filter(county, query))


@router.get("/towns", url_name="map-towns", response=TownsOut)
def towns(request: HttpRequest, query: Query[TownsQuery]):
    """Per town: received, open, completed, overdue and sent to departments, from the
    rollups (what a click on a town shows)."""
    county = county_map.map_county(request.user, query.county)
    f = _filter(county, query, colour=query.colour)
    return TownsOut(county=county.code, first=f.first, last=f.last,
                    items=[TownCountOut(code=t.code, name=t.name, measures=t.measures)
                           for t in county_map.map_town_counts(request.user, county, f)])
