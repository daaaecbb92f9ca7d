"""Periodic jobs (huey). HUEY runs with utc=True, so crontabs are in UTC: 08:00 in
Asia/Shanghai (UTC+8, no daylight saving) is 00:00 UTC, 09:00 is 01:00 UTC — the same
calendar day, so "the 1st at 09:00" is still the 1st in UTC."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from huying.org.models import Level, OrgUnit
from huying.supervision.slips import previous_month, slip_issue_prompt, slips_issue_warning_monthly
from huying.supervision.sweep import sweep_run

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("huying-sweep")
def sweep_every_minute() -> None:
    # The lock only saves work: the sweep itself is safe to run concurrently.
    run = sweep_run(now=timezone.now())
    if run.examined or run.autoclosed:
        log.info("sweep: %d clocks examined, fired %s, %d cases autoclosed",
                 run.examined, run.fired, run.autoclosed)


@db_periodic_task(crontab(minute="0", hour="0"))
def prompt_slips_each_morning() -> None:
    now = timezone.now()
    day = timezone.localdate(now)
    for county in OrgUnit.objects.filter(level=Level.COUNTY, active=True):
        slip_issue_prompt(county=county, day=day, now=now)


@db_periodic_task(crontab(minute="0", hour="1", day="1"))
def warning_slips_monthly() -> None:
    now = timezone.now()
    month = previous_month(timezone.localdate(now))
    for county in OrgUnit.objects.filter(level=Level.COUNTY, active=True):
        slips_issue_warning_monthly(county=county, month=month, now=now)
