"""What the triage board shows under each case: why it is flagged sensitive, where it was
located and from what, which matter types the text suggests, which earlier reports it may
duplicate. Each part is read for a whole page of cases at once, from the app that found it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from huying.cases.models import Case
from huying.sensitive.selectors import flags_for


@dataclass(frozen=True)
class SensitiveReason:
    rule: str
    words: str


@dataclass
class TriagePanel:
    sensitive: list[SensitiveReason] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.sensitive


def triage_panels(cases: Sequence[Case]) -> dict[int, TriagePanel]:
    """The findings for each case of a board page, in a fixed number of queries."""
    panels = {case.pk: TriagePanel() for case in cases}
    for case_id, flag in flags_for(panels).items():
        panels[case_id].sensitive = [SensitiveReason(h["name"], "、".join(h["words"]))
                                     for h in flag.hits]
    return panels
