"""The periodic sweep (huey every minute, or `huying sweep` from cron): fire the SLA levels
that fell due (warnings, breaches → the ladder), then close the replied cases whose
evaluation window lapsed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from huying.cases.models import Case, CaseStatus
from huying.cases.services import case_autoclose
from huying.supervision.sla import sla_sweep_due


@dataclass
class SweepRun:
    examined: int = 0
    fired: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})
    autoclose_examined: int = 0
    autoclosed: int = 0

    @property
    def total(self) -> int:
        return sum(self.fired.values())


def autoclose_due(*, now: datetime, batch: int = 500,
                  progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Close replied cases whose evaluation window lapsed; candidates come from the
    (status, evaluation_due_at) index. Returns (examined, closed)."""
    examined = closed = 0
    last_id = 0
    while True:
        due = list(Case.objects.filter(status=CaseStatus.REPLIED, evaluation_due_at__lte=now,
                                       pk__gt=last_id)
                   .order_by("pk").values_list("pk", flat=True)[:batch])
        if not due:
            return examined, closed
        last_id = due[-1]
        for pk in due:
            examined += 1
            # case_autoclose locks the row and re-checks, so a concurrent evaluation or a
            # second sweep leaves it alone (returns None).
            if case_autoclose(case=Case(pk=pk), now=now) is not None:
                closed += 1
        if progress is not None:
            progress(examined)


def sweep_run(*, now: datetime, batch: int = 500) -> SweepRun:
    """One pass: fire due SLA levels (warnings, breaches → the ladder), then autoclose."""
    result = sla_sweep_due(now=now, batch=batch)
    run = SweepRun(examined=result.examined, fired=dict(result.fired))
    run.autoclose_examined, run.autoclosed = autoclose_due(now=now, batch=batch)
    return run
