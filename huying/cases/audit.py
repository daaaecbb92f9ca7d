"""Verification of the case record's hash chains (`huying audit verify`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from huying.cases.events import BrokenLink, chain_verify
from huying.cases.models import Case, CaseEvent


def case_chain_break(case: Case) -> BrokenLink | None:
    """The first broken link in one case's record, or None when it verifies."""
    return chain_verify(CaseEvent.objects.filter(case=case).order_by("seq").iterator(),
                        case.number)


def chains_verify(*, batch: int = 2000,
                  progress: Callable[[int, int], None] | None = None) -> Iterator[BrokenLink]:
    """Verify every case's chain, streaming events in (case, seq) order; yields each case's
    first broken link."""
    total = Case.objects.count()
    numbers = dict(Case.objects.values_list("pk", "number"))
    done = 0
    current: int | None = None
    events: list[CaseEvent] = []

    def finish() -> BrokenLink | None:
        return chain_verify(events, numbers.get(current, str(current))) if events else None

    for event in CaseEvent.objects.order_by("case_id", "seq").iterator(chunk_size=batch):
        if event.case_id != current:
            broken = finish()
            if broken:
                yield broken
            done += 1 if current is not None else 0
            if progress and done and done % 1000 == 0:
                progress(done, total)
            current, events = event.case_id, []
        events.append(event)
    broken = finish()
    if broken:
        yield broken
    if progress:
        progress(total, total)
