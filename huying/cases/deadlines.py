"""Case-level time windows that are not department SLAs."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from huying.workdays.selectors import work_calendar


def evaluation_due(replied_at: datetime) -> datetime:
    """The end of the evaluation window: the initiator has this many working days to judge a
    reply before the case closes by itself."""
    days = getattr(settings, "HUYING_EVALUATION_WORKING_DAYS", 3)
    return work_calendar().add(replied_at, days, "working_days")
