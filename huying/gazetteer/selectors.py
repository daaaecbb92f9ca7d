"""Reads of the gazetteer for the triage board: the cases waiting to be located, and how
each case was located."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from huying.cases.models import Case
from huying.cases.selectors import queue_to_triage
from huying.gazetteer.models import CaseLocation, LocationSource
from huying.org.models import User


def cases_to_locate(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Of these cases, those that have no unit yet (their words did not say clearly
    where they are)."""
    return cases.filter(unit__isnull=True)


def queue_to_locate(user: User) -> QuerySet[Case]:
    """待定位: the cases of the user's triage queue that have no unit yet."""
    return cases_to_locate(queue_to_triage(user))


@dataclass(frozen=True)
class LocationSummary:
    source: str
    source_label: str
    text_unit: str                # the unit the words name, "" when none
    text_unit_code: str
    words: tuple[str, ...]
    confidence: float | None
    conflict: bool
    reason: str                   # rendered in the active language

    @property
    def waiting(self) -> bool:
        return self.source == LocationSource.NONE


def case_locations_for(case_ids: Iterable[int]) -> dict[int, LocationSummary]:
    """How each of these cases was located, by case id, in one query (cases reported
    before the gazetteer have no entry)."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = (CaseLocation.objects.filter(case_id__in=ids)
            .select_related("text_unit").order_by("case_id"))
    return {row.case_id: LocationSummary(
        source=row.source, source_label=str(row.get_source_display()),
        text_unit=row.text_unit.name if row.text_unit else "",
        text_unit_code=row.text_unit.code if row.text_unit else "",
        words=tuple(row.words or ()), confidence=row.confidence, conflict=row.conflict,
        reason=str(row.reason or "")) for row in rows}
