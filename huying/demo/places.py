"""The demo county's place names: roads, residential compounds, landmarks and natural
villages, each inside one grid of its community, for the gazetteer (locating by address).

Pure, no database: `places_plan(plan, seed)` walks the county plan of `geography.py` and
returns the places in a fixed order. Names are unique in the county and drawn per community
from large pools, so no two communities share the same roads; a few compounds carry the
nicknames people really use (俗称: 老粮站小区 for 粮苑小区).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from shapely.geometry import Point
from shapely.prepared import prep

from huying.demo.geography import Area

ROAD_STEMS = [
    "人民", "解放", "建设", "胜利", "青年", "文化", "新华", "中山", "光明", "友谊", "学府",
    "海港", "渔港", "观海", "滨海", "环海", "兴业", "工业", "开发", "商业", "市场", "府前",
    "城南", "城北", "东环", "西环", "北环", "南环", "古寨", "塔山", "龙山", "凤山", "青山",
    "石岛", "成山", "天鹅", "海鸥", "松涛", "樱花", "杏花", "桃花", "梨园", "枣园", "果园",
    "海埠", "港湾", "码头", "沿河", "滨河", "河西", "清河", "金河", "玉泉", "泉水", "温泉",
    "体育", "育英", "科技", "创业", "长江", "黄河", "泰山", "华山", "珠江", "黄海", "渤海",
    "威海", "烟台", "青岛", "济南", "北京", "上海", "天津", "南京", "杭州", "广州", "深圳",
    "重庆", "成都", "西安", "昆仑", "峨眉", "衡山", "嵩山", "庐山", "黄山", "武夷", "天山",
    "崂山", "蓬莱", "长白", "太行", "祁连", "海州", "盐滩", "银滩", "石门", "龙门", "凤凰",
    "麒麟", "鸿福", "永安", "永昌", "长安", "长春", "安康", "宁海", "镇海", "靖海", "定海",
    "望岛", "环翠", "鲸园", "刘公", "统一", "世昌", "戚家", "环山", "孙家滩", "杨家滩",
    "荣成", "石臼", "海阳", "莱山", "芝罘", "福山", "牟平", "栖霞", "招远", "龙口",
]
ROAD_SUFFIXES = ["路", "路", "路", "街", "大道", "东路", "西路", "南路", "北路", "中路", "大街"]
COMPOUND_FIRST = list("锦金银玉翠碧龙凤祥瑞福康泰安宁兴盛荣昌隆嘉美丽秀清明春秋鑫恒润"
                      "佳御铂悦誉华")
COMPOUND_SECOND = list("华苑城庭湾景江海山河湖泉林松竹梅兰桂馨源园都府苑港岸洲阁")
COMPOUND_SUFFIXES = ["小区", "小区", "小区", "花园", "家园", "苑", "新村", "公寓", "名苑",
                     "华庭", "雅居", "嘉园", "山庄", "御府"]
# Compounds people call by another name (俗称), placed first so every county has them.
NICKNAMED = [
    ("粮苑小区", ["老粮站小区", "粮站宿舍"]),
    ("电力公寓", ["电业局宿舍", "供电宿舍"]),
    ("纺织新村", ["老纺织厂宿舍", "棉纺厂宿舍"]),
    ("海运家园", ["航运公司宿舍"]),
    ("机械厂小区", ["机械厂宿舍", "老机械厂"]),
    ("供销花园", ["供销社家属院"]),
    ("水产公寓", ["水产公司宿舍", "冷藏厂宿舍"]),
    ("教育小区", ["教师楼", "教委宿舍"]),
    ("邮电小区", ["邮电局宿舍"]),
    ("化肥厂新村", ["化肥厂宿舍"]),
]
COUNTY_LANDMARKS = [
    ("人民医院", ["市医院", "市人民医院"]), ("中医院", ["中医医院"]),
    ("妇幼保健院", ["妇幼"]), ("第一中学", ["一中"]), ("第二中学", ["二中"]),
    ("实验中学", []), ("第一实验小学", ["实验一小"]), ("第二实验小学", ["实验二小"]),
    ("汽车总站", ["长途汽车站", "汽车站"]), ("火车站", ["高铁站"]),
    ("市民中心", ["市政府大楼"]), ("体育中心", ["体育馆"]), ("图书馆", []),
    ("文化馆", []), ("人民公园", []), ("滨海公园", ["海边公园"]), ("万达广场", ["万达"]),
    ("客运码头", ["轮渡码头"]), ("银座商城", ["银座"]), ("振华商厦", ["振华"]),
    ("职业中专", ["职专"]), ("技师学院", []), ("疾控中心", []), ("检察院", []),
    ("人民法院", ["法院"]), ("公安局", []), ("消防救援大队", ["消防队"]),
]
STREET_LANDMARK_KINDS = ["幼儿园", "农贸市场", "公园", "广场", "小学", "卫生服务站",
                         "大酒店", "菜市场", "商场", "老年公寓", "加油站", "中学", "宾馆"]
SUPERMARKETS = ["家家悦超市", "利群超市", "振华超市", "大润发"]
VILLAGE_LANDMARK_KINDS = ["小学", "卫生室", "文化广场", "养殖场", "合作社", "敬老院",
                          "幼儿园", "码头", "冷库", "砖厂", "水库", "加工厂"]
NATURAL_VILLAGE_PARTS = ["后沟", "东岭", "西洼", "南台", "北崖", "前庄", "小河", "山后",
                         "岭上", "沟里", "河南", "河北", "大埠", "小埠", "石门", "泉子"]


@dataclass(frozen=True)
class PlannedPlace:
    grid_index: int          # index into the county's grids in plan order
    name: str
    kind: str                # a gazetteer PlaceKind value
    aliases: tuple[str, ...]
    longitude: float
    latitude: float


class _Names:
    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = set(taken)
        self.road_stems = ROAD_STEMS[:]
        rng.shuffle(self.road_stems)
        self.compound_stems = [a + b for a in COMPOUND_FIRST for b in COMPOUND_SECOND
                               if a != b]
        rng.shuffle(self.compound_stems)
        self.stems_used: set[str] = set()

    def take(self, name: str) -> str | None:
        if name in self.taken:
            return None
        self.taken.add(name)
        return name

    def road(self) -> str | None:
        while self.road_stems:
            stem = self.road_stems.pop()
            name = self.take(f"{stem}{self.rng.choice(ROAD_SUFFIXES)}")
            if name:
                self.stems_used.add(stem)
                return name
        return None

    def compound(self) -> str | None:
        while self.compound_stems:
            stem = self.compound_stems.pop()
            if stem in self.stems_used:
                continue
            suffix = self.rng.choice(COMPOUND_SUFFIXES)
            if stem[-1] in suffix:  # 锦苑 + 苑, 龙府 + 御府: no one names a place so
                suffix = "小区"
            name = self.take(f"{stem}{suffix}")
            if name:
                self.stems_used.add(stem)
                return name
        return None


def _stem(name: str) -> str:
    for suffix in ("社区", "村", "街道", "镇"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def places_plan(plan: Area, seed: int = 42) -> list[PlannedPlace]:
    """Every place of the demo county, deterministic in (plan, seed)."""
    rng = random.Random(f"huying-demo-places-{seed}")
    units = {area.name for area in plan.walk()}
    names = _Names(rng, units)
    grid_index: dict[int, int] = {}
    for area in plan.walk():
        if area.level == "grid":
            grid_index[id(area)] = len(grid_index)
    shapes: dict[int, object] = {}
    places: list[PlannedPlace] = []

    def put(grid: Area, name: str | None, kind: str, aliases: list[str] = ()) -> None:
        if not name:
            return
        places.append(PlannedPlace(grid_index[id(grid)], name, kind,
                                   tuple(a for a in aliases if a not in units),
                                   *_point_in(grid, rng, shapes)))

    county_landmarks = list(COUNTY_LANDMARKS)
    nicknamed = list(NICKNAMED)
    for town in plan.children:
        land = [c for c in town.children if not c.is_sea and c.children]
        if not land:
            continue
        town_stem = _stem(town.name)
        seat = land[0]
        for suffix, aliases in (("派出所", []), ("卫生院" if not town.is_street else
                                                "社区卫生服务中心", []),
                                ("中心小学", [f"{town_stem}小学"]),
                                ("便民服务中心", [f"{town_stem}便民大厅"])):
            put(rng.choice(seat.children), names.take(f"{town_stem}{suffix}"), "landmark",
                aliases)
        for community in land:
            stem = _stem(community.name)
            grids = community.children
            if town.is_street:
                for _k in range(rng.randint(2, 3)):
                    put(rng.choice(grids), names.road(), "road")
                for _k in range(rng.randint(3, 5)):
                    if nicknamed and rng.random() < 0.3:
                        name, aliases = nicknamed.pop(0)
                        put(rng.choice(grids), names.take(name), "compound", aliases)
                    else:
                        put(rng.choice(grids), names.compound(), "compound")
                kinds = rng.sample(STREET_LANDMARK_KINDS, rng.randint(2, 3))
                for kind in kinds:
                    put(rng.choice(grids), names.take(f"{stem}{kind}"), "landmark")
                if rng.random() < 0.5:
                    brand = rng.choice(SUPERMARKETS)
                    put(rng.choice(grids), names.take(f"{brand}{stem}店"), "landmark",
                        [f"{stem}{brand}"])
                if county_landmarks and rng.random() < 0.6:
                    name, aliases = county_landmarks.pop(0)
                    put(rng.choice(grids), names.take(name), "landmark", aliases)
            else:
                if rng.random() < 0.6:
                    put(rng.choice(grids), names.road(), "road")
                if rng.random() < 0.25:
                    put(rng.choice(grids), names.compound(), "compound")
                for kind in rng.sample(VILLAGE_LANDMARK_KINDS, rng.randint(1, 2)):
                    put(rng.choice(grids), names.take(f"{stem}{kind}"), "landmark")
                if len(grids) > 1 and rng.random() < 0.5:
                    part = rng.choice(NATURAL_VILLAGE_PARTS)
                    put(rng.choice(grids), names.take(f"{stem}{part}"), "village",
                        [f"{stem}{part}村"])
    return places


def _point_in(grid: Area, rng: random.Random, shapes: dict[int, object]
              ) -> tuple[float, float]:
    """A point well inside the grid (away from its edges, where neighbours meet)."""
    prepared = shapes.get(id(grid))
    if prepared is None:
        inner = grid.geometry.buffer(-0.0003)
        if inner.is_empty:
            inner = grid.geometry
        prepared = shapes[id(grid)] = (inner.bounds, prep(inner), inner)
    (west, south, east, north), contains, inner = prepared
    for _attempt in range(100):
        lon, lat = round(rng.uniform(west, east), 6), round(rng.uniform(south, north), 6)
        if contains.contains(Point(lon, lat)):
            return lon, lat
    point = inner.representative_point()
    return round(point.x, 6), round(point.y, 6)
