"""The lexicon looks at every new report (see docs/architecture.md, domain events)."""

from __future__ import annotations

import logging

from django.db import transaction

from huying.cases.domain_events import CaseReported
from huying.common.bus import subscribe
from huying.sensitive.services import case_check_sensitive

logger = logging.getLogger(__name__)


@subscribe(CaseReported)
def flag_sensitive_reports(event: CaseReported) -> None:
    # A failure of the lexicon must never lose the report: the savepoint rolls back only
    # the flag, and a person still sees the case on the triage board.
    try:
        with transaction.atomic():
            case_check_sensitive(case=event.case, now=event.at)
    except Exception:
        logger.exception("sensitive check failed for case %s", event.case.number)
