"""Listening to changed cases: queue them in the change's transaction, refresh after it.

The queue row commits with the change, so a process that dies between the commit and the
refresh loses nothing: the minute sweep (`analytics/tasks.py`) refreshes what is left. A
failing refresh is logged and leaves the case queued; it never fails the action.
"""

from __future__ import annotations

import logging

from huying.analytics.rollups import rollups_queue, rollups_refresh
from huying.cases.domain_events import CaseChanged
from huying.common.bus import Phase, subscribe

log = logging.getLogger(__name__)


@subscribe(CaseChanged)
def queue_changed_case(event: CaseChanged) -> None:
    rollups_queue([event.case_id])


@subscribe(CaseChanged, when=Phase.ON_COMMIT)
def refresh_changed_case(event: CaseChanged) -> None:
    try:
        rollups_refresh([event.case_id], now=event.at)
    except Exception:
        log.exception("analytics: refreshing the rollups of case %s failed; it stays queued",
                      event.case_id)
