"""Periodic jobs of the figures (huey)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from huying.analytics.rollups import rollups_refresh_queued

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("huying-rollups")
def rollups_every_minute() -> None:
    """What the refresh after a commit did not do (a process died, a refresh failed)."""
    done = rollups_refresh_queued(now=timezone.now())
    if done:
        log.info("rollups: %d queued cases refreshed", done)
