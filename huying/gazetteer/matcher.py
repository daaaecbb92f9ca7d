"""Where a report is, read from its words: one Aho–Corasick automaton per county over every
name and alias, and the rule that turns the names found into one unit and a confidence.

Matching. The address, the title and the description are scanned separately (a name never
spans two fields); of overlapping names the longest wins (滨河东路 over 滨河). Where no exact
name of a place was found, a second pass accepts a place name of four characters or more
with one character wrong (锦化小区 for 锦华小区): callers' homophones and typists' slips.

Resolution. Every unit a found name may stand for is a candidate; a candidate's *support* is
the summed weight of the names consistent with it (naming it or one of its ancestors),
a name's weight being its specificity (below) times its field's weight (the address counts
1.5, the title and description 1). The best candidate has the most support, the deeper one
on a tie: so a compound in community X with a road also in X gives the compound's grid.

Confidence, from 0 to 1:

- the specificity of the name that gives the unit: a compound, a landmark or a grid 0.90, a
  natural village 0.85, a road 0.80, a community or village 0.75, a town 0.50;
- less 0.25 when that name is only a short stem (东关 for 东关社区), less 0.35 when it was
  matched with one character wrong;
- plus 0.10 for every other name consistent with the unit (0.05 if that name is weak);
- less 0.05 for every name lying elsewhere in the same community (a road passing by);
- less 0.20 for every name lying elsewhere outside it (0.10 if weak): a real disagreement.

When another candidate, not an ancestor, has nearly as much support (95 %), the words are
ambiguous: inside one community the result is that community (confidence at most 0.65),
else nothing. The result stands only when its confidence reaches the threshold
(`HUYING_LOCATE_MIN_CONFIDENCE`); below it the case is not located and waits for a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick
from django.utils.translation import gettext_noop

from huying.common.messages import Message, message
from huying.gazetteer.models import Place, PlaceKind
from huying.gazetteer.names import normalise, place_aliases, unit_aliases
from huying.org.models import Level, OrgUnit

FIELD_WEIGHTS = {"address": 1.5, "title": 1.0, "description": 1.0}
UNIT_SPECIFICITY = {Level.TOWN: 0.50, Level.COMMUNITY: 0.75, Level.GRID: 0.90,
                    Level.UNIT: 0.90, Level.CELL: 0.90}
PLACE_SPECIFICITY = {PlaceKind.COMPOUND: 0.90, PlaceKind.LANDMARK: 0.90,
                     PlaceKind.VILLAGE: 0.85, PlaceKind.ROAD: 0.80}
WEAK_PENALTY = 0.25
FUZZY_PENALTY = 0.35
SUPPORT_BONUS, WEAK_SUPPORT_BONUS = 0.10, 0.05
NEAR_PENALTY = 0.05
CONFLICT_PENALTY, WEAK_CONFLICT_PENALTY = 0.20, 0.10
RIVAL_SHARE = 0.95
AMBIGUOUS_CEILING = 0.65
MAX_CONFIDENCE = 0.99
FUZZY_MIN_LENGTH = 4
FUZZY_KINDS = (PlaceKind.COMPOUND, PlaceKind.LANDMARK, PlaceKind.VILLAGE, PlaceKind.ROAD)
DEPTH = {level: depth for depth, level in enumerate(
    (Level.COUNTY, Level.TOWN, Level.COMMUNITY, Level.GRID, Level.UNIT, Level.CELL))}
MASK = "\0"


@dataclass(frozen=True)
class Entry:
    """One thing a name may stand for: a unit of the tree or a place of the gazetteer."""

    name: str
    kind: str            # a PlaceKind, or "unit"
    unit: OrgUnit
    specificity: float


@dataclass(frozen=True)
class Option:
    entry: Entry
    weak: bool = False
    fuzzy: bool = False

    def strength(self) -> float:
        penalty = FUZZY_PENALTY if self.fuzzy else WEAK_PENALTY if self.weak else 0.0
        return self.entry.specificity - penalty

    @property
    def soft(self) -> bool:
        return self.weak or self.fuzzy


@dataclass
class Hit:
    """A name found in the text and everything it may stand for."""

    word: str
    field: str
    options: list[Option]

    def weight(self, option: Option) -> float:
        return option.strength() * FIELD_WEIGHTS[self.field]


@dataclass(frozen=True)
class LocateResult:
    """Where the words put a report. `unit` is None when they do not say clearly enough;
    `best` is then the likeliest unit, if any, for a person to confirm."""

    unit: OrgUnit | None
    path: tuple[str, ...]
    words: tuple[str, ...]
    confidence: float
    reason: Message
    best: OrgUnit | None = None
    conflict: bool = False

    @property
    def located(self) -> bool:
        return self.unit is not None


@dataclass
class _Support:
    unit: OrgUnit
    total: float = 0.0
    supporters: list[tuple[Hit, Option]] = field(default_factory=list)
    near: list[Hit] = field(default_factory=list)
    conflicts: list[Hit] = field(default_factory=list)


class Gazetteer:
    """The names of one county and the automaton over them. Immutable once built; build it
    through `cache.gazetteer_for` (one per county and process)."""

    def __init__(self, county: OrgUnit, units: Iterable[OrgUnit],
                 places: Iterable[Place]) -> None:
        self.county = county
        self.units = {u.pk: u for u in units}
        self.units.setdefault(county.pk, county)
        names: dict[str, list[Option]] = {}
        self.fuzzy_index: dict[str, list[Option]] = {}
        self.fuzzy_lengths: set[int] = set()
        for unit in self.units.values():
            if unit.level == Level.COUNTY:
                continue
            entry = Entry(unit.name, "unit", unit, UNIT_SPECIFICITY.get(unit.level, 0.5))
            self._add(names, unit.name, Option(entry))
            for alias in unit_aliases(unit.name, unit.level):
                self._add(names, alias.text, Option(entry, weak=alias.weak))
        for place in places:
            unit = self.units.get(place.unit_id)
            if unit is None:
                continue  # a place under an inactive unit names nothing
            specificity = (UNIT_SPECIFICITY.get(unit.level, 0.5)
                           if place.kind == PlaceKind.UNIT_ALIAS
                           else PLACE_SPECIFICITY.get(place.kind, 0.8))
            entry = Entry(place.name, place.kind, unit, specificity)
            self._add(names, place.name, Option(entry))
            if place.kind in FUZZY_KINDS:
                self._index_fuzzy(place.name, entry)
            for alias in place.aliases or []:
                if isinstance(alias, str) and len(normalise(alias)) >= 2:
                    self._add(names, alias, Option(entry))
                    if place.kind in FUZZY_KINDS:
                        self._index_fuzzy(alias, entry)
            for alias in place_aliases(place.name, place.kind):
                self._add(names, alias.text, Option(entry, weak=alias.weak))
        self.automaton = ahocorasick.Automaton()
        for word, options in names.items():
            self.automaton.add_word(word, (word, options))
        self.size = len(names)
        if self.size:
            self.automaton.make_automaton()

    @staticmethod
    def _add(names: dict[str, list[Option]], text: str, option: Option) -> None:
        word = normalise(text)
        if len(word) < 2:
            return
        options = names.setdefault(word, [])
        for index, existing in enumerate(options):
            if existing.entry == option.entry:
                if existing.weak and not option.weak:
                    options[index] = option  # the same entry under a strong form
                return
        options.append(option)

    def _index_fuzzy(self, text: str, entry: Entry) -> None:
        word = normalise(text)
        if len(word) < FUZZY_MIN_LENGTH:
            return
        self.fuzzy_lengths.add(len(word))
        for i in range(len(word)):
            key = f"{word[:i]}{MASK}{word[i + 1:]}"
            bucket = self.fuzzy_index.setdefault(key, [])
            if all(o.entry != entry for o in bucket):
                bucket.append(Option(entry, fuzzy=True))

    # --- matching ---------------------------------------------------------------------------

    def hits(self, *, address: str = "", title: str = "", description: str = "") -> list[Hit]:
        """The names found, one hit per thing named (the strongest field and form kept)."""
        found: list[Hit] = []
        for field_name, text in (("address", address), ("title", title),
                                 ("description", description)):
            found += self._scan(normalise(text), field_name)
        merged: dict[frozenset, Hit] = {}
        for hit in found:
            key = frozenset(o.entry for o in hit.options)
            kept = merged.get(key)
            if kept is None or _hit_rank(hit) > _hit_rank(kept):
                merged[key] = hit
        return list(merged.values())

    def _scan(self, text: str, field_name: str) -> list[Hit]:
        if not text or not self.size:
            return []
        spans = []
        for end, (word, options) in self.automaton.iter(text):
            spans.append((end - len(word) + 1, end + 1, word, options))
        # Longest first, then leftmost: the longest non-overlapping names.
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        taken = [False] * len(text)
        hits = []
        for start, end, word, options in spans:
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            hits.append(Hit(word, field_name, list(options)))
        if not any(o.entry.kind in PLACE_SPECIFICITY and not o.soft
                   for h in hits for o in h.options):
            hits += self._scan_fuzzy(text, field_name, taken)
        return hits

    def _scan_fuzzy(self, text: str, field_name: str, taken: list[bool]) -> list[Hit]:
        hits = []
        for length in sorted(self.fuzzy_lengths, reverse=True):
            for start in range(len(text) - length + 1):
                if any(taken[start:start + length]):
                    continue
                window = text[start:start + length]
                options: list[Option] = []
                for i in range(length):
                    for option in self.fuzzy_index.get(
                            f"{window[:i]}{MASK}{window[i + 1:]}", ()):
                        if option not in options:
                            options.append(option)
                if options:
                    taken[start:start + length] = [True] * length
                    hits.append(Hit(window, field_name, options))
        return hits

    # --- resolution -------------------------------------------------------------------------

    def locate(self, *, address: str = "", title: str = "", description: str = "",
               min_confidence: float) -> LocateResult:
        hits = self.hits(address=address, title=title, description=description)
        words = tuple(dict.fromkeys(h.word for h in hits))
        if not hits:
            return self._unresolved(words, 0.0, message(gettext_noop(
                "No known place is named in the text.")))
        supports = {}
        for hit in hits:
            for option in hit.options:
                unit = option.entry.unit
                if unit.pk not in supports:
                    supports[unit.pk] = self._support(unit, hits)
        ranked = sorted(supports.values(),
                        key=lambda s: (-s.total, -DEPTH.get(s.unit.level, 0), s.unit.code))
        best = ranked[0]
        rivals = [s for s in ranked[1:] if s.total >= RIVAL_SHARE * best.total
                  and not best.unit.is_within(s.unit)]
        if rivals:
            return self._ambiguous(best, rivals, hits, words, min_confidence)
        confidence = self._confidence(best)
        words = tuple(dict.fromkeys(h.word for h, _o in best.supporters))
        if best.conflicts:
            others = "、".join(dict.fromkeys(h.word for h in best.conflicts))
            reason = message(gettext_noop("Located by %(words)s; %(others)s lies elsewhere."),
                             words="、".join(words), others=others)
        else:
            reason = message(gettext_noop("Located by %(words)s."), words="、".join(words))
        words += tuple(dict.fromkeys(h.word for h in [*best.near, *best.conflicts]
                                     if h.word not in words))
        return self._result(best.unit, words, confidence, reason, min_confidence,
                            conflict=bool(best.conflicts))

    def _support(self, unit: OrgUnit, hits: list[Hit]) -> _Support:
        support = _Support(unit)
        community = self._ancestor_at(unit, Level.COMMUNITY)
        counted: set[Entry] = set()
        for hit in sorted(hits, key=_hit_rank, reverse=True):
            consistent = [o for o in hit.options if unit.is_within(o.entry.unit)]
            if consistent:
                option = max(consistent, key=hit.weight)
                if option.entry in counted:
                    continue  # the same place named twice (锦华小区 … 锦华) counts once
                counted.add(option.entry)
                support.total += hit.weight(option)
                support.supporters.append((hit, option))
            elif community is not None and any(
                    self._ancestor_at(o.entry.unit, Level.COMMUNITY) == community
                    for o in hit.options):
                support.near.append(hit)
            else:
                support.conflicts.append(hit)
        return support

    def _confidence(self, support: _Support) -> float:
        unit = support.unit
        own = [o for _h, o in support.supporters if o.entry.unit.pk == unit.pk]
        confidence = max(o.strength() for o in own)
        decisive = max(own, key=Option.strength)
        for _hit, option in support.supporters:
            if option is decisive:
                continue
            confidence += WEAK_SUPPORT_BONUS if option.soft else SUPPORT_BONUS
        confidence -= NEAR_PENALTY * len(support.near)
        for hit in support.conflicts:
            soft = all(o.soft for o in hit.options)
            confidence -= WEAK_CONFLICT_PENALTY if soft else CONFLICT_PENALTY
        return round(min(max(confidence, 0.0), MAX_CONFIDENCE), 2)

    def _ambiguous(self, best: _Support, rivals: list[_Support], hits: list[Hit],
                   words: tuple[str, ...], min_confidence: float) -> LocateResult:
        shared = self._common_ancestor([best.unit, *(r.unit for r in rivals)])
        names = "、".join(dict.fromkeys(
            s.unit.name for s in [best, *rivals]))
        one_name = any(all(any(s.unit.is_within(o.entry.unit) for o in h.options)
                           for s in [best, *rivals]) for h in hits if len(h.options) > 1)
        if shared is not None and DEPTH.get(shared.level, 0) >= DEPTH[Level.COMMUNITY]:
            confidence = min(self._confidence(best), AMBIGUOUS_CEILING)
            reason = message(gettext_noop(
                "The words fit several places of %(unit)s (%(places)s): located to it."),
                unit=shared.name, places=names)
            return self._result(shared, words, confidence, reason, min_confidence)
        if one_name:
            reason = message(gettext_noop(
                "The words %(words)s name several places (%(places)s); the other words do "
                "not tell which."), words="、".join(words), places=names)
        else:
            reason = message(gettext_noop(
                "The words point to places that disagree (%(places)s)."), places=names)
        return self._unresolved(words, 0.0, reason, conflict=not one_name)

    def _result(self, unit: OrgUnit, words: tuple[str, ...], confidence: float,
                reason: Message, min_confidence: float, *, conflict: bool = False
                ) -> LocateResult:
        if confidence < min_confidence:
            low = message(gettext_noop(
                "The confidence %(confidence)s is below the threshold %(threshold)s "
                "(likeliest: %(unit)s)."), confidence=f"{confidence:.2f}",
                threshold=f"{min_confidence:.2f}", unit=unit.name)
            return self._unresolved(words, confidence, low, best=unit, conflict=conflict)
        return LocateResult(unit=unit, path=self.path_of(unit), words=words,
                            confidence=confidence, reason=reason, best=unit,
                            conflict=conflict)

    def _unresolved(self, words: tuple[str, ...], confidence: float, reason: Message, *,
                    best: OrgUnit | None = None, conflict: bool = False) -> LocateResult:
        return LocateResult(unit=None, path=self.path_of(best) if best else (), words=words,
                            confidence=confidence, reason=reason, best=best,
                            conflict=conflict)

    # --- the tree ---------------------------------------------------------------------------

    def chain(self, unit: OrgUnit) -> list[OrgUnit]:
        """The unit's ancestors from the county down, then the unit."""
        ancestors = [self.units[pk] for pk in unit.ancestor_ids()
                     if pk in self.units and pk != unit.pk]
        return [*ancestors, unit]

    def path_of(self, unit: OrgUnit) -> tuple[str, ...]:
        return tuple(u.name for u in self.chain(unit))

    def _ancestor_at(self, unit: OrgUnit, level: str) -> OrgUnit | None:
        return next((u for u in self.chain(unit) if u.level == level), None)

    def _common_ancestor(self, units: list[OrgUnit]) -> OrgUnit | None:
        chains = [self.chain(u) for u in units]
        shared = None
        for level_units in zip(*chains, strict=False):
            if all(u.pk == level_units[0].pk for u in level_units):
                shared = level_units[0]
            else:
                break
        return shared


def _hit_rank(hit: Hit) -> tuple[float, int]:
    return max(hit.weight(o) for o in hit.options), len(hit.word)
