"""The county map (一张图): what every map of the platform is drawn from.

- **The base** (`map_base`): the county's own polygons at one level (towns, communities or
  grids), simplified for the coarse levels, each with a point to hang its label on, and the
  gazetteer's named places. It needs no tile server: the map works offline; a tile layer
  (`HUYING_MAP_TILE_URL`) only goes underneath.
- **The cases** (`map_cases`): the viewer's cases with a point, newest first, at most
  `POINTS_LIMIT` per answer (and a flag when there were more), or, zoomed out, clusters
  counted by the database on a grid of about 80 screen pixels.
- **The density** (`map_density`): reports per hexagonal cell (H3 resolution 8), read from the
  rollups (`CellDay`, and `CellMonth` for whole months, through `figures.breakdown`), never
  by scanning the cases.
- **The towns' counts** (`map_town_counts`): what a click on a town shows, from the rollups.

Everything answers GeoJSON (longitude, latitude). Personal data never appears: a case
point carries its number, title, colour, status, stage and matter only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import h3
import numpy as np
import shapely
from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Max, Q
from django.db.models.functions import Cast, Floor
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import shape

from huying.analytics import figures
from huying.cases import access
from huying.cases.models import Case, CaseStatus
from huying.cases.states import DONE_CASE, OPEN_CASE, WITHDRAWN_CASE
from huying.catalog.models import COLOUR_SEVERITY, Colour, MatterType
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.gazetteer.models import Place, PlaceKind
from huying.org.models import Level, OrgUnit, User

BASE_LEVELS = (Level.TOWN, Level.COMMUNITY, Level.GRID)
# Douglas–Peucker tolerance per level, in degrees (0.0003° ≈ 30 m): a town is looked at from
# afar, a grid from a street away. Shared edges may part by less than that; nobody sees it.
SIMPLIFY = {Level.COUNTY: 0.0005, Level.TOWN: 0.0003, Level.COMMUNITY: 0.0001,
            Level.GRID: 0.00002}
DIGITS = 6          # ~0.1 m: more would only make the answer longer
PLACES_LIMIT = 3000
POINTS_LIMIT = 5000
# Below this zoom (Leaflet's; 15 ≈ a few streets on a screen) cases come as clusters.
CLUSTER_BELOW_ZOOM = 15
CLUSTER_PIXELS = 80
MIN_ZOOM, MAX_ZOOM = 0, 22
DEFAULT_DAYS = 30
STATUS_GROUPS: dict[str, frozenset[str]] = {"open": OPEN_CASE, "done": DONE_CASE,
                                            "withdrawn": WITHDRAWN_CASE}
STAGE_LABELS = {"open": gettext_lazy("In progress"), "done": gettext_lazy("Finished"),
                "withdrawn": gettext_lazy("Not taken on")}
# Most severe first: a cluster wears the worst colour among its cases.
COLOURS = sorted(Colour.values, key=lambda c: -COLOUR_SEVERITY[c])

FeatureCollection = dict[str, Any]


def stage_of(status: str) -> str:
    """The three stages a map distinguishes: in progress, completed, not taken on."""
    if status in DONE_CASE:
        return "done"
    if status in WITHDRAWN_CASE:
        return "withdrawn"
    return "open"


# ---------------------------------------------------------------------------------------
# the county and the filters of a request


def map_county(user: User, code: str | None = None) -> OrgUnit:
    """The county whose map the user opens: theirs, or (an administrator, or a person working
    for several counties) the one named. A user without a county is refused (403)."""
    if code:
        county = OrgUnit.objects.filter(level=Level.COUNTY, code=code).first()
        if county is None:
            raise ValidationFailed(_("Unknown county %(code)s.") % {"code": code[:20]},
                                   field="county")
        if access.is_platform_admin(user) or any(
                c.pk == county.pk for c in access.counties_of(user)):
            return county
        raise PermissionDenied(_("This county's map is not yours to see."))
    county = access.county_of(user)
    if county is None:
        raise PermissionDenied(_("The county map is for the staff of a county."))
    return county


@dataclass(frozen=True)
class Bbox:
    west: float
    south: float
    east: float
    north: float


def bbox_parse(raw: str | None) -> Bbox | None:
    """`west,south,east,north` in degrees (Leaflet's `getBounds().toBBoxString()`)."""
    if not raw:
        return None
    parts = raw.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ValidationFailed(_("The bbox must be four numbers: west,south,east,north."),
                               field="bbox")
    west, south, east, north = values
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90
            and -90 <= north <= 90):
        raise ValidationFailed(_("The bbox lies outside the earth's coordinates."),
                               field="bbox")
    if west >= east or south >= north:
        raise ValidationFailed(_("The bbox must have its west below its east and its south "
                                 "below its north."), field="bbox")
    return Bbox(west, south, east, north)


@dataclass(frozen=True)
class MapFilter:
    """One request's filters, checked: the period (inclusive days), a matter (every
    catalogue version of its code), a status or stage, a colour ("" for none), a bbox."""

    first: date
    last: date
    matter: MatterType | None = None
    status: str | None = None
    colour: str | None = None
    bbox: Bbox | None = None

    @property
    def statuses(self) -> frozenset[str] | None:
        if self.status is None:
            return None
        return STATUS_GROUPS.get(self.status, frozenset({self.status}))


def map_filter(*, county: OrgUnit, today: date, first: date | None = None,
               last: date | None = None, matter_type: str | None = None,
               status: str | None = None, colour: str | None = None,
               bbox: str | None = None) -> MapFilter:
    """The filters a request names, each refused (422, on its field) when unknown. Without a
    period, the last `DEFAULT_DAYS` days up to today (or up to `last`)."""
    last = last or (today if first is None else max(today, first))
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise ValidationFailed(_("The period ends before it starts."), field="to")
    if (last - first).days >= figures.MAX_DAYS:
        raise ValidationFailed(_("Ask for at most ten years at a time."), field="from")
    matter = None
    if matter_type:
        matter = (MatterType.objects.filter(code=matter_type, version__county=county)
                  .order_by("-pk").first())
        if matter is None:
            raise ValidationFailed(_("Unknown matter type %(code)s.")
                                   % {"code": matter_type[:20]}, field="matter_type")
    if status and status not in STATUS_GROUPS and status not in CaseStatus.values:
        raise ValidationFailed(_("Unknown status %(status)s.") % {"status": status[:30]},
                               field="status")
    wanted_colour = None
    if colour:
        wanted_colour = "" if colour == "none" else colour
        if wanted_colour and wanted_colour not in Colour.values:
            raise ValidationFailed(_("Unknown colour %(colour)s.") % {"colour": colour[:20]},
                                   field="colour")
    return MapFilter(first=first, last=last, matter=matter, status=status or None,
                     colour=wanted_colour, bbox=bbox_parse(bbox))


def _period(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of the first day, start of the day after the last) in the county's time."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return (datetime.combine(first, time.min, tzinfo=tz),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz))


# ---------------------------------------------------------------------------------------
# the base


def _unit_features(units: list[OrgUnit], parent_codes: dict[int, str]
                   ) -> list[dict[str, Any]]:
    """The units as GeoJSON features, simplified per level, coordinates rounded, each with
    the point its name is written at: the centre of the largest circle inside it (the
    centroid of a crescent lies outside it), on land for a coastal one. Vectorised over all
    units at once."""
    # A hand-edited bad boundary is left out, never breaks the map.
    geoms = shapely.from_geojson([json.dumps(u.geometry) for u in units], on_invalid="ignore")
    keep = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty
            and shapely.is_valid(g) and g.area > 0]
    units = [units[i] for i in keep]
    geoms = geoms[keep]
    if not units:
        return []
    tolerances = np.array([SIMPLIFY.get(u.level, 0.0) for u in units])
    simplified = shapely.simplify(geoms, tolerances, preserve_topology=True)
    simplified = np.where(shapely.is_empty(simplified), geoms, simplified)
    simplified = shapely.transform(simplified, lambda xy: np.round(xy, DIGITS))
    # A coastal town's name goes on its land: its sea units are cut away before the circle.
    sea = [i for i, u in enumerate(units) if u.is_sea]
    on_land = geoms
    if sea:
        water = shapely.union_all(geoms[sea])
        cut = shapely.difference(geoms, water)
        usable = ~shapely.is_empty(cut) & (shapely.area(cut) > 0)
        usable[sea] = False
        on_land = np.where(usable, cut, geoms)
    circles = shapely.maximum_inscribed_circle(
        on_land, tolerance=np.sqrt(shapely.area(on_land)) / 20)
    labels = np.round(shapely.get_coordinates(shapely.get_point(circles, 0)), DIGITS)
    return [{"type": "Feature", "geometry": json.loads(text),
             "properties": {"kind": "unit", "level": u.level, "code": u.code, "name": u.name,
                            "parent": parent_codes.get(u.parent_id, ""),
                            "is_street": u.is_street, "is_sea": u.is_sea,
                            "label": [float(x), float(y)]}}
            for u, text, (x, y) in zip(units, shapely.to_geojson(simplified), labels,
                                       strict=True)]


def _place_features(county: OrgUnit) -> list[dict[str, Any]]:
    places = (Place.objects.filter(county=county, active=True, longitude__isnull=False,
                                   latitude__isnull=False)
              .exclude(kind=PlaceKind.UNIT_ALIAS).order_by("kind", "name")
              .values_list("name", "kind", "longitude", "latitude")[:PLACES_LIMIT])
    return [{"type": "Feature",
             "geometry": {"type": "Point", "coordinates": [round(lon, DIGITS),
                                                           round(lat, DIGITS)]},
             "properties": {"kind": "place", "place_kind": kind, "name": name}}
            for name, kind, lon, lat in places]


def map_base(county: OrgUnit, level: str) -> FeatureCollection:
    """The county's outline and its units of `level` (town, community or grid), and its sea
    units; with the towns (the base every map loads first) also the gazetteer's named
    places, for labels.
    Three queries whatever the size of the county."""
    if level not in BASE_LEVELS:
        raise ValidationFailed(_("Unknown level %(level)s: use town, community or grid.")
                               % {"level": level[:20]}, field="level")
    # The sea's own units (sea communities and grids, topmost only) come with every level, so
    # that a coastal county's water is drawn as water under the towns that claim it.
    sea = Q(is_sea=True) & ~Q(parent__is_sea=True)
    units = list(OrgUnit.objects.filter(Q(pk=county.pk) | (Q(path__startswith=county.path)
                                                           & (Q(level=level) | sea)),
                                        active=True, geometry__isnull=False)
                 .order_by("code").only("pk", "parent_id", "level", "code", "name",
                                        "is_street", "is_sea", "geometry"))
    parents = set(u.parent_id for u in units if u.parent_id)
    parent_codes = dict(OrgUnit.objects.filter(pk__in=parents).values_list("pk", "code"))
    features = _unit_features(units, parent_codes)
    if level == Level.TOWN:
        features.extend(_place_features(county))
    return {"type": "FeatureCollection", "county": county.code, "level": level,
            "features": features}


# ---------------------------------------------------------------------------------------
# the cases


def _cases_in(user: User, county: OrgUnit, f: MapFilter):
    start, end = _period(f.first, f.last)
    cases = access.cases_visible_to(user).filter(
        county=county, longitude__isnull=False, latitude__isnull=False,
        reported_at__gte=start, reported_at__lt=end)
    if f.matter is not None:
        cases = cases.filter(matter_type__code=f.matter.code)
    if f.statuses is not None:
        cases = cases.filter(status__in=sorted(f.statuses))
    if f.colour is not None:
        cases = cases.filter(colour=f.colour)
    if f.bbox is not None:
        cases = cases.filter(longitude__gte=f.bbox.west, longitude__lte=f.bbox.east,
                             latitude__gte=f.bbox.south, latitude__lte=f.bbox.north)
    return cases


_POINT_FIELDS = ("number", "title", "colour", "status", "longitude", "latitude",
                 "matter_type__code", "matter_type__name", "reported_at")


class _Labels:
    """The status and stage labels in the active language, translated once per answer (a
    lookup per point would cost more than the point)."""

    def __init__(self) -> None:
        self.status = {value: str(label) for value, label in CaseStatus.choices}
        self.stage = {key: str(label) for key, label in STAGE_LABELS.items()}


def _point_feature(row: tuple, labels: _Labels) -> dict[str, Any]:
    number, title, colour, status, lon, lat, matter_code, matter_name, reported_at = row
    stage = stage_of(status)
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, DIGITS),
                                                          round(lat, DIGITS)]},
            "properties": {"kind": "case", "number": number, "title": title,
                           "colour": colour, "status": status,
                           "status_label": labels.status.get(status, status),
                           "stage": stage, "stage_label": labels.stage[stage],
                           "matter": {"code": matter_code, "name": matter_name}
                           if matter_code else None,
                           "reported_at": reported_at.isoformat()}}


def _points(cases, limit: int) -> tuple[list[dict[str, Any]], bool]:
    rows = list(cases.order_by("-reported_at", "-pk").values_list(*_POINT_FIELDS)[:limit + 1])
    labels = _Labels()
    return [_point_feature(r, labels) for r in rows[:limit]], len(rows) > limit


def cluster_step(zoom: int, latitude: float) -> tuple[float, float]:
    """The size in degrees (longitude, latitude) of a square of `CLUSTER_PIXELS` on a Web
    Mercator screen at `zoom` near `latitude`."""
    lon_step = 360.0 / (2 ** zoom) * CLUSTER_PIXELS / 256
    return lon_step, lon_step * math.cos(math.radians(latitude))


def _clusters(cases, zoom: int, latitude: float, limit: int
              ) -> tuple[list[dict[str, Any]], bool]:
    """The cases counted per square of the screen, by the database (one GROUP BY); a square
    holding one case answers that case as a point (one more query)."""
    lon_step, lat_step = cluster_step(zoom, latitude)
    per_colour = {f"n_{c}": Count("pk", filter=Q(colour=c)) for c in COLOURS}
    groups = list(
        cases.order_by()
        .annotate(gx=Floor(Cast(F("longitude"), FloatField()) / lon_step),
                  gy=Floor(Cast(F("latitude"), FloatField()) / lat_step))
        .values("gx", "gy")
        .annotate(n=Count("pk"), lon=Avg("longitude"), lat=Avg("latitude"), last=Max("pk"),
                  n_open=Count("pk", filter=Q(status__in=sorted(OPEN_CASE))), **per_colour)
        .order_by("-n", "gx", "gy")[:limit + 1])
    truncated = len(groups) > limit
    groups = groups[:limit]
    single = [g["last"] for g in groups if g["n"] == 1]
    singles = {row[0]: row[1:] for row in
               Case.objects.filter(pk__in=single).values_list("pk", *_POINT_FIELDS)}
    features = []
    labels = _Labels()
    for group in groups:
        if group["n"] == 1 and group["last"] in singles:
            features.append(_point_feature(singles[group["last"]], labels))
            continue
        colours = {c: group[f"n_{c}"] for c in COLOURS if group[f"n_{c}"]}
        worst = next((c for c in COLOURS if colours.get(c)), "")
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(group["lon"], DIGITS),
                                                          round(group["lat"], DIGITS)]},
            "properties": {"kind": "cluster", "count": group["n"], "open": group["n_open"],
                           "colours": colours, "colour": worst}})
    return features, truncated


def map_cases(user: User, county: OrgUnit, f: MapFilter, *, zoom: int | None = None,
              limit: int | None = None) -> FeatureCollection:
    """The viewer's cases with a point in the period and filters: as points, newest first
    (at most `limit`, `truncated` when there were more), or below `CLUSTER_BELOW_ZOOM` as
    clusters. Two to three queries whatever the number of cases."""
    limit = POINTS_LIMIT if limit is None else limit
    if zoom is not None and not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ValidationFailed(_("The zoom must be between %(min)d and %(max)d.")
                               % {"min": MIN_ZOOM, "max": MAX_ZOOM}, field="zoom")
    cases = _cases_in(user, county, f)
    if zoom is not None and zoom < CLUSTER_BELOW_ZOOM:
        latitude = ((f.bbox.south + f.bbox.north) / 2 if f.bbox is not None
                    else _county_latitude(county))
        features, truncated = _clusters(cases, zoom, latitude, limit)
        mode = "clusters"
    else:
        features, truncated = _points(cases, limit)
        mode = "points"
    return {"type": "FeatureCollection", "county": county.code, "mode": mode,
            "first": f.first.isoformat(), "last": f.last.isoformat(),
            "limit": limit, "truncated": truncated, "features": features}


def _county_latitude(county: OrgUnit) -> float:
    try:
        return shape(county.geometry).centroid.y if county.geometry else 0.0
    except Exception:  # a bad outline: the equator's steps are only a little too tall
        return 0.0


# ---------------------------------------------------------------------------------------
# from the rollups: density and the towns' counts


def _rollup_slices(user: User, county: OrgUnit, f: MapFilter, *,
                   colour: bool = False) -> list[figures.Slice]:
    """The slices of the rollups the user may read: the whole county for its leaders and
    command centre, their own towns for towns and grids. Departments are refused: the
    rollups are not kept per department and place at once."""
    viewer = access.viewer_of(user, county.code if access.is_platform_admin(user) else None)
    if viewer.county is None or viewer.county.pk != county.pk:
        raise PermissionDenied(_("This county's figures are not yours to see."))
    common = {"county": county, "first": f.first, "last": f.last, "matter_type": f.matter,
              "colour": f.colour if colour else None}
    if viewer.county_wide:
        return [figures.Slice(**common)]
    if not viewer.town_ids:
        raise PermissionDenied(_("The density of reports is for the county's leaders, "
                                 "command centre and towns."))
    towns = OrgUnit.objects.filter(pk__in=viewer.town_ids, level=Level.TOWN).order_by("code")
    return [figures.Slice(**common, unit=town) for town in towns]


def map_focus(user: User, county: OrgUnit) -> list[str]:
    """The towns a map opens on: the user's own, for those who work for towns or grids;
    none (the whole county) for the county-wide roles and departments."""
    try:
        viewer = access.viewer_of(user, county.code if access.is_platform_admin(user) else None)
    except PermissionDenied:
        return []
    if viewer.county_wide or viewer.county is None or viewer.county.pk != county.pk:
        return []
    return list(OrgUnit.objects.filter(pk__in=viewer.town_ids, level=Level.TOWN)
                .order_by("code").values_list("code", flat=True))


def map_may_read_rollups(user: User, county: OrgUnit) -> bool:
    """Whether the density and the towns' counts are the user's to see (the page offers
    those layers only then)."""
    try:
        _rollup_slices(user, county, MapFilter(first=date.min, last=date.min))
    except PermissionDenied:
        return False
    return True


def _hexagon(cell: str) -> dict[str, Any]:
    ring = [[round(lng, DIGITS), round(lat, DIGITS)] for lat, lng in h3.cell_to_boundary(cell)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def map_density(user: User, county: OrgUnit, f: MapFilter) -> FeatureCollection:
    """Reports received per hexagonal cell in the period (and matter), from the rollups:
    one query per town the user sees, one for the county."""
    counts: dict[str, dict[str, int]] = {}
    for piece in _rollup_slices(user, county, f):
        for row in figures.breakdown(piece, "cell", ("received", "open")):
            if not row.key or not row["received"]:
                continue
            into = counts.setdefault(str(row.key), {"count": 0, "open": 0})
            into["count"] += row["received"]
            into["open"] += row["open"]
    features = [{"type": "Feature", "geometry": _hexagon(cell),
                 "properties": {"kind": "cell", "cell": cell, **values}}
                for cell, values in sorted(counts.items(), key=lambda kv: (-kv[1]["count"],
                                                                             kv[0]))]
    return {"type": "FeatureCollection", "county": county.code, "first": f.first.isoformat(),
            "last": f.last.isoformat(),
            "max": max((v["count"] for v in counts.values()), default=0),
            "features": features}


TOWN_MEASURES = ("received", "open", "closed", "done", "overdue", "dispatched")


@dataclass(frozen=True)
class TownCount:
    code: str
    name: str
    measures: dict[str, int]


def map_town_counts(user: User, county: OrgUnit, f: MapFilter) -> list[TownCount]:
    """The counts a click on a town shows (received, open, completed, overdue, sent to
    departments), for the towns the user may see, in the period, matter and colour."""
    rows: list[figures.Row] = []
    for piece in _rollup_slices(user, county, f, colour=True):
        rows.extend(figures.breakdown(piece, "town", TOWN_MEASURES))
    codes = dict(OrgUnit.objects.filter(pk__in=[r.key for r in rows if r.key])
                 .values_list("pk", "code"))
    return [TownCount(code=codes[r.key], name=r.label,
                      measures={m: r[m] for m in TOWN_MEASURES})
            for r in rows if r.key in codes]

