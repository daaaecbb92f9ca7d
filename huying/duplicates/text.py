"""How alike two reports read, in Chinese, without a word segmenter.

A report says where and what. Where is measured by the points (or the grid) already, and two
different problems at one address share every character of the address, so the texts are
compared twice: the problem once the place names and the boilerplate of the channels are
taken out ("市民来电反映", "网格员巡查发现", "请尽快处理"), and the place names alone (for
reports without a point). Each part becomes character 1- and 2-grams weighted by how rare
they are in a reference corpus of governance reports (the bundled catalogue's examples and
names, read once per process), and two parts compare by cosine.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from huying.duplicates.thesaurus import concepts_of

# What the channels put around every report: greetings, the clerk's frame, the requests
# at the end. Longest first, so "市民来电反映" goes before "反映".
BOILERPLATE = sorted({
    "市民来电反映", "市民来电", "来电人反映", "来电人称", "来电反映", "来电称", "群众反映",
    "居民反映", "村民反映", "有市民反映", "网格员上报", "网格员巡查发现", "网格巡查发现",
    "巡查发现", "网格员", "经核实", "现场核实", "喂你好", "你好", "您好", "喂", "我要反映",
    "我想反映", "反映个事", "反映一下", "反映", "投诉", "举报", "请尽快处理", "请尽快",
    "尽快处理", "请相关部门", "相关部门", "有关部门", "希望", "麻烦", "谢谢", "赶紧",
    "尽快", "处理一下", "处理", "解决", "看看", "一下", "请", "帮忙", "能不能", "是不是",
    "怎么办", "已上报", "已设警示", "需上门查看",
}, key=len, reverse=True)
_BOILERPLATE = re.compile("|".join(map(re.escape, BOILERPLATE)))

# Characters that carry no problem: function words and pronouns.
STOP_CHARS = set("的了是在有我你他她它们这那个也都就还又和与及跟把被给让对从往向到着过吗呢吧啊呀嘛"
                 "很太真挺特别好多一些么啥什么儿")

# A place name: a few name characters before a suffix that says it is a place; house and
# building numbers. Name characters exclude the stop characters and the words that point
# at a place ("家门口的幸福路" yields "幸福路", not the whole phrase).
NOT_NAME = STOP_CHARS | set("家门口边旁前后外上下内处道沟屋院心")
_NAME = "(?:(?![" + "".join(sorted(NOT_NAME)) + r"])[\u4e00-\u9fff])"
PLACE_SUFFIXES = ("大道", "大街", "路", "街", "巷", "胡同", "小区", "花园", "家园", "新村", "村",
                  "社区", "街道", "镇", "广场", "公园", "大厦", "商厦", "商场", "市场", "小学",
                  "中学", "学校", "医院", "水库", "工业园", "码头", "渔港", "桥", "站", "山", "里")
_PLACE = re.compile(
    r"(?:" + _NAME + r"{1,4}(?:" + "|".join(PLACE_SUFFIXES) + r"))"
    r"|(?:[0-9一二三四五六七八九十]+(?:号楼|号|栋|幢|单元|楼|层|室|户|路))"
    r"|(?:[0-9]{3,})")  # a room or house number
_PLACE_WORDS = re.compile(r"交叉口|十字路口|路口|口子|附近|门口|门前|旁边|对面|东侧|西侧|南侧|北侧|"
                          r"东南角|西南角|东北角|西北角|中段|一带|这一片|那一片|那边|这边|那里|这里")
_NOT_TEXT = re.compile(r"[^\u4e00-\u9fff0-9a-z]+")


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no punctuation or spaces, no boilerplate."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _NOT_TEXT.sub("", text)
    return _BOILERPLATE.sub("", text)


def split_place(text: str) -> tuple[str, list[str]]:
    """(the problem part, the place names) of a normalised text."""
    text = _PLACE_WORDS.sub("", text)
    places = [m.group(0) for m in _PLACE.finditer(text)]
    return _PLACE.sub("", text), places


def grams(text: str) -> Counter[str]:
    """Character unigrams (no stop characters) and bigrams."""
    out: Counter[str] = Counter(c for c in text if c not in STOP_CHARS)
    out.update(text[i:i + 2] for i in range(len(text) - 1))
    return out


@dataclass(frozen=True)
class TextProfile:
    """A report's text as the similarity reads it, computed once per report."""

    problem: dict[str, float]  # n-gram → tf-idf weight, unit length
    places: dict[str, float]
    concepts: frozenset[str]  # thesaurus.py

    @classmethod
    def of(cls, text: str) -> TextProfile:
        """The profile of a text; the earlier reports near a new one are read again and
        again by the reports that follow, so profiles are kept per process by text."""
        return _profile(text)

    @classmethod
    def computed(cls, text: str) -> TextProfile:
        normal = normalise(text)
        problem, places = split_place(normal)
        return cls(problem=_vector(grams(problem)), places=_vector(grams("|".join(places))),
                   concepts=frozenset(concepts_of(normal)))


@functools.lru_cache(maxsize=8192)
def _profile(text: str) -> TextProfile:
    return TextProfile.computed(text)


def concept_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice overlap of two reports' concepts; 0 when either names none."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return min(1.0, sum(w * b.get(g, 0.0) for g, w in a.items()))


def _vector(counts: Counter[str]) -> dict[str, float]:
    idf, default = _idf()
    weights = {g: (1 + math.log(n)) * idf.get(g, default) * (0.5 if len(g) == 1 else 1.0)
               for g, n in counts.items() if "|" not in g}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {g: w / norm for g, w in weights.items()} if norm else {}


CORPUS = Path(__file__).resolve().parent.parent / "catalog" / "data" / "catalog.json"


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    """Inverse document frequency of the n-grams of the reference corpus; an n-gram the
    corpus never saw weighs as much as the rarest."""
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    documents = []
    for matter in data["matter_types"]:
        documents.extend([matter["name"], matter.get("standard", ""),
                          *matter.get("examples", [])])
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update(set(grams(split_place(normalise(document))[0])))
    total = len(documents)
    idf = {g: math.log((1 + total) / (1 + n)) + 1 for g, n in frequency.items()}
    return idf, math.log(1 + total) + 1
