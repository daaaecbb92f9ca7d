"""The source updates on the wire: the item a source system receives (pushed to its
channel's `outbound_url` or pulled from the feed), its signature, and the ordered, retried
sending. The claiming and backoff are those of `webhooks.py`, with a policy of their own.

Signature: `X-Huying-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the
channel's `outbound_secret`, the timestamp (Unix seconds of the attempt) in
`X-Huying-Timestamp`, so a receiver can refuse an old message replayed by a third party;
`X-Huying-Delivery` is the row's id, the same on every retry and replay, so a receiver
deduplicates on it.

Order: the updates of one report (one intake record) leave one at a time in id order: an
update is claimed only when no earlier update of the same report is still to be sent, so a
receiver never learns "closed" before "dispatched". A row given up no longer holds the later
ones back; replaying it sends it again out of order, which its `id` and `event_at` tell.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import translation

from huying.cases.models import CaseStatus
from huying.notifications.models import SourceUpdate
from huying.notifications.webhooks import (
    OPEN_STATUSES,
    RetryPolicy,
    Sender,
    encode,
    row_attempt,
    rows_due,
    rows_give_up_dead,
)

TIMESTAMP_HEADER = "X-Huying-Timestamp"
SIGNATURE_HEADER = "X-Huying-Signature"
DELIVERY_HEADER = "X-Huying-Delivery"
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
# 1, 2, 4 … 256 minutes, then 6 hours twice: the twelfth failure, about 20 hours after the
# first, gives up; the admin's replay sends it again once the receiver is fixed.
MAX_ATTEMPTS = 12


def source_backoff(failed: int) -> timedelta:
    """The wait after the `failed`-th failed attempt: doubling from a minute, at most 6 h."""
    return min(FIRST_WAIT * 2 ** (failed - 1), LONGEST_WAIT)


SOURCE_POLICY = RetryPolicy(max_attempts=MAX_ATTEMPTS, backoff=source_backoff)


def status_label(status: str | None) -> str | None:
    if not status:
        return None
    return str(CaseStatus(status).label) if status in CaseStatus.values else status


def source_item(update: SourceUpdate) -> dict[str, Any]:
    """What the source receives, pushed or pulled alike: the stored payload with the id
    and the status labels rendered in the platform's language (a source system has no
    language of its own)."""
    payload = update.payload
    with translation.override(settings.LANGUAGE_CODE):
        labels = {"status_label": status_label(payload.get("status")),
                  "master_status_label": status_label(payload.get("master_status"))}
    return {"id": update.pk, **payload, **labels}


def source_signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256 over `timestamp + "." + body`: what a receiver
    recomputes with the channel's secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _request(now: datetime):
    def build(update: SourceUpdate) -> tuple[str, bytes, dict[str, str]]:
        # The channel's settings as they are now: a corrected endpoint or secret applies
        # to the retries and replays of what failed before.
        channel = update.channel
        if not channel.outbound_url:
            raise ValueError("the channel has no outbound endpoint")
        if not channel.outbound_secret:
            raise ValueError("the channel has no outbound signing secret")
        SourceUpdate.objects.filter(pk=update.pk).update(url=channel.outbound_url)
        body = encode(source_item(update))
        timestamp = str(int(now.timestamp()))
        return channel.outbound_url, body, {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: source_signature(channel.outbound_secret, timestamp, body),
            DELIVERY_HEADER: str(update.pk),
            "User-Agent": "huying-source-updates/1",
        }
    return build


def no_earlier_update_to_send() -> Exists:
    earlier = SourceUpdate.objects.filter(intake_id=OuterRef("intake_id"),
                                          pk__lt=OuterRef("pk"), status__in=OPEN_STATUSES)
    return ~Exists(earlier)


def source_update_attempt(*, update_id: int, now: datetime, send: Sender | None = None
                          ) -> SourceUpdate | None:
    """Claim and send one update, if it is due and no earlier update of its report is
    still to be sent; None when it was not attempted. Never raises for a failed send."""
    return row_attempt(SourceUpdate, row_id=update_id, now=now, policy=SOURCE_POLICY,
                       request=_request(now), send=send, only_if=no_earlier_update_to_send())


def source_updates_send_due(*, now: datetime, send: Sender | None = None,
                            limit: int = 2000) -> int:
    """Attempt every due update once, oldest first (an update whose predecessor is sent in
    this same pass follows it at once). Idempotent and safe with several workers. Returns
    how many were attempted."""
    rows_give_up_dead(SourceUpdate, now=now, policy=SOURCE_POLICY)
    started = time.monotonic()
    attempted = 0
    for update_id in rows_due(SourceUpdate, now=now, limit=limit, order=("pk",)):
        if source_update_attempt(update_id=update_id, now=now, send=send) is not None:
            attempted += 1
        # One pass must not outlive the next one's schedule by much: the rest waits.
        if time.monotonic() - started > 50:
            break
    return attempted
