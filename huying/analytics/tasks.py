"""Periodic jobs of the figures (huey)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from huying.analytics.rollups import rollups_refresh_queued
from huying.analytics.warnings import warnings_scan
from huying.org.models import Level, OrgUnit

log = logging.getLogger(__name__)


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
