"""The texts the classifier learns from, and labelled files read for evaluation.

Three sources, each a `Sample` with a weight:

- the catalogue in force: each matter's name with its keywords, each example, its handling
  standard (the county's own words for the matter);
- the bundled corpus `data/training.jsonl`: realistic report texts for the reference
  catalogue's codes (12345 operators' summaries, callers, grid workers, typos);
- the county's confirmed dispatches: cases whose matter type a person set or confirmed,
  weighted above both, since they are the county's own reports in its own words.

`data/evaluation.jsonl` is written apart from all of these and is never trained on.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from huying.cases.models import Case, CaseEvent
from huying.catalog.models import MatterType
from huying.common.errors import ValidationFailed
from huying.org.models import OrgUnit
from huying.routing.classifier import Sample

DATA = Path(__file__).parent / "data"
TRAINING_PATH = DATA / "training.jsonl"
LEXICON_PATH = DATA / "lexicon.json"
EVALUATION_PATH = DATA / "evaluation.jsonl"

CATALOGUE_WEIGHT = 1.0
CORPUS_WEIGHT = 1.0
CONFIRMED_WEIGHT = 3.0
# Sentences made from the lexicon (a cross-validated choice: counting them less than the
# written texts did not help).
GENERATED_WEIGHT = 1.0
GENERATED_PER_MATTER = 30
# The standard says how a matter is handled, less how it is reported: it counts less.
STANDARD_WEIGHT = 0.5
# The case events in which a person names or accepts a case's matter type.
CONFIRMING_ACTIONS = ("register", "triage", "dispatch")
TEXT_MAX = 2000


def labelled_read(path: Path) -> list[dict[str, str]]:
    """The rows of a labelled JSONL file ({"text", "code"[, "channel"]} a line), or a
    ValidationFailed naming the first bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationFailed(_("Cannot read %(path)s: %(error)s")
                               % {"path": path, "error": error}, field="file") from error
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row: Any = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValidationFailed(_("Line %(n)d of %(path)s is not JSON: %(error)s")
                                   % {"n": number, "path": path, "error": error.msg},
                                   field="file") from error
        if not (isinstance(row, dict) and isinstance(row.get("text"), str)
                and isinstance(row.get("code"), str) and row["text"].strip()
                and row["code"].strip()):
            raise ValidationFailed(
                _("Line %(n)d of %(path)s needs a non-empty \"text\" and \"code\".")
                % {"n": number, "path": path}, field="file")
        rows.append({"text": row["text"], "code": row["code"].strip(),
                     "channel": str(row.get("channel", ""))})
    return rows


def catalogue_samples(matters: Iterable[MatterType | dict[str, Any]]) -> Iterator[Sample]:
    """Name + keywords, each example and the standard of each matter (model rows or the
    reference catalogue's dicts)."""
    for matter in matters:
        get = matter.get if isinstance(matter, dict) else (lambda k, m=matter: getattr(m, k))
        code, name = get("code"), get("name")
        keywords = list(get("keywords") or [])
        yield Sample(" ".join([name, *keywords]), code, CATALOGUE_WEIGHT, "catalogue")
        for keyword in keywords:
            yield Sample(keyword, code, CATALOGUE_WEIGHT, "catalogue")
        for example in get("examples") or []:
            yield Sample(example, code, CATALOGUE_WEIGHT, "catalogue")
        if get("standard"):
            yield Sample(get("standard"), code, STANDARD_WEIGHT, "catalogue")


def corpus_samples(codes: set[str] | None = None) -> Iterator[Sample]:
    """The bundled corpus, for `codes` only when given."""
    for row in labelled_read(TRAINING_PATH):
        if codes is None or row["code"] in codes:
            yield Sample(row["text"], row["code"], CORPUS_WEIGHT, "corpus")


# The ways the three channels put a report, for the sentences made from the lexicon. A
# template takes a place and one or two phrases of the matter; the rest is what every
# report of any matter says, which the idf weights down.
PLACES = ["小区门口", "我家楼下", "村口", "路边", "学校附近", "菜市场旁边", "我们这条街上",
          "单位门口", "村里", "公园里", "商业街", "我们楼", "镇上", "海边", "工业园",
          "十字路口", "", "", ""]
TEMPLATES = [
    "市民来电反映，{place}{a}，{b}，请相关部门尽快处理。",
    "来电人称{place}{a}，已经好几天了，要求处理。",
    "市民反映{place}{a}，希望有关部门管一管。",
    "群众来电：{place}{a}，{b}。",
    "巡查发现{place}{a}，需处置。",
    "网格员反映：{place}{a}，已上报。",
    "走访发现{place}{b}，{a}。",
    "{place}{a}",
    "{a}，{b}",
    "你好，我想反映一下，{place}{a}，{b}，你们能不能派人来看看",
    "喂，我跟你说，{place}那个{a}，{b}，都没人管，太过分了",
    "{place}{a}，{b}，谁来管管啊",
    "我们这{a}好长时间了，{b}，打了好几次电话都没用",
]


def generated_samples(codes: set[str] | None = None, *, per_matter: int = GENERATED_PER_MATTER,
                      seed: int = 12345) -> Iterator[Sample]:
    """Report-like sentences made from `data/lexicon.json`: for each matter, its phrases
    (colloquial names, officialese, common miswritings) each on their own and put into the
    channels' templates, `per_matter` times. Deterministic for a seed."""
    lexicon: dict[str, list[str]] = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    for code in sorted(lexicon):
        if codes is not None and code not in codes:
            continue
        phrases = lexicon[code]
        for phrase in phrases:
            yield Sample(phrase, code, GENERATED_WEIGHT, "generated")
        for _n in range(per_matter):
            a, b = rng.sample(phrases, 2) if len(phrases) > 1 else (phrases[0], phrases[0])
            text = rng.choice(TEMPLATES).format(place=rng.choice(PLACES), a=a, b=b)
            yield Sample(text, code, GENERATED_WEIGHT, "generated")


def case_text(title: str, description: str) -> str:
    """What a case says: its title, then its description (the same text is classified)."""
    title, description = title.strip(), description.strip()
    if title and title not in description:
        return f"{title}。{description}"[:TEXT_MAX]
    return description[:TEXT_MAX]


def confirmed_samples(county: OrgUnit) -> Iterator[Sample]:
    """The county's cases whose matter type a person registered, triaged or dispatched
    under (an event with an actor; the system's automatic dispatches do not teach), each
    with the matter type it has now — a correction wins over the first guess."""
    confirmed = (CaseEvent.objects.filter(action__in=CONFIRMING_ACTIONS, actor__isnull=False)
                 .values("case_id"))
    cases = (Case.objects.filter(Q(pk__in=confirmed), county=county, matter_type__isnull=False)
             .values_list("title", "description", "matter_type__code"))
    for title, description, code in cases.iterator(chunk_size=2000):
        yield Sample(case_text(title, description), code, CONFIRMED_WEIGHT, "confirmed")
