"""Duplicate finding listens to new reports.

On commit, not inside the report's transaction: by then the report flow has registered the
case (its matter type is known) and written its intake record, so an automatic merge tells
the report's own source too (`notifications/sources.py` answers the intake records that
exist when the merge is recorded). Its work runs in a transaction of its own and a failure
is logged, never raised: the report is already safe and triage must never lose it.
"""

from __future__ import annotations

import logging

from huying.cases.domain_events import CaseReported
from huying.common.bus import Phase, subscribe
from huying.duplicates.services import duplicates_find

log = logging.getLogger(__name__)


@subscribe(CaseReported, when=Phase.ON_COMMIT)
def find_duplicates(event: CaseReported) -> None:
    try:
        duplicates_find(case=event.case, now=event.at, first_look=True)
    except Exception:
        log.exception("duplicate finding failed for case %s", event.case.number)
