"""Outbound webhook deliveries: POST each notification as JSON to `HUYING_WEBHOOK_URL`
(an SMS or messaging gateway), signed, retried with backoff, safe with several workers.

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
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
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


def delivery_claim(*, delivery: WebhookDelivery, now: datetime) -> bool:
    """Take the delivery for one attempt; False if another worker has it, it is not due,
    or it is finished."""
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=delivery.pk, status=delivery.status, attempts=delivery.attempts,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        attempts__lt=MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    return claimed == 1


def delivery_attempt(*, delivery_id: int, now: datetime, send: Sender | None = None
                     ) -> WebhookDelivery | None:
    """Claim and send one delivery; record success, or schedule the retry, or give up.
    Never raises for a failed send: the notification itself stands either way."""
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None or not delivery_claim(delivery=delivery, now=now):
        return None
    attempt = delivery.attempts + 1
    body = encode(wire_payload(delivery.payload))
    headers = {"Content-Type": "application/json; charset=utf-8",
               SIGNATURE_HEADER: signature(body),
               "User-Agent": "huying-webhook/1"}
    try:
        (send or default_sender())(delivery.url, body, headers, TIMEOUT_SECONDS)
    except Exception as exc:  # any failure of the gateway or the network is retried
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if attempt >= MAX_ATTEMPTS:
            status, next_at = DeliveryStatus.GAVE_UP, None
            log.warning("webhook delivery %s gave up after %d attempts: %s",
                        delivery.pk, attempt, error)
        else:
            status, next_at = DeliveryStatus.FAILED, now + BACKOFF[attempt - 1]
        WebhookDelivery.objects.filter(pk=delivery.pk, attempts=attempt).update(
            status=status, last_error=error, next_attempt_at=next_at)
    else:
        WebhookDelivery.objects.filter(pk=delivery.pk, attempts=attempt).update(
            status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None, last_error="")
    delivery.refresh_from_db()
    return delivery


def deliveries_due(*, now: datetime, limit: int = 500) -> list[int]:
    return list(WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
    ).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def deliveries_retry_due(*, now: datetime, send: Sender | None = None) -> int:
    """Attempt every due delivery once (idempotent: the claim skips what another worker
    has taken). Rows whose last attempt's worker died after the final claim are given up.
    Returns how many were attempted by this call."""
    WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        attempts__gte=MAX_ATTEMPTS, next_attempt_at__lte=now,
    ).update(status=DeliveryStatus.GAVE_UP, next_attempt_at=None)
    attempted = 0
    for delivery_id in deliveries_due(now=now):
        if delivery_attempt(delivery_id=delivery_id, now=now, send=send) is not None:
            attempted += 1
    return attempted
