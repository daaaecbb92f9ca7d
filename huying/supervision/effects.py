"""What happens when an SLA level fires: the case record shows it, and (on a breach) the
supervision ladder takes over."""

from __future__ import annotations

from datetime import datetime

from huying.cases.events import event_append
from huying.cases.models import Case
from huying.supervision import ladder
from huying.supervision.models import SlaClock, Stage

LEVEL_ACTION = {Stage.HALF: "sla_warning_half", Stage.THREE_QUARTERS: "sla_warning_75",
                Stage.BREACHED: "sla_breach"}


def level_fired(*, clock: SlaClock, level: int, now: datetime) -> None:
    case = Case.objects.select_for_update().get(pk=clock.case_id)
    event_append(case=case, actor=None, action=LEVEL_ACTION[Stage(level)],
                 from_status=case.status, to_status=case.status, now=now,
                 payload={"assignment": clock.assignment_id, "metric": clock.metric,
                          "due_at": clock.due_at.isoformat(), "department": clock.department_id})
    clock.case = case
    ladder.sla_level_fired(clock=clock, level=level, now=now)
