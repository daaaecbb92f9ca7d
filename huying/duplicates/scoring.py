"""Is report B the same problem as report A (重复吹哨/重复交办)? A pure function of the two
reports: no database, no clock.

Four signals, each with the reason a supervisor reads next to the suggestion:

- place: metres between the points (haversine); without a point on both sides, the same
  grid or community (weaker), or the place names the texts share;
- time: hours between the reports; outside the window nothing is a duplicate (the same
  pothole reported again in a month is a new occurrence);
- matter: the same matter type, a related one (`catalog.MatterRelation`), or a different
  one; a side without a matter may have one guessed (`matters.MatterGuesser`), which counts
  for less than a recorded one;
- text: how alike the problems read (`text.py`: place names and boilerplate taken out).

The signals combine in a logistic score fitted on the training half of the evaluation set
(`bench/duplicates.py --fit` prints the coefficients below); two rules cap it whatever the
text says: a recorded different matter, and a gap beyond the window or a distance beyond
the radius.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.utils.translation import gettext_noop

from huying.common.messages import Message, message
from huying.duplicates.text import TextProfile, concept_overlap, cosine

EARTH_RADIUS_M = 6_371_008.8

MatterGuesser = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Side:
    """One report as the scorer reads it."""

    text: str
    channel: str
    reported_at: datetime
    longitude: float | None = None
    latitude: float | None = None
    matter: str | None = None  # a matter code
    matter_name: str = ""
    matter_guessed: bool = False
    grid: str | None = None  # unit codes, for reports without a point
    community: str | None = None
    channel_name: str = ""
    profile: TextProfile | None = field(default=None, compare=False)

    @property
    def point(self) -> tuple[float, float] | None:
        if self.longitude is None or self.latitude is None:
            return None
        return self.longitude, self.latitude

    def read(self) -> Side:
        """The same side with its text profile computed (once: reuse it for many pairs)."""
        if self.profile is not None:
            return self
        return replace(self, profile=TextProfile.of(self.text))


@dataclass(frozen=True)
class Limits:
    radius_m: float = 250.0
    window_hours: float = 72.0


@dataclass(frozen=True)
class Weights:
    """The logistic combination: `python -m bench duplicates --fit` on the training split
    (nearness floored at 1, a guessed different matter at -1.5: see `bench.duplicates.fit`)."""

    bias: float = -3.52
    place: float = 1.0
    time: float = 0.38
    matter_same: float = 1.5
    matter_related: float = 1.17
    matter_different: float = -1.5  # a guessed difference; a recorded one is capped
    text: float = 0.98
    concepts: float = 7.28
    place_names: float = 0.68


WEIGHTS = Weights()
# A recorded different matter, or a report outside the window or the radius, scores at
# most this.
CAP = 0.05


@dataclass(frozen=True)
class Judgement:
    score: float
    reasons: tuple[Message, ...]
    distance_m: float | None
    hours: float
    matter: str  # same, related, different, unknown
    text: float


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def with_guessed_matter(side: Side, guess: MatterGuesser | None) -> Side:
    """The side with a guessed matter when it has none and a guesser is plugged in."""
    if side.matter or guess is None:
        return side
    code = guess(side.text)
    return replace(side, matter=code, matter_guessed=True) if code else side


def matter_relation(a: Side, b: Side, relations: frozenset[frozenset[str]]) -> str:
    if not (a.matter and b.matter):
        return "unknown"
    if a.matter == b.matter:
        return "same"
    if frozenset((a.matter, b.matter)) in relations:
        return "related"
    return "different"


@dataclass(frozen=True)
class Signals:
    """What the two reports share, each signal in [0, 1], with the reasons to show."""

    place: float
    names: float  # the place names the texts share (used without two points)
    time: float
    relation: str
    guessed: bool
    text: float
    concepts: float
    distance_m: float | None
    hours: float
    capped: bool
    reasons: tuple[Message, ...]


def signals(a: Side, b: Side, *, relations: frozenset[frozenset[str]] = frozenset(),
            limits: Limits = Limits()) -> Signals:
    a, b = a.read(), b.read()
    assert a.profile is not None and b.profile is not None
    reasons: list[Message] = []
    capped = False

    distance = None
    if a.point and b.point:
        distance = haversine_m(a.point, b.point)
        reasons.append(message(gettext_noop("%(metres)d m apart"), metres=round(distance)))
        place = _falling(distance, full=40.0, zero=limits.radius_m)
        capped |= distance > limits.radius_m
    elif a.grid and a.grid == b.grid:
        place = 0.6
        reasons.append(message(gettext_noop("Same grid")))
    elif a.community and a.community == b.community:
        place = 0.35
        reasons.append(message(gettext_noop("Same community")))
    else:
        place = 0.3
        reasons.append(message(gettext_noop("No point to compare")))

    hours = abs((b.reported_at - a.reported_at).total_seconds()) / 3600
    reasons.append(_gap_reason(hours))
    capped |= hours > limits.window_hours

    relation = matter_relation(a, b, relations)
    guessed = a.matter_guessed or b.matter_guessed
    name_a, name_b = a.matter_name or a.matter or "", b.matter_name or b.matter or ""
    if relation == "same":
        reasons.append(message(gettext_noop("Same matter: %(name)s"), name=name_a or name_b))
    elif relation == "related":
        reasons.append(message(gettext_noop("Related matters: %(a)s / %(b)s"),
                               a=name_a, b=name_b))
    elif relation == "different":
        reasons.append(message(gettext_noop("Different matters: %(a)s / %(b)s"),
                               a=name_a, b=name_b))
        capped |= not guessed

    similarity = cosine(a.profile.problem, b.profile.problem)
    concepts = concept_overlap(a.profile.concepts, b.profile.concepts)
    reasons.append(message(gettext_noop("Texts alike %(similarity)s"),
                           similarity=f"{text_likeness(similarity, concepts):.2f}"))
    if a.channel != b.channel:
        reasons.append(message(gettext_noop("Different channels: %(a)s / %(b)s"),
                               a=a.channel_name or a.channel, b=b.channel_name or b.channel))
    return Signals(place=place, names=cosine(a.profile.places, b.profile.places),
                   time=_falling(hours, full=12.0, zero=limits.window_hours),
                   relation=relation, guessed=guessed, text=similarity, concepts=concepts,
                   distance_m=distance,
                   hours=hours, capped=capped, reasons=tuple(reasons))


def word_for_word(similarity: float) -> float:
    """How far two texts repeat each other, from their character similarity: nothing up
    to 0.5 (texts about different problems of one street share its words, up to about
    0.4), all of it from 0.9."""
    return min(1.0, max(0.0, (similarity - 0.5) / 0.4))


def text_likeness(similarity: float, concepts: float, weights: Weights = WEIGHTS) -> float:
    """One figure for how alike two texts read, as the score weighs its two parts (the
    characters and the concepts they share): the one a supervisor is shown."""
    total = weights.text + weights.concepts
    shared = max(concepts, word_for_word(similarity))  # as `features` weighs them
    return (weights.text * similarity + weights.concepts * shared) / total if total else 0.0


def features(found: Signals) -> dict[str, float]:
    """The inputs of the logistic combination, by the names of `Weights`' fields."""
    trust = 0.6 if found.guessed else 1.0
    return {
        "place": found.place, "time": found.time,
        "matter_same": trust * (found.relation == "same"),
        "matter_related": trust * (found.relation == "related"),
        "matter_different": float(found.relation == "different" and found.guessed),
        "text": found.text,
        # What the problems share, by the thesaurus's concepts or word for word: a
        # thesaurus never covers every problem, and a text repeated from one channel to
        # another is the plainest duplicate of all.
        "concepts": max(found.concepts, word_for_word(found.text)),
        "place_names": 0.0 if found.distance_m is not None else found.names,
    }


def combine(found: Signals, weights: Weights = WEIGHTS) -> float:
    z = weights.bias + sum(getattr(weights, name) * value
                           for name, value in features(found).items())
    score = 1 / (1 + math.exp(-z))
    return min(score, CAP) if found.capped else score


def judge(a: Side, b: Side, *, relations: frozenset[frozenset[str]] = frozenset(),
          limits: Limits = Limits(), weights: Weights = WEIGHTS,
          guess: MatterGuesser | None = None) -> Judgement:
    """Score how likely `b` reports the same problem as `a`, with the reasons."""
    found = signals(with_guessed_matter(a, guess), with_guessed_matter(b, guess),
                    relations=relations, limits=limits)
    return Judgement(score=round(combine(found, weights), 4), reasons=found.reasons,
                     distance_m=found.distance_m, hours=found.hours, matter=found.relation,
                     text=text_likeness(found.text, found.concepts, weights))


def _falling(value: float, *, full: float, zero: float) -> float:
    """1 up to `full`, falling linearly to 0 at `zero`."""
    if value <= full:
        return 1.0
    if value >= zero:
        return 0.0
    return 1.0 - (value - full) / (zero - full)


def _gap_reason(hours: float) -> Message:
    if hours < 1:
        return message(gettext_noop("%(minutes)d min apart"), minutes=max(1, round(hours * 60)))
    if hours < 48:
        return message(gettext_noop("%(hours)d h apart"), hours=round(hours))
    return message(gettext_noop("%(days)s days apart"), days=f"{hours / 24:.1f}")
