"""The lexicon looks at every new report (see docs/architecture.md, domain events)."""

from __future__ import annotations

import logging

from huying.cases.domain_events import CaseReported
from huying.common.bus import subscribe
from huying.common.isolation import run_isolated
from huying.sensitive.services import case_check_sensitive, sensitive_hits

logger = logging.getLogger(__name__)
FLAGGED_FIELDS = ("sensitive", "colour", "version", "updated_at")


@subscribe(CaseReported)
def flag_sensitive_reports(event: CaseReported) -> None:
    # A failure of the lexicon must never lose the report: only the flag rolls back, and
    # a person still sees the case on the triage board. Matching writes nothing, so only
    # a hit pays for the savepoint.
    case = event.case
    failure = f"sensitive check failed for case {case.number}"
    try:
        found = sensitive_hits(case)
    except Exception:
        logger.exception(failure)
        return
    if not found[0]:
        return
    run_isolated(lambda: case_check_sensitive(case=case, now=event.at, found=found),
                 logger=logger, failure=failure, instance=case, fields=FLAGGED_FIELDS)
