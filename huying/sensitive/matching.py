"""Pure matching of report text against the sensitive rules (no database).

Words are found with one regular expression of every rule's words (longest first, so
"集体上访" is found rather than "上访"). Counting people reads Arabic and Chinese numerals
with their vague forms ("三十多名", "十几个", "几十号人", "上百人", "一百多户") before a word
for people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUMBER = r"[0-9０-９]+|[零〇一二两三四五六七八九十百千万几]+"
_PEOPLE_WORDS = ("人", "工人", "农民工", "民工", "工友", "员工", "职工", "村民", "居民", "业主",
                 "群众", "家长", "师傅", "司机", "船员", "户", "家", "学生", "老人", "商户",
                 "摊主", "租户", "渔民", "投资人", "会员", "学员")
_PEOPLE = re.compile(
    rf"(上|近|好|约|大约|将近|足有|有)?({_NUMBER})(多|余|来)?(个|名|位|号|户|家|口)?"
    rf"(?:多)?({'|'.join(sorted(_PEOPLE_WORDS, key=len, reverse=True))})")


def chinese_number(text: str) -> int | None:
    """The value of a numeral, reading 几 at its least plausible value (十几 → 11,
    几十 → 20, 几百 → 200; 几 alone → 3)."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if text == "几":
        return 3
    if text.startswith("几"):
        rest = _plain_number(text[1:])
        return rest * 2 if rest else None
    if text.endswith("几"):
        rest = _plain_number(text[:-1])
        return rest + 1 if rest else None
    return _plain_number(text)


def _plain_number(text: str) -> int | None:
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            return None
    return (total + current) or None


def people_mentioned(text: str) -> int | None:
    """The largest number of people the text mentions, if any."""
    best: int | None = None
    for match in _PEOPLE.finditer(text):
        value = chinese_number(match.group(2))
        if value is None:
            continue
        best = value if best is None else max(best, value)
    return best


@dataclass(frozen=True)
class RuleSpec:
    """A rule as the matcher needs it (built from `SensitiveRule` or from the lexicon file)."""

    id: int | None
    name: str
    category: str
    words: tuple[str, ...]
    requires: tuple[str, ...] = ()
    min_people: int | None = None
    excludes: tuple[str, ...] = ()

    @property
    def conditional(self) -> bool:
        return bool(self.requires) or self.min_people is not None


@dataclass(frozen=True)
class Hit:
    rule: RuleSpec
    words: tuple[str, ...]


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, unique))) if unique else None


class Matcher:
    """Every rule's words in one pattern; built once per set of rules."""

    def __init__(self, rules: Sequence[RuleSpec]) -> None:
        self.rules = tuple(rules)
        self._words = _pattern(w for r in self.rules for w in (*r.words, *r.requires))
        self._excludes = _pattern(w for r in self.rules for w in r.excludes)

    def hits(self, text: str) -> tuple[list[Hit], int | None]:
        """The rules the text triggers, with their words, and the people it mentions."""
        if self._words is None or not text:
            return [], None
        if self._excludes is not None:
            excluded = set(self._excludes.findall(text))
            # A cancelling phrase is blanked out so the words inside it do not match.
            text = self._excludes.sub(lambda m: "　" * len(m.group()), text)
        else:
            excluded = set()
        found = set(self._words.findall(text))
        people = people_mentioned(text)
        result = []
        for rule in self.rules:
            if excluded.intersection(rule.excludes):
                continue
            words = tuple(w for w in rule.words if w in found)
            if not words:
                continue
            if rule.conditional:
                also = tuple(w for w in rule.requires if w in found)
                crowd = rule.min_people is not None and people is not None \
                    and people >= rule.min_people
                if not also and not crowd:
                    continue
                words += also
            result.append(Hit(rule, words))
        return result, people
