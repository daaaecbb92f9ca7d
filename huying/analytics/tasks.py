"""Periodic jobs of the figures (huey)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from huying.analytics.reports.services import reports_issue_due
from huying.analytics.rollups import rollups_refresh_queued
from huying.analytics.warnings import warnings_scan
from huying.common.replica import analytics_reads
from huying.org.models import Level, OrgUnit

log = logging.getLogger(__name__)


@db_task()
def rollups_refresh_soon() -> None:
    """Enqueued after each commit that changed a case: refresh what is queued. Two workers
    may run it at once; each claims its own cases (`rollups_refresh`)."""
    rollups_refresh_queued(now=timezone.now())


@db_periodic_task(crontab(minute="*"))
@lock_task("huying-rollups")
def rollups_every_minute() -> None:
    """What the refresh after a commit did not do (a process died, a refresh failed)."""
    done = rollups_refresh_queued(now=timezone.now())
    if done:
        log.info("rollups: %d queued cases refreshed", done)


@db_periodic_task(crontab(minute="7"))
@lock_task("huying-warnings")
def warnings_every_hour() -> None:
    """Early warning: surges, repeated reports and sensitive clusters of every county."""
    now = timezone.now()
    for county in OrgUnit.objects.filter(level=Level.COUNTY, active=True).order_by("code"):
        report = warnings_scan(county=county, now=now)
        if report.raised or report.subsided:
            log.info("warnings %s: %d raised, %d updated, %d subsided", county.code,
                     len(report.raised), len(report.updated), len(report.subsided))


# 07:30 to 11:30 in Asia/Shanghai (UTC+8): 23:30 UTC the evening before, then 00:30–03:30.
# The first run issues yesterday's daily report, on Mondays last week's analysis and on the
# 1st last month's report; the later runs only catch up what an outage made the first miss.
@db_periodic_task(crontab(minute="30", hour="23,0,1,2,3"))
@lock_task("huying-reports")
def reports_each_morning() -> None:
    with analytics_reads():  # the figures from the replica, the issues written on the primary
        issued = reports_issue_due(now=timezone.now())
    if issued:
        log.info("reports: issued %s", ", ".join(f"{i.county.code} {i.kind} {i.period_start}"
                                                  for i in issued))
