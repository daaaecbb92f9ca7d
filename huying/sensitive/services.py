"""Flagging a report as stability-sensitive (涉稳) from the lexicon."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from huying.cases.models import Case
from huying.cases.services import case_flag_sensitive
from huying.sensitive.matching import Hit
from huying.sensitive.models import SensitiveFlag
from huying.sensitive.selectors import matcher_in_force


def report_text(case: Case) -> str:
    return "\n".join(part for part in (case.title, case.description, case.address) if part)


def sensitive_hits(case: Case) -> tuple[list[Hit], int | None]:
    """What of the lexicon in force a case's text matches (and how many people it says are
    involved); reads and writes nothing once the lexicon is loaded."""
    return matcher_in_force().hits(report_text(case))


def case_check_sensitive(*, case: Case, now: datetime,
                         found: tuple[list[Hit], int | None] | None = None
                         ) -> SensitiveFlag | None:
    """Match a case's text against the lexicon (or take the `found` matches); on a hit,
    keep what matched and have the case flagged (its colour rises, the centre board pins
    it). Most reports hit nothing and write nothing: only a hit opens a transaction."""
    hits, people = found if found is not None else sensitive_hits(case)
    if not hits:
        return None
    with transaction.atomic():
        return _flag(case=case, hits=hits, people=people, now=now)


def _flag(*, case: Case, hits: list[Hit], people: int | None, now: datetime) -> SensitiveFlag:
    recorded = [{"rule": h.rule.id, "name": h.rule.name, "category": h.rule.category,
                 "words": list(h.words)} for h in hits]
    flag, _created = SensitiveFlag.objects.update_or_create(
        case=case, defaults={"hits": recorded, "people": people, "flagged_at": now})
    case_flag_sensitive(case=case, actor=None, now=now,
                        payload={"rules": [h["name"] for h in recorded],
                                 "words": flag.words, "people": people})
    return flag
