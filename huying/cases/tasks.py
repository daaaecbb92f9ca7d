"""Housekeeping jobs of the cases app (huey; crontabs in UTC: 19:00 UTC is 03:00 in
Asia/Shanghai)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from huying.cases.attachments import attachments_prune_orphans


@db_periodic_task(crontab(minute="0", hour="19"))
def orphaned_uploads_nightly() -> None:
    attachments_prune_orphans(now=timezone.now())
