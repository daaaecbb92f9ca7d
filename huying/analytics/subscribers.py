"""Listening to changed cases: queue them in the change's transaction, refresh after it.

The queue row commits with the change, so a process that dies between the commit and the
refresh loses nothing: the minute sweep (`analytics/tasks.py`) refreshes what is left. A
failing refresh is logged and leaves the case queued; it never fails the action.

After the commit a huey task refreshes the queue a second later: the request that changed
the case does not wait for the ~20 statements of a refresh, and a burst of changes is one
task, refreshed in chunks (one upsert per table per chunk). `HUYING_ROLLUPS_INLINE` refreshes in the
committing process instead. In batch mode (`common/batch.py`) nothing is enqueued: the
minute job, or the batch command itself when it ends, refreshes the queue.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

from huying.analytics.rollups import rollups_queue, rollups_refresh
from huying.cases.domain_events import CaseChanged
from huying.common.batch import in_batch
from huying.common.bus import Phase, subscribe

log = logging.getLogger(__name__)

# A burst of commits (a lifecycle commits eight times; an office dozens a second) needs
# one refresh, not one task each: the task runs REFRESH_DELAY after it is enqueued and
# reads every case queued by then, so a commit within ENQUEUE_EVERY of the last enqueue
# is covered by it (enqueued at e, run at e + 1 s, later than any commit before e + 0.5 s).
ENQUEUE_EVERY = 0.5
REFRESH_DELAY = 1
_last_enqueued = [-ENQUEUE_EVERY]


def _enqueue_refresh() -> None:
    from huying.analytics.tasks import rollups_refresh_soon

    moment = time.monotonic()
    if moment - _last_enqueued[0] < ENQUEUE_EVERY:
        return
    rollups_refresh_soon.schedule(delay=REFRESH_DELAY)
    _last_enqueued[0] = moment


@subscribe(CaseChanged)
def queue_changed_case(event: CaseChanged) -> None:
    rollups_queue([event.case_id])


@subscribe(CaseChanged, when=Phase.ON_COMMIT)
def refresh_changed_case(event: CaseChanged) -> None:
    if in_batch():  # an import or the simulation: the minute job refreshes in chunks
        return
    try:
        if settings.HUYING_ROLLUPS_INLINE:
            rollups_refresh([event.case_id], now=event.at)
        else:
            _enqueue_refresh()
    except Exception:
        log.exception("analytics: refreshing the rollups of case %s failed; it stays queued",
                      event.case_id)
