"""Listening to new reports: suggest their matter types, dispatch the confident ones.

`suggest_matter_types` runs inside the report's transaction (after the gazetteer and the
sensitive-words check, which may have located or flagged the case), in a savepoint: a
failing model never loses a report. `dispatch_confident_reports` runs once the report
committed, so the report's own later steps (registration by a reporter who classified it,
photos) come first and a refused dispatch leaves the committed report in the queue.
"""

from __future__ import annotations

import logging

from huying.cases.domain_events import CaseReported
from huying.common.bus import Phase, subscribe
from huying.common.isolation import run_isolated
from huying.routing.services import (
    auto_dispatch_threshold,
    case_dispatch_automatically,
    case_suggestion_record,
)
from huying.routing.store import model_current

log = logging.getLogger(__name__)


@subscribe(CaseReported)
def suggest_matter_types(event: CaseReported) -> None:
    if model_current() is None:  # no model trained: nothing to record, no savepoint
        return
    run_isolated(lambda: case_suggestion_record(case=event.case, now=event.at), logger=log,
                 failure=f"routing: no suggestion for case {event.case.number}")


@subscribe(CaseReported, when=Phase.ON_COMMIT)
def dispatch_confident_reports(event: CaseReported) -> None:
    if auto_dispatch_threshold() is None:
        return
    try:
        case_dispatch_automatically(case_id=event.case.pk, now=event.at)
    except Exception:
        log.exception("routing: automatic dispatch of case %s failed; it waits for triage",
                      event.case.number)
