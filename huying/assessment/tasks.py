"""Nightly derivation of deductions (huey; crontabs in UTC, so 17:30 UTC is 01:30 in
Asia/Shanghai). The ladder records blue/green deductions as breaches fire; this pass adds
what only shows once a day is over (ratings, clocks stopped late) and, being idempotent by
source key, never counts a fact twice."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from huying.analytics.periods import period_bounds
from huying.assessment.services import deductions_from_facts
from huying.org.models import Level, OrgUnit


@db_periodic_task(crontab(minute="30", hour="17"))
@lock_task("huying-deductions")
def deductions_nightly() -> None:
    now = timezone.now()
    yesterday = timezone.localdate(now) - timedelta(days=1)
    start, end = period_bounds("day", yesterday)
    for county in OrgUnit.objects.filter(level=Level.COUNTY, active=True):
        deductions_from_facts(county=county, start=start, end=end, now=now)
