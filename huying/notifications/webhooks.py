"""Outbound webhook deliveries: POST each notification as JSON to `HUYING_WEBHOOK_URL`
(an SMS or messaging gateway), signed, retried with backoff, safe with several workers.
The claiming, attempting and backoff (`row_claim`, `row_attempt`, `RetryPolicy`) serve the
source updates too (`sources.py`), with their own policy and signature.

Each attempt first claims its row with a conditional UPDATE on (status, attempts) — the
healthchecks way — so two workers that pick up the same delivery send it once. The claim
also pushes `next_attempt_at` a lease into the future: a worker that dies mid-send leaves
the row to be retried when the lease runs out, not never.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Model, Q
from django.utils import translation

from huying.common.messages import Message, render
from huying.notifications.models import DeliveryStatus, Notification, WebhookDelivery

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 5.0
# Wait after the n-th failed attempt (n = 1..4); the fifth failure gives up.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2))
# Longer than any send can take (the timeout), short enough to retry a dead worker's row.
LEASE = timedelta(minutes=2)
SIGNATURE_HEADER = "X-Huying-Signature"

# (url, body, headers, timeout) -> None; raises on any failure.
Sender = Callable[[str, bytes, dict[str, str], float], None]


def payload_for(notification: Notification) -> dict[str, Any]:
    """What is stored with the delivery: title and body as message JSON, rendered only
    when sent (`wire_payload`)."""
    user = notification.user
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": _stored(notification.title),
        "body": _stored(notification.body),
        "case_number": notification.case.number if notification.case_id else None,
        "link": notification.link,
        "user": {"username": user.username, "full_name": user.full_name, "phone": user.phone},
        "created_at": notification.created_at.isoformat(),
    }


def _stored(value: Message | str) -> Any:
    return value.data if isinstance(value, Message) else value


def wire_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as sent: title and body rendered in the platform's language (zh-hans by
    default; a gateway has no language of its own). Rows stored before messages carry
    plain text, which passes through."""
    with translation.override(settings.LANGUAGE_CODE):
        return {**payload, **{name: render(payload[name]) for name in ("title", "body")
                              if name in payload}}


def webhook_secret() -> bytes:
    secret = getattr(settings, "HUYING_WEBHOOK_SECRET", "") or settings.SECRET_KEY
    return secret.encode()


def signature(body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the body>`, what a receiver recomputes to trust us."""
    return "sha256=" + hmac.new(webhook_secret(), body, hashlib.sha256).hexdigest()


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def http_send(url: str, body: bytes, headers: dict[str, str], timeout: float) -> None:
    """The real sender: urllib, no extra dependency. Any non-2xx answer is a failure."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        status = response.status
    if not 200 <= status < 300:
        raise OSError(f"HTTP {status}")


def default_sender() -> Sender:
    # Looked up at call time so tests may replace `http_send` on this module.
    return http_send


@dataclass(frozen=True)
class RetryPolicy:
    """How a kind of outbound row is retried: its attempts, the wait after the n-th failed
    attempt, and the lease a claim takes (longer than any send can take, short enough to
    retry a dead worker's row)."""

    max_attempts: int
    backoff: Callable[[int], timedelta]
    lease: timedelta = LEASE


NOTIFICATION_POLICY = RetryPolicy(max_attempts=MAX_ATTEMPTS,
                                  backoff=lambda failed: BACKOFF[failed - 1])
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


def _due(now: datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def row_claim(model: type[Model], *, row: Any, now: datetime, policy: RetryPolicy,
              only_if: Any = None) -> bool:
    """Take one row (any model with status, attempts, next_attempt_at) for one attempt with
    a conditional UPDATE; False if another worker has it, it is not due, it is finished, or
    the condition `only_if` (a Q or boolean expression: "no earlier row still to send", for
    rows sent in order) does not hold."""
    rows = model.objects.filter(
        _due(now), pk=row.pk, status=row.status, attempts=row.attempts,
        status__in=OPEN_STATUSES, attempts__lt=policy.max_attempts)
    if only_if is not None:
        rows = rows.filter(only_if)
    return rows.update(attempts=F("attempts") + 1, next_attempt_at=now + policy.lease) == 1


def row_attempt(model: type[Model], *, row_id: int, now: datetime, policy: RetryPolicy,
                request: Callable[[Any], tuple[str, bytes, dict[str, str]]],
                send: Sender | None = None, only_if: Any = None) -> Any | None:
    """Claim one row and send what `request(row)` builds (url, body, headers); record
    success, or schedule the retry, or give up. Never raises for a failed send (nor for a
    request that cannot be built: that is the attempt's error, retried like any other)."""
    row = model.objects.filter(pk=row_id).first()
    if row is None or not row_claim(model, row=row, now=now, policy=policy,
                                                   only_if=only_if):
        return None
    attempt = row.attempts + 1
    try:
        url, body, headers = request(row)
        (send or default_sender())(url, body, headers, TIMEOUT_SECONDS)
    except Exception as exc:  # any failure of the receiver or the network is retried
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if attempt >= policy.max_attempts:
            status, next_at = DeliveryStatus.GAVE_UP, None
            log.warning("%s %s gave up after %d attempts: %s", model.__name__, row.pk,
                        attempt, error)
        else:
            status, next_at = DeliveryStatus.FAILED, now + policy.backoff(attempt)
        model.objects.filter(pk=row.pk, attempts=attempt).update(
            status=status, last_error=error, next_attempt_at=next_at)
    else:
        model.objects.filter(pk=row.pk, attempts=attempt).update(
            status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None, last_error="")
    row.refresh_from_db()
    return row


def rows_due(model: type[Model], *, now: datetime, limit: int = 500,
             order: Sequence[str] = ("next_attempt_at", "pk")) -> list[int]:
    rows = model.objects.filter(_due(now), status__in=OPEN_STATUSES)
    return list(rows.order_by(*order).values_list("pk", flat=True)[:limit])


def rows_give_up_dead(model: type[Model], *, now: datetime, policy: RetryPolicy) -> int:
    """Rows whose final attempt's worker died after its claim are given up."""
    return model.objects.filter(
        status__in=OPEN_STATUSES, attempts__gte=policy.max_attempts, next_attempt_at__lte=now,
    ).update(status=DeliveryStatus.GAVE_UP, next_attempt_at=None)


# ---------------------------------------------------------------------------------------
# notification deliveries (to HUYING_WEBHOOK_URL)


def delivery_claim(*, delivery: WebhookDelivery, now: datetime) -> bool:
    """Take the delivery for one attempt; False if another worker has it, it is not due,
    or it is finished."""
    return row_claim(WebhookDelivery, row=delivery, now=now, policy=NOTIFICATION_POLICY)


def _notification_request(delivery: WebhookDelivery) -> tuple[str, bytes, dict[str, str]]:
    body = encode(wire_payload(delivery.payload))
    return delivery.url, body, {"Content-Type": "application/json; charset=utf-8",
                                SIGNATURE_HEADER: signature(body),
                                "User-Agent": "huying-webhook/1"}


def delivery_attempt(*, delivery_id: int, now: datetime, send: Sender | None = None
                     ) -> WebhookDelivery | None:
    """Claim and send one delivery; record success, or schedule the retry, or give up.
    Never raises for a failed send: the notification itself stands either way."""
    return row_attempt(WebhookDelivery, row_id=delivery_id, now=now,
                       policy=NOTIFICATION_POLICY, request=_notification_request, send=send)


def deliveries_due(*, now: datetime, limit: int = 500) -> list[int]:
    return rows_due(WebhookDelivery, now=now, limit=limit)


def deliveries_retry_due(*, now: datetime, send: Sender | None = None) -> int:
    """Attempt every due delivery once (idempotent: the claim skips what another worker
    has taken). Rows whose last attempt's worker died after the final claim are given up.
    Returns how many were attempted by this call."""
    rows_give_up_dead(WebhookDelivery, now=now, policy=NOTIFICATION_POLICY)
    attempted = 0
    for delivery_id in deliveries_due(now=now):
        if delivery_attempt(delivery_id=delivery_id, now=now, send=send) is not None:
            attempted += 1
    return attempted
