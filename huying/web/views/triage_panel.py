"""What the triage board shows under each case: why it is flagged sensitive, where it was
located and from what, which matter types the text suggests, which earlier reports it may
duplicate. Each part is read for a whole page of cases at once, from the app that found it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from huying.cases.models import Case
from huying.duplicates.selectors import CandidateView, open_candidates_for
from huying.gazetteer.models import LocationSource
from huying.gazetteer.selectors import LocationSummary, case_locations_for
from huying.routing.selectors import CaseSuggestions, suggestions_for_cases
from huying.sensitive.selectors import flags_for

SECOND_THOUGHTS = 0.05


@dataclass(frozen=True)
class SensitiveReason:
    rule: str
    words: str


@dataclass
class TriagePanel:
    sensitive: list[SensitiveReason] = field(default_factory=list)
    location: LocationSummary | None = None
    duplicates: list[CandidateView] = field(default_factory=list)
    suggestions: CaseSuggestions | None = None
    matter_code: str | None = None  # the matter the case is registered under, if any

    @property
    def shown_suggestions(self) -> list:
        """The first suggestion, and the others a person might weigh (5 % or more); none
        when the case is already registered under the model's first choice."""
        if self.suggestions is None or not self.suggestions.items:
            return []
        first, *others = self.suggestions.items
        if self.matter_code == first.code:
            return []
        return [first, *(s for s in others if s.confidence >= SECOND_THOUGHTS)]

    @property
    def top_matter(self) -> str | None:
        """The matter the model thinks most likely, to preselect when registering."""
        if self.suggestions is None or not self.suggestions.items:
            return None
        return self.suggestions.items[0].code

    @property
    def location_shown(self) -> bool:
        """A location worth a line: found by the words alone, disagreeing with the point,
        or still waiting. A point the words agree with needs no comment."""
        loc = self.location
        return loc is not None and (loc.waiting or loc.conflict
                                    or loc.source == LocationSource.TEXT)

    @property
    def empty(self) -> bool:
        return not (self.sensitive or self.location_shown or self.duplicates
                    or self.shown_suggestions)


def triage_panels(cases: Sequence[Case], *, on: date) -> dict[int, TriagePanel]:
    """The findings for each case of a board page, in a fixed number of queries; matter
    suggestions described by the catalogue in force on `on`."""
    panels = {case.pk: TriagePanel(matter_code=case.matter_type.code if case.matter_type_id
                                   else None) for case in cases}
    for case_id, flag in flags_for(panels).items():
        panels[case_id].sensitive = [SensitiveReason(h["name"], "、".join(h["words"]))
                                     for h in flag.hits]
    for case_id, summary in case_locations_for(list(panels)).items():
        panels[case_id].location = summary
    for case_id, candidates in open_candidates_for(list(panels)).items():
        panels[case_id].duplicates = candidates
    for case_id, suggestions in suggestions_for_cases(list(panels), on=on).items():
        panels[case_id].suggestions = suggestions
    return panels
