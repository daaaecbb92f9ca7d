"""Reads of the sensitive lexicon and flags."""

from __future__ import annotations

import time
from collections.abc import Iterable

from huying.sensitive.matching import Matcher, RuleSpec
from huying.sensitive.models import SensitiveFlag, SensitiveRule

MATCHER_TTL_SECONDS = 60
_matcher: tuple[float, Matcher] | None = None


def rule_spec(rule: SensitiveRule) -> RuleSpec:
    return RuleSpec(id=rule.pk, name=rule.name, category=rule.category,
                    words=tuple(rule.words), requires=tuple(rule.requires),
                    min_people=rule.min_people, excludes=tuple(rule.excludes))


def matcher_in_force() -> Matcher:
    """The active rules as one matcher, kept per process for a minute (at once after an
    edit in this process)."""
    global _matcher
    if _matcher is not None and time.monotonic() - _matcher[0] < MATCHER_TTL_SECONDS:
        return _matcher[1]
    matcher = Matcher([rule_spec(r) for r in SensitiveRule.objects.filter(active=True)])
    _matcher = (time.monotonic(), matcher)
    return matcher


def matcher_forget() -> None:
    global _matcher
    _matcher = None


def flags_for(case_ids: Iterable[int]) -> dict[int, SensitiveFlag]:
    """The flag of each case that has one, in one query."""
    ids = list(case_ids)
    if not ids:
        return {}
    return {f.case_id: f for f in SensitiveFlag.objects.filter(case_id__in=ids)}
