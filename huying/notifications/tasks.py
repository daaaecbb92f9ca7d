"""Huey jobs of the notification centre: send webhook deliveries, retry the due ones."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from huying.notifications import webhooks


@db_task()
def webhook_deliver(delivery_ids: list[int]) -> None:
    """Enqueued on commit by `notify`: one attempt per delivery."""
    for delivery_id in delivery_ids:
        webhooks.delivery_attempt(delivery_id=delivery_id, now=timezone.now())


@db_periodic_task(crontab(minute="*/5"))
def webhook_retry_due() -> None:
    """Every five minutes: retry failed deliveries whose backoff has passed, and pending
    ones whose enqueue was lost."""
    webhooks.deliveries_retry_due(now=timezone.now())
