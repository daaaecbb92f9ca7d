"""Housekeeping jobs of the cases app (huey; crontabs in UTC: 19:00 UTC is 03:00 in
Asia/Shanghai)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from huying.cases.attachments import attachments_prune_orphans
from huying.cases.partitioning import partitions_maintain


@db_periodic_task(crontab(minute="0", hour="19"))
def orphaned_uploads_nightly() -> None:
    attachments_prune_orphans(now=timezone.now())


@db_periodic_task(crontab(minute="30", hour="18"))
def record_partitions_daily() -> None:
    """Make the case record's months ahead (pg_partman); nothing unless `huying partition
    setup` was run on PostgreSQL."""
    partitions_maintain()
