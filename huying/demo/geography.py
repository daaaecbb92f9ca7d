"""The demo county's map: a fictional coastal county-level city (示范市) on the east coast,
its towns/streets, communities/villages, grids, unit and cell grids, and sea grids.

Pure geometry, no database: `county_plan(seed, sizes)` returns a tree of `Area`s. Every level
tiles its parent with Voronoi cells (relaxed a little so they look like real districts),
clipped to the parent, so siblings never overlap and children stay inside their parent.
The same seed and sizes always give the same map.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

GRID_SIZE = 1e-6  # degrees (~0.1 m): the county outline is drawn on this grid

# A stretch of coast around 122.3–122.6 E, 36.8–37.2 N; the sea lies to the east.
WEST, EAST_SEA, SOUTH, NORTH = 122.30, 122.68, 36.80, 37.20
COAST_LON = 122.55


@dataclass(frozen=True)
class Sizes:
    """How big a county to generate (the tests use small ones)."""

    towns: int = 12
    streets: int = 4                # how many of the towns are streets (街道), the urban core
    communities: int = 80
    grids: int = 800
    detailed_towns: int = 2         # towns whose grids are split into unit and cell grids
    units_per_grid: int = 3
    cells_per_unit: int = 3
    sea_communities: int = 2
    sea_grids_per_community: int = 3
    volunteer_teams: int = 20


FULL = Sizes()
SMALL = Sizes(towns=3, streets=1, communities=6, grids=24, detailed_towns=1,
              units_per_grid=2, cells_per_unit=2, sea_communities=1,
              sea_grids_per_community=2, volunteer_teams=2)


@dataclass
class Area:
    level: str
    name: str
    geometry: BaseGeometry
    is_street: bool = False
    is_sea: bool = False
    children: list[Area] = field(default_factory=list)

    def geojson(self) -> dict:
        return geojson_of(self.geometry)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def geojson_of(geometry: BaseGeometry) -> dict:
    data = mapping(geometry)

    def exact(value):
        if isinstance(value, tuple | list) and value and isinstance(value[0], float | int):
            return [float(v) for v in value[:2]]
        return [exact(v) for v in value]

    return {"type": data["type"], "coordinates": exact(data["coordinates"])}


# --- shapes --------------------------------------------------------------------------------------

def _snap(geometry: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal part of an overlay result.

    Coordinates are deliberately not rounded: rounding a child's vertices independently of
    its parent's would push slivers of it outside the parent and over its neighbours.
    """
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons: list[Polygon] = []
    for part in getattr(geometry, "geoms", []):
        if part.geom_type == "Polygon":
            polygons.append(part)
        elif part.geom_type == "MultiPolygon":
            polygons.extend(part.geoms)
    if not polygons:
        return Polygon()
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _wiggle(rng: random.Random, start: tuple[float, float], end: tuple[float, float],
            steps: int, amplitude: float) -> list[tuple[float, float]]:
    """Points from start to end (exclusive of end) with a smooth random sideways wobble."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(3)]
    points = []
    for i in range(steps):
        t = i / steps
        offset = 0.0 if i == 0 else amplitude * (
            0.6 * math.sin(2 * math.pi * t + phases[0])
            + 0.3 * math.sin(5 * math.pi * t + phases[1])
            + 0.1 * math.sin(11 * math.pi * t + phases[2])) * math.sin(math.pi * t)
        points.append((x0 + (x1 - x0) * t + nx * offset, y0 + (y1 - y0) * t + ny * offset))
    return points


def coast_and_land(rng: random.Random) -> tuple[BaseGeometry, BaseGeometry]:
    """The land (west) and the near sea (east), sharing the coastline exactly."""
    coast = [(COAST_LON + rng.uniform(-0.035, 0.035) * math.sin(math.pi * i / 24)
              + 0.02 * math.sin(i * 0.9), SOUTH + (NORTH - SOUTH) * i / 24) for i in range(25)]
    coast = [(round(x, 6), round(y, 6)) for x, y in coast]
    west = _wiggle(rng, (WEST + 0.01, NORTH), (WEST + 0.01, SOUTH), 16, 0.01)
    west = [(round(x, 6), round(y, 6)) for x, y in west]
    land = Polygon([*coast, *west, coast[0]])
    sea = Polygon([*coast, (EAST_SEA, NORTH), (EAST_SEA, SOUTH), coast[0]])
    return _snap(land.buffer(0)), _snap(sea.buffer(0))


def _sample(geometry: BaseGeometry, n: int, rng: random.Random) -> list[Point]:
    minx, miny, maxx, maxy = geometry.bounds
    prepared = prep(geometry)
    points: list[Point] = []
    tries = 0
    while len(points) < n and tries < n * 200:
        tries += 1
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if prepared.contains(point):
            points.append(point)
    while len(points) < n:  # a sliver of a parent: fall back to points on its interior
        points.append(geometry.representative_point())
    return points


def _voronoi(points: list[Point], parent: BaseGeometry) -> list[BaseGeometry]:
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=parent.envelope.buffer(0.05),
                                     ordered=True)
    return [parent.intersection(cell) for cell in cells.geoms]


def split(parent: BaseGeometry, n: int, rng: random.Random, relax: int = 2) -> list[BaseGeometry]:
    """Tile `parent` with about `n` non-overlapping pieces, ordered north-west first."""
    if n <= 1:
        return [parent]
    points = _sample(parent, n, rng)
    for _round in range(relax):  # Lloyd relaxation: evener, more district-like cells
        moved = []
        for cell, point in zip(_voronoi(points, parent), points, strict=True):
            centre = cell.centroid if not cell.is_empty else point
            moved.append(centre if parent.contains(centre) else point)
        points = moved
    pieces = [_snap(cell) for cell in _voronoi(points, parent)]
    pieces = [p for p in pieces if not p.is_empty and p.area > 0]
    pieces.sort(key=lambda g: (-round(g.centroid.y, 4), round(g.centroid.x, 4)))
    return pieces


def _shares(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split `total` by weight (largest remainder), at least `minimum` each."""
    base = [minimum] * len(weights)
    rest = max(total - minimum * len(weights), 0)
    whole = sum(weights) or 1.0
    exact = [rest * w / whole for w in weights]
    shares = [b + int(e) for b, e in zip(base, exact, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: -(exact[i] - int(exact[i])))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


# --- names ---------------------------------------------------------------------------------------

TOWN_STEMS = ["海滨", "望海", "金港", "文昌", "青石", "渔湾", "桃源", "云峰", "松岭", "鹿鸣",
              "潮音", "白沙", "北岚", "凤栖", "槐荫", "清泉", "东崮", "港西"]
STREET_COMMUNITY_STEMS = ["听涛", "海景", "金沙", "望月", "春晖", "和平", "幸福", "新港", "府前",
                          "育才", "东风", "翠竹", "书香", "锦绣", "康宁", "滨河", "朝阳", "明珠",
                          "观澜", "长青", "振华", "龙泉", "泰和", "嘉禾", "丽景", "怡园",
                          "紫荆", "金桥", "文峰", "凤鸣", "瑞祥", "华夏", "光华", "兴隆",
                          "安居", "宝泉", "环岛", "清风", "北苑", "南山"]
SURNAMES_FOR_VILLAGES = ["王", "李", "张", "刘", "于", "孙", "林", "曲", "鞠", "毕", "丛", "邹",
                         "姜", "谭", "郭", "宋", "隋", "慕", "汤", "梁", "荆", "初", "夏", "连"]
VILLAGE_SUFFIXES = ["家疃", "格庄", "家庄", "家洼", "家岭", "家泊", "家埠", "家沟"]
VILLAGE_PLAIN = ["东山", "西岭", "南泊", "北港", "前岛", "后河", "大疃", "小岚", "石岭", "沙窝",
                 "马道", "桑沟", "河口", "湾头", "峰西", "槎山"]


class NameBook:
    """Hands out distinct plausible names, reproducibly from the generator's random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.towns_named = -1

    def town(self, street: bool) -> str:
        self.towns_named += 1
        index = self.towns_named
        stem = TOWN_STEMS[index % len(TOWN_STEMS)]
        if index >= len(TOWN_STEMS):
            stem += str(index // len(TOWN_STEMS) + 1)
        return f"{stem}{'街道' if street else '镇'}"

    def community(self, street: bool) -> str:
        for _attempt in range(500):
            if street:
                name = f"{self.rng.choice(STREET_COMMUNITY_STEMS)}社区"
            elif self.rng.random() < 0.7:
                name = (f"{self.rng.choice(SURNAMES_FOR_VILLAGES)}"
                        f"{self.rng.choice(VILLAGE_SUFFIXES)}村")
            else:
                name = f"{self.rng.choice(VILLAGE_PLAIN)}村"
            if name not in self.used:
                self.used.add(name)
                return name
        name = f"新{len(self.used) + 1}{'社区' if street else '村'}"
        self.used.add(name)
        return name


# --- the plan ------------------------------------------------------------------------------------

def county_plan(seed: int = 42, sizes: Sizes = FULL) -> Area:
    """The whole territorial tree of the demo county, deterministic in (seed, sizes)."""
    rng = random.Random(seed)
    names = NameBook(rng)
    land, sea = coast_and_land(rng)
    county = Area("county", "示范市", _snap(land.union(sea)))

    town_shapes = split(land, sizes.towns, rng)
    # The streets are the urban core: the towns nearest the middle of the coast.
    centre = Point(COAST_LON - 0.02, (SOUTH + NORTH) / 2)
    by_centrality = sorted(range(len(town_shapes)),
                           key=lambda i: town_shapes[i].centroid.distance(centre))
    streets = set(by_centrality[: sizes.streets])
    towns = [Area("town", "", shape_, is_street=i in streets)
             for i, shape_ in enumerate(town_shapes)]
    # Streets take the first (most urban-sounding) names, then the towns.
    for town in sorted(towns, key=lambda t: not t.is_street):
        town.name = names.town(town.is_street)

    weights = [t.geometry.area * (2.0 if t.is_street else 1.0) for t in towns]
    for town, count in zip(towns, _shares(sizes.communities, weights, 2), strict=True):
        town.children = [Area("community", names.community(town.is_street), g)
                         for g in split(town.geometry, count, rng)]

    communities = [c for t in towns for c in t.children]
    weights = [c.geometry.area * (3.0 if t.is_street else 1.0)
               for t in towns for c in t.children]
    for community, count in zip(communities, _shares(sizes.grids, weights, 1), strict=True):
        community.children = [Area("grid", f"{community.name}第{k}网格", g)
                              for k, g in enumerate(split(community.geometry, count, rng), 1)]

    # Unit and cell grids for the first few towns (street towns first: densest, most useful).
    detailed = sorted(towns, key=lambda t: (not t.is_street, towns.index(t)))
    for town in detailed[: sizes.detailed_towns]:
        for community in town.children:
            for grid in community.children:
                grid.children = [
                    Area("unit", f"{grid.name}第{u}单元格", g, children=[
                        Area("cell", f"{grid.name}第{u}单元格第{c}细胞格", cg)
                        for c, cg in enumerate(split(g, sizes.cells_per_unit, rng, 1), 1)])
                    for u, g in enumerate(split(grid.geometry, sizes.units_per_grid, rng, 1), 1)]

    _add_sea(towns, sea, sizes, rng)
    county.children = towns
    return county


def _add_sea(towns: list[Area], sea: BaseGeometry, sizes: Sizes, rng: random.Random) -> None:
    """Fishing waters (海上网格): bands of the near sea, each a sea community of the coastal
    town that borders it most, tiled by sea grids. The town's boundary takes in its waters."""
    if sizes.sea_communities <= 0:
        return
    step = (NORTH - SOUTH) / sizes.sea_communities
    for band_index in range(sizes.sea_communities):
        band = _snap(sea.intersection(box(WEST, SOUTH + band_index * step, EAST_SEA,
                                          SOUTH + (band_index + 1) * step)))
        if band.is_empty:
            continue
        edge = band.buffer(GRID_SIZE * 10)
        town = max(towns, key=lambda t: (t.geometry.intersection(edge).area, -towns.index(t)))
        waters = Area("community", f"{town.name[:-2] if town.is_street else town.name[:-1]}"
                      f"海域{band_index + 1}区", band, is_sea=True)
        waters.children = [Area("grid", f"{waters.name}第{k}海上网格", g, is_sea=True)
                           for k, g in enumerate(
                               split(band, sizes.sea_grids_per_community, rng), 1)]
        town.children.append(waters)
        town.geometry = _snap(town.geometry.union(band))


def bbox() -> tuple[float, float, float, float]:
    return WEST, SOUTH, EAST_SEA, NORTH
