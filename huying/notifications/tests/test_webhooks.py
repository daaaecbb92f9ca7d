from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from huying.cases import services as cs
from huying.cases.models import Channel
from huying.notifications import webhooks
from huying.notifications.models import Kind, WebhookDelivery
from huying.notifications.services import notify
from huying.notifications.tasks import webhook_deliver, webhook_retry_due

from .conftest import WEBHOOK_URL, FakeSender


@pytest.fixture
def delivery(world, now, webhook_url) -> WebhookDelivery:
    [row] = notify(users=[world.user("responder_d05")], kind=Kind.NEW_WORK, title="新派单",
                   body="请在2小时内签收", now=now, link="/cases/T1")
    return WebhookDelivery.objects.get(notification=row)


def test_delivery_posts_the_notification_as_json(delivery, now):
    sender = FakeSender()
    result = webhooks.delivery_attempt(delivery_id=delivery.pk, now=now, send=sender)
    assert result.status == "sent" and result.sent_at == now and result.attempts == 1
    [(url, body, headers, timeout)] = sender.calls
    assert url == WEBHOOK_URL and timeout == 5
    data = json.loads(body)
    assert data == {
        "id": delivery.notification_id, "kind": "new_work", "title": "新派单",
        "body": "请在2小时内签收", "case_number": None, "link": "/cases/T1",
        "user": {"username": "responder_d05", "full_name": "responder_d05",
                 "phone": "13800000000"},
        "created_at": now.isoformat(),
    }
    assert headers["Content-Type"].startswith("application/json")


def test_payload_names_the_case(world, now, webhook_url):
    lon, lat = world.point_in(0)
    case = cs.case_report(actor=world.user("initiator_a"), county=world.county,
                          channel=Channel.TOWN, title="路灯不亮", description="路灯不亮。",
                          longitude=lon, latitude=lat, now=now)
    [row] = notify(users=[world.user("supervisor")], kind=Kind.SLIP, title="督办单", body="",
                   now=now, case=case)
    payload = WebhookDelivery.objects.get(notification=row).payload
    assert payload["case_number"] == case.number


def test_signature_is_the_hmac_of_the_body_with_the_secret_key(delivery, now, settings):
    sender = FakeSender()
    webhooks.delivery_attempt(delivery_id=delivery.pk, now=now, send=sender)
    [(_url, body, headers, _t)] = sender.calls
    expected = hmac.new(settings.SECRET_KEY.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Huying-Signature"] == f"sha256={expected}"


def test_a_dedicated_webhook_secret_wins(delivery, now, settings):
    settings.HUYING_WEBHOOK_SECRET = "gateway-shared-secret"
    sender = FakeSender()
    webhooks.delivery_attempt(delivery_id=delivery.pk, now=now, send=sender)
    [(_url, body, headers, _t)] = sender.calls
    expected = hmac.new(b"gateway-shared-secret", body, hashlib.sha256).hexdigest()
    assert headers["X-Huying-Signature"] == f"sha256={expected}"


def test_failures_back_off_then_give_up_after_five_attempts(delivery, now):
    sender = FakeSender(failures=99)
    at = now
    waits = []
    for attempt in range(1, 6):
        result = webhooks.delivery_attempt(delivery_id=delivery.pk, now=at, send=sender)
        assert result.attempts == attempt
        assert "connection refused" in result.last_error
        if attempt < 5:
            assert result.status == "failed"
            waits.append(result.next_attempt_at - at)
            # Not due yet: a second before the backoff ends nothing is sent.
            early = result.next_attempt_at - timedelta(seconds=1)
            assert webhooks.delivery_attempt(delivery_id=delivery.pk, now=early,
                                             send=sender) is None
            at = result.next_attempt_at
        else:
            assert result.status == "gave_up" and result.next_attempt_at is None
    assert waits == list(webhooks.BACKOFF)
    assert waits == sorted(waits)
    assert len(sender.calls) == 5
    assert webhooks.delivery_attempt(delivery_id=delivery.pk, now=at + timedelta(days=1),
                                     send=sender) is None
    assert len(sender.calls) == 5


def test_a_retry_after_a_failure_succeeds(delivery, now):
    sender = FakeSender(failures=1)
    first = webhooks.delivery_attempt(delivery_id=delivery.pk, now=now, send=sender)
    assert first.status == "failed"
    assert webhooks.deliveries_retry_due(now=first.next_attempt_at, send=sender) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2 and delivery.last_error == ""


def test_periodic_retry_is_idempotent(delivery, now):
    sender = FakeSender()
    assert webhooks.deliveries_retry_due(now=now, send=sender) == 1
    assert webhooks.deliveries_retry_due(now=now + timedelta(hours=1), send=sender) == 0
    assert len(sender.calls) == 1


def test_two_claimers_of_the_same_row_only_one_wins(delivery, now):
    first_view = WebhookDelivery.objects.get(pk=delivery.pk)
    second_view = WebhookDelivery.objects.get(pk=delivery.pk)
    assert webhooks.delivery_claim(delivery=first_view, now=now) is True
    assert webhooks.delivery_claim(delivery=second_view, now=now) is False


def test_a_second_worker_arriving_mid_send_sends_nothing(delivery, now):
    inner_results = []

    def slow_sender(url, body, headers, timeout):
        calls.append(url)
        # Another worker picks up the same delivery while the first is still sending.
        inner_results.append(webhooks.delivery_attempt(delivery_id=delivery.pk, now=now,
                                                       send=slow_sender))

    calls: list[str] = []
    result = webhooks.delivery_attempt(delivery_id=delivery.pk, now=now, send=slow_sender)
    assert calls == [WEBHOOK_URL]
    assert inner_results == [None]
    assert result.status == "sent" and result.attempts == 1


def test_a_worker_that_died_mid_send_is_retried_after_the_lease(delivery, now):
    assert webhooks.delivery_claim(delivery=delivery, now=now)  # and then the worker died
    sender = FakeSender()
    assert webhooks.deliveries_retry_due(now=now + timedelta(seconds=30), send=sender) == 0
    assert webhooks.deliveries_retry_due(now=now + webhooks.LEASE, send=sender) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2


def test_tasks_use_the_default_sender(delivery, sender):
    webhook_deliver.call_local([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(sender.calls) == 1
    webhook_retry_due.call_local()
    assert len(sender.calls) == 1


def test_task_runs_through_huey_in_immediate_mode(delivery, sender, huey_immediate):
    webhook_deliver([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "sent"


class _Handler(BaseHTTPRequestHandler):
    received: list[tuple[bytes, str]] = []
    status = 204

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Handler.received.append((self.rfile.read(length),
                                  self.headers["X-Huying-Signature"]))
        self.send_response(_Handler.status)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.received = []
    _Handler.status = 204
    yield f"http://127.0.0.1:{server.server_port}/hook", _Handler
    server.shutdown()
    server.server_close()


def test_http_sender_posts_and_reports_errors(gateway):
    url, handler = gateway
    body = b'{"id":1}'
    webhooks.http_send(url, body, {"X-Huying-Signature": webhooks.signature(body)}, 5)
    assert handler.received == [(body, webhooks.signature(body))]
    handler.status = 500
    with pytest.raises(OSError):
        webhooks.http_send(url, body, {}, 5)
