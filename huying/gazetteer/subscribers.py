"""What the gazetteer does when the lifecycle tells it something (see
`docs/architecture.md`, "Domain events and subscribers")."""

from __future__ import annotations

import logging

from huying.cases.domain_events import CaseReported
from huying.common.bus import Phase, subscribe
from huying.common.isolation import run_isolated
from huying.gazetteer.services import case_location_record

logger = logging.getLogger(__name__)
LOCATED_FIELDS = ("unit", "town", "community", "grid", "version", "updated_at")


@subscribe(CaseReported, when=Phase.IN_TRANSACTION)
def locate_by_address(event: CaseReported) -> None:
    """Locate the new case by its words (or check them against its point) inside the
    report, so a text-located case can be registered in the same flow. A failure here must
    never lose the report: it runs in a savepoint and is logged."""
    case = event.case
    run_isolated(lambda: case_location_record(case=case, now=event.at), logger=logger,
                 failure=f"locating case {case.number} by its address failed",
                 instance=case, fields=LOCATED_FIELDS)
