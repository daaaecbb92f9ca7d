"""The names people use for a unit or a place, derived from its official name.

Pure functions. Each alias says whether it is *weak*: a short stem (two characters, 东关 for
东关社区) is also an ordinary word, so it may confirm a place but not name one on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from huying.gazetteer.models import PlaceKind
from huying.org.models import Level

# Longest first: 街道办事处 before 街道.
TOWN_SUFFIXES = ("街道办事处", "街道办", "街道", "镇", "乡")
COMMUNITY_SUFFIXES = ("社区居委会", "社区居民委员会", "居委会", "村民委员会", "村委会", "社区",
                      "村")
COMPOUND_SUFFIXES = ("小区", "花园", "家园", "新村", "公寓", "苑", "府", "庭")
ROAD_DIRECTIONS = "东西南北中"
ROAD_SUFFIXES = ("大道", "大街", "路", "街", "巷")
GRID_NAME = re.compile(r"^(?P<community>.+?)第(?P<number>\d+)网格$")
SPACES = re.compile(r"\s+")
MIN_STRONG_LENGTH = 3


@dataclass(frozen=True)
class Alias:
    text: str
    weak: bool


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width (NFKC), lower case, no blanks: callers'
    and typists' variants of the same words compare equal."""
    return SPACES.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _stem(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return ""


def _alias(text: str, official: str) -> Alias | None:
    text = normalise(text)
    if len(text) < 2 or text == normalise(official):
        return None
    return Alias(text, weak=len(text) < MIN_STRONG_LENGTH)


def _unique(aliases: list[Alias | None]) -> list[Alias]:
    seen: dict[str, Alias] = {}
    for alias in aliases:
        if alias is not None and alias.text not in seen:
            seen[alias.text] = alias
    return list(seen.values())


def unit_aliases(name: str, level: str) -> list[Alias]:
    """Other names of a territorial unit: 城关镇 → 城关; 东关社区 → 东关, 东关居委会;
    王家村 → 王家村委会, 王家; a grid 东关社区第3网格 → 东关3网格, 东关社区3号网格 …"""
    if level == Level.TOWN:
        stem = _stem(name, TOWN_SUFFIXES)
        if not stem:
            return []
        extra = [f"{stem}街道办", f"{stem}街办"] if name.endswith("街道") else \
            [f"{stem}镇政府", f"{stem}镇"] if name.endswith("乡") else []
        return _unique([_alias(stem, name), *(_alias(e, name) for e in extra)])
    if level == Level.COMMUNITY:
        stem = _stem(name, COMMUNITY_SUFFIXES)
        if not stem:
            return []
        if name.endswith("村"):
            forms = [f"{stem}村委会", f"{stem}村委", f"{stem}村民委员会"]
        else:
            forms = [f"{stem}居委会", f"{stem}社区居委会", f"{stem}社区服务中心"]
        return _unique([_alias(stem, name), *(_alias(f, name) for f in forms)])
    if level == Level.GRID:
        match = GRID_NAME.match(name)
        if not match:
            return []
        community, number = match["community"], match["number"]
        stem = _stem(community, COMMUNITY_SUFFIXES) or community
        forms = [f"{community}{number}网格", f"{community}{number}号网格",
                 f"{stem}第{number}网格", f"{stem}{number}网格"]
        return _unique([_alias(f, name) for f in forms])
    return []


def place_aliases(name: str, kind: str) -> list[Alias]:
    """Names callers use for a place, beyond those an administrator lists: a compound
    without its suffix (锦华小区 → 锦华, weak when short); a road without its direction
    (滨河东路 → 滨河路), which several roads may share and the other words tell apart."""
    aliases: list[Alias | None] = []
    if kind == PlaceKind.COMPOUND:
        stem = _stem(name, COMPOUND_SUFFIXES)
        if stem:
            aliases.append(_alias(stem, name))
            if not name.endswith("小区"):
                aliases.append(_alias(f"{stem}小区", name))
    elif kind == PlaceKind.ROAD:
        for suffix in ROAD_SUFFIXES:
            if name.endswith(suffix):
                body = name[: -len(suffix)]
                if len(body) >= 3 and body[-1] in ROAD_DIRECTIONS:
                    aliases.append(_alias(f"{body[:-1]}{suffix}", name))
                break
    return _unique(aliases)
