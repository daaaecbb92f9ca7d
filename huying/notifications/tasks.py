"""Huey jobs of the notification centre: send webhook deliveries and source updates, retry
the due ones."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from huying.notifications import source_webhook, webhooks


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


@db_task()
def source_update_deliver(update_ids: list[int]) -> None:
    """Enqueued on commit with the updates of a status change or a replay: one attempt
    each, in id order (an update waiting for an earlier one of its report is left to the
    periodic pass)."""
    for update_id in sorted(update_ids):
        source_webhook.source_update_attempt(update_id=update_id, now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def source_updates_send_due() -> None:
    """Every minute (the first retry waits one): send the due source updates."""
    source_webhook.source_updates_send_due(now=timezone.now())
