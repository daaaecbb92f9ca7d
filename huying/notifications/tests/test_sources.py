"""Answering the source systems: a source update per status change and report, the signed
webhook (down, then back: each delivery once and in order), merged duplicates answered with
the master's outcome, rollback, replay, and the cost of fanning out."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huying.cases import services as cs
from huying.cases.models import Case, CaseStatus, Channel, Rating
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.notifications import source_webhook
from huying.notifications.models import SourceUpdate, UpdateStatus
from huying.notifications.sources import source_updates_replay
from huying.notifications.tasks import source_update_deliver, source_updates_send_due

from .conftest import MONDAY, FakeSender

HOTLINE_SOURCE = "hotline-12345"
SECRET = "a-shared-secret-of-12345"


def answering(code: str, *, url: str = "", secret: str = SECRET) -> Channel:
    channel = Channel.objects.get(code=code)
    channel.must_answer_back, channel.outbound_url, channel.outbound_secret = True, url, secret
    channel.save()
    return channel


def filed(world, external_id: str, *, channel: str = "12345", source: str = HOTLINE_SOURCE,
          grid: int = 0, now: datetime = MONDAY) -> Case:
    """A report taken in from a source system and registered (reported → registered)."""
    lon, lat = world.point_in(grid)
    case = cs.case_report(actor=world.user("initiator_a"), county=world.county,
                          channel=channel, title="路灯不亮", description="新华路路灯不亮。",
                          longitude=lon, latitude=lat, reporter_name="张三",
                          reporter_phone="13912345678", external_ref=external_id,
                          source_system=source, now=now)
    return cs.case_register(case=case, actor=world.user("initiator_a"), matter_code="M002",
                            now=now)


def to_triage(world, case: Case, now: datetime) -> Case:
    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="需县级部门处理",
                        now=now)
    return cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)


def to_closed(world, case: Case, now: datetime, result: str = "已更换灯具，恢复亮灯。") -> Case:
    """From triage: dispatch, sign, reply, evaluate satisfied."""
    lead, = cs.case_dispatch(case=case, actor=world.user("supervisor"),
                             lead=world.dept("D05"), now=now)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result=result,
                        now=now + timedelta(hours=2))
    case.refresh_from_db()
    cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=5,
                     rating=Rating.VERY_SATISFIED, now=now + timedelta(hours=3))
    case.refresh_from_db()
    return case


def statuses(external_id: str) -> list[str]:
    return list(SourceUpdate.objects.filter(external_id=external_id).order_by("pk")
                .values_list("case_status", flat=True))


# ---------------------------------------------------------------------------------------
# what is recorded


def test_every_status_change_is_one_update_for_the_source(world, now):
    answering("12345")
    case = to_closed(world, to_triage(world, filed(world, "GD-1"), now), now)
    assert statuses("GD-1") == ["registered", "awaiting_approval", "triage", "dispatched",
                                "replied", "closed"]
    closed = SourceUpdate.objects.filter(external_id="GD-1").order_by("pk").last()
    item = source_webhook.source_item(closed)
    assert item == {
        "id": closed.pk, "channel": "12345", "source_system": HOTLINE_SOURCE,
        "external_id": "GD-1", "case_number": case.number, "master_number": None,
        "status": "closed", "status_label": "已办结", "master_status_label": None,
        "result": "已更换灯具，恢复亮灯。", "rating": "very_satisfied", "event": "close",
        "event_at": closed.event.at.isoformat(), "record_hash": closed.event.hash,
    }
    # Pull only: the channel has no endpoint, nothing waits to be pushed.
    assert set(SourceUpdate.objects.values_list("status", flat=True)) == {"pull_only"}


def test_no_staff_names_nor_reporter_data_leave(world, now):
    answering("12345")
    to_closed(world, to_triage(world, filed(world, "GD-1"), now), now)
    text = json.dumps([source_webhook.source_item(u) for u in SourceUpdate.objects.all()],
                      ensure_ascii=False)
    for secret in ("张三", "13912345678", "initiator_a", "responder_d05", "supervisor",
                   world.user("responder_d05").full_name):
        assert secret not in text


def test_a_channel_not_answering_back_gets_nothing(world, now):
    Channel.objects.filter(code="12345").update(must_answer_back=False, outbound_url="")
    to_closed(world, to_triage(world, filed(world, "GD-1"), now), now)
    assert not SourceUpdate.objects.exists()


def test_a_case_without_intake_record_tells_nobody(world, now):
    answering("town")
    lon, lat = world.point_in(0)
    case = cs.case_report(actor=world.user("initiator_a"), county=world.county, channel="town",
                          title="路灯不亮", description="路灯不亮。", longitude=lon,
                          latitude=lat, now=now)
    cs.case_register(case=case, actor=world.user("initiator_a"), matter_code="M002", now=now)
    assert not SourceUpdate.objects.exists()


def test_a_rolled_back_action_records_and_enqueues_nothing(world, now,
                                                            django_capture_on_commit_callbacks):
    answering("12345", url="http://127.0.0.1:9/hook")
    case = filed(world, "GD-1")
    before = SourceUpdate.objects.count()
    with (django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        cs.case_call(case=case, actor=world.user("initiator_a"), reason="需县级处理",
                     now=now)
        assert SourceUpdate.objects.count() == before + 1  # written with the change
        raise RuntimeError("the action failed after the change")
    assert SourceUpdate.objects.count() == before
    assert callbacks == []


def test_the_update_is_sent_only_after_commit(world, now, sender, huey_immediate,
                                             django_capture_on_commit_callbacks):
    answering("12345", url="http://127.0.0.1:9/hook")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        filed(world, "GD-1")
    assert sender.calls == []  # still inside the (test's) transaction: nothing left
    for callback in callbacks:
        callback()
    [(url, body, _headers, _timeout)] = sender.calls
    assert url == "http://127.0.0.1:9/hook"
    assert json.loads(body)["status"] == "registered"
    assert SourceUpdate.objects.get().status == UpdateStatus.SENT


# ---------------------------------------------------------------------------------------
# merged duplicates


def test_a_merged_duplicate_is_answered_with_the_masters_close(world, now):
    answering("12345")
    answering("city_management")
    master = filed(world, "M-1", channel="city_management", source="szcg")
    duplicate = filed(world, "D-1", grid=1)
    cs.case_merge(case=duplicate, into=master, actor=world.user("supervisor"), now=now)
    master.refresh_from_db()
    to_closed(world, to_triage(world, master, now), now, result="已修复。")
    assert statuses("D-1") == ["registered", "merged", "awaiting_approval", "triage",
                               "dispatched", "replied", "closed"]
    assert statuses("M-1") == ["registered", "awaiting_approval", "triage", "dispatched",
                               "replied", "closed"]
    rows = {u.case_status: source_webhook.source_item(u)
            for u in SourceUpdate.objects.filter(external_id="D-1")}
    assert rows["merged"]["master_number"] == master.number
    assert (rows["merged"]["master_status"], rows["merged"]["master_status_label"]) == (
        "registered", "已立案")
    close = rows["closed"]
    assert (close["channel"], close["source_system"], close["case_number"]) == (
        "12345", HOTLINE_SOURCE, duplicate.number)
    assert (close["master_number"], close["result"]) == (master.number, "已修复。")


def test_a_chain_of_merges_reaches_every_source_once(world, now):
    answering("12345")
    master = filed(world, "M-1")
    middle = filed(world, "A-1", grid=1)
    first = filed(world, "B-1")
    cs.case_merge(case=first, into=middle, actor=world.user("supervisor"), now=now)
    middle.refresh_from_db()
    cs.case_merge(case=middle, into=master, actor=world.user("supervisor"), now=now)
    master.refresh_from_db()
    to_closed(world, to_triage(world, master, now), now)
    after_merges = ["awaiting_approval", "triage", "dispatched", "replied", "closed"]
    assert statuses("B-1") == ["registered", "merged", "merged", *after_merges]
    assert statuses("A-1") == ["registered", "merged", *after_merges]
    assert statuses("M-1") == ["registered", *after_merges]
    b_merges = SourceUpdate.objects.filter(external_id="B-1", case_status="merged")
    assert [u.payload["master_number"] for u in b_merges.order_by("pk")] == [
        middle.number, master.number]
    # Each change of the master reached each report once.
    events = list(SourceUpdate.objects.values_list("intake_id", "event_id"))
    assert len(events) == len(set(events))


def test_recording_costs_the_same_queries_whatever_the_number_of_sources(world, now):
    answering("12345", url="http://127.0.0.1:9/hook")

    def call_cost(duplicates: int, offset: int) -> int:
        master = filed(world, f"M-{offset}")
        for i in range(duplicates):
            dup = filed(world, f"D-{offset}-{i}", grid=(i % 2))
            cs.case_merge(case=dup, into=master, actor=world.user("supervisor"), now=now)
        master.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            cs.case_call(case=master, actor=world.user("initiator_a"), reason="需县级处理",
                         now=now)
        told = SourceUpdate.objects.filter(event__case=master, event__action="call")
        assert told.count() == duplicates + 1
        return len(queries)

    call_cost(1, 0)  # the first call also loads the lists it checks (remembered after)
    assert call_cost(1, 1) == call_cost(6, 2)


# ---------------------------------------------------------------------------------------
# the webhook


class Receiver(BaseHTTPRequestHandler):
    """A source system's endpoint: 503 for the first `down_for` requests, then 200; keeps
    what it accepted and checks the signature as a receiver would."""

    down_for = 0
    seen = 0
    accepted: list[dict] = []
    refused = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.seen += 1
        if Receiver.seen <= Receiver.down_for:
            Receiver.refused += 1
            self.send_response(503)
            self.end_headers()
            return
        timestamp = self.headers["X-Huying-Timestamp"]
        expected = "sha256=" + hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body,
                                        hashlib.sha256).hexdigest()
        Receiver.accepted.append({
            "delivery": self.headers["X-Huying-Delivery"], "timestamp": int(timestamp),
            "valid": hmac.compare_digest(expected, self.headers["X-Huying-Signature"]),
            "item": json.loads(body)})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.down_for, Receiver.seen, Receiver.accepted, Receiver.refused = 0, 0, [], 0
    yield f"http://127.0.0.1:{server.server_port}/huying", Receiver
    server.shutdown()
    server.server_close()


def test_a_receiver_down_then_back_gets_every_delivery_once_and_in_order(world, now,
                                                                         receiver):
    url, handler = receiver
    answering("12345", url=url)
    handler.down_for = 4
    first = to_triage(world, filed(world, "GD-1"), now)
    second = filed(world, "GD-2", grid=1)
    cs.case_merge(case=second, into=first, actor=world.user("supervisor"), now=now)
    first.refresh_from_db()
    to_closed(world, first, now)
    expected = list(SourceUpdate.objects.order_by("pk").values_list("pk", "external_id"))
    assert len(expected) == 3 + 2 + 3 * 2  # GD-1: 3 + 3; GD-2: registered, merged, 3

    at, passes = now + timedelta(hours=4), []
    for _minute in range(60 * 3):  # three hours of a once-a-minute pass, time frozen
        passes.append(source_webhook.source_updates_send_due(now=at))
        at += timedelta(minutes=1)
    assert handler.refused == 4
    got = [(int(a["delivery"]), a["item"]["external_id"]) for a in handler.accepted]
    assert sorted(got) == expected and len(set(got)) == len(got)  # each once
    for external_id in ("GD-1", "GD-2"):  # each report's updates in order
        ids = [d for d, e in got if e == external_id]
        assert ids == sorted(ids)
    assert all(a["valid"] for a in handler.accepted)
    assert all(a["item"]["id"] == int(a["delivery"]) for a in handler.accepted)
    assert set(SourceUpdate.objects.values_list("status", flat=True)) == {"sent"}
    # While it was down only the head of each report was tried, not every row.
    assert sum(passes) == len(expected) + 4
    assert source_webhook.source_updates_send_due(now=at + timedelta(days=2)) == 0
    assert len(handler.accepted) == len(expected)


def test_the_signature_verifies_with_the_channels_secret_and_the_timestamp(world, now):
    answering("12345", url="http://127.0.0.1:9/hook")
    filed(world, "GD-1")
    update = SourceUpdate.objects.get()
    sender = FakeSender()
    at = now + timedelta(minutes=3)
    source_webhook.source_update_attempt(update_id=update.pk, now=at, send=sender)
    [(_url, body, headers, _timeout)] = sender.calls
    assert headers["X-Huying-Timestamp"] == str(int(at.timestamp()))
    assert headers["X-Huying-Delivery"] == str(update.pk)
    signed = headers["X-Huying-Timestamp"].encode() + b"." + body
    assert headers["X-Huying-Signature"] == "sha256=" + hmac.new(
        SECRET.encode(), signed, hashlib.sha256).hexdigest()
    # Another secret, or the body alone, does not verify.
    assert headers["X-Huying-Signature"] != "sha256=" + hmac.new(
        b"other", signed, hashlib.sha256).hexdigest()
    assert headers["X-Huying-Signature"] != "sha256=" + hmac.new(
        SECRET.encode(), body, hashlib.sha256).hexdigest()


def test_backoff_doubles_to_six_hours_and_gives_up_after_twelve(world, now):
    answering("12345", url="http://127.0.0.1:9/hook")
    case = filed(world, "GD-1")
    cs.case_call(case=case, actor=world.user("initiator_a"), reason="需县级处理", now=now)
    head, follower = SourceUpdate.objects.order_by("pk")
    sender = FakeSender(failures=12)
    at, waits = now, []
    for _attempt in range(source_webhook.MAX_ATTEMPTS):
        assert source_webhook.source_update_attempt(update_id=follower.pk, now=at,
                                                    send=sender) is None  # waits its turn
        row = source_webhook.source_update_attempt(update_id=head.pk, now=at, send=sender)
        if row.next_attempt_at:
            waits.append(row.next_attempt_at - at)
            at = row.next_attempt_at
    assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 16, 32, 64, 128, 256,
                                                       360, 360]
    head.refresh_from_db()
    assert (head.status, head.attempts) == ("gave_up", 12)
    assert "HTTP" in head.last_error or "OSError" in head.last_error
    # Given up, it no longer holds the next one back.
    assert source_webhook.source_update_attempt(update_id=follower.pk, now=at,
                                                send=sender).status == "sent"


def test_a_channel_without_a_secret_is_not_sent_unsigned(world, now):
    answering("12345", url="http://127.0.0.1:9/hook", secret="")
    filed(world, "GD-1")
    sender = FakeSender()
    assert source_webhook.source_updates_send_due(now=now, send=sender) == 1
    assert sender.calls == []
    update = SourceUpdate.objects.get()
    assert update.status == "failed" and "secret" in update.last_error


# ---------------------------------------------------------------------------------------
# replay


def test_replay_from_the_admin_sends_once_more_and_is_recorded(world, now):
    answering("12345", url="http://127.0.0.1:9/hook")
    filed(world, "GD-1")
    update = SourceUpdate.objects.get()
    sender = FakeSender()
    source_webhook.source_updates_send_due(now=now, send=sender)
    assert len(sender.calls) == 1
    client = Client()
    client.force_login(world.user("admin"))
    listing = client.get("/admin/notifications/sourceupdate/", {"q": "GD-1"})
    assert listing.status_code == 200 and update.case_number in listing.content.decode()
    detail = client.get(f"/admin/notifications/sourceupdate/{update.pk}/change/")
    assert "http://127.0.0.1:9/hook" in detail.content.decode()
    assert SECRET not in detail.content.decode()
    response = client.post("/admin/notifications/sourceupdate/",
                           {"action": "replay", "_selected_action": [update.pk]})
    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.status, update.attempts, update.replays) == ("pending", 0, 1)
    assert update.replayed_by == world.user("admin") and update.replayed_at is not None
    later = timezone.now()  # the admin replays at the wall clock's now
    source_webhook.source_updates_send_due(now=later, send=sender)
    source_webhook.source_updates_send_due(now=later + timedelta(hours=1), send=sender)
    assert len(sender.calls) == 2
    assert sender.calls[1][2]["X-Huying-Delivery"] == str(update.pk)
    assert sender.calls[0][1] == sender.calls[1][1]  # the same body, again


def test_replay_needs_an_admin_and_a_channel_endpoint(world, now):
    answering("12345")
    filed(world, "GD-1")
    update = SourceUpdate.objects.get()
    with pytest.raises(PermissionDenied):
        source_updates_replay(actor=world.user("supervisor"), updates=[update], now=now)
    with pytest.raises(ValidationFailed):
        source_updates_replay(actor=world.user("admin"), updates=[update], now=now)
    update.refresh_from_db()
    assert update.replays == 0 and update.status == UpdateStatus.PULL_ONLY


def test_the_admin_log_filters_by_channel_and_status(world, now):
    answering("12345")
    filed(world, "GD-1")
    client = Client()
    client.force_login(world.user("admin"))
    channel = Channel.objects.get(code="12345")
    page = client.get("/admin/notifications/sourceupdate/",
                      {"channel__id__exact": channel.pk, "status__exact": "pull_only"})
    assert page.status_code == 200 and "GD-1" in page.content.decode()
    assert CaseStatus.REGISTERED in SourceUpdate.objects.values_list("case_status", flat=True)


def test_the_tasks_send_with_the_default_sender_once(world, now, sender):
    answering("12345", url="http://127.0.0.1:9/hook")
    filed(world, "GD-1")
    update = SourceUpdate.objects.get()
    source_update_deliver.call_local([update.pk])
    source_updates_send_due.call_local()
    assert len(sender.calls) == 1
    update.refresh_from_db()
    assert update.status == UpdateStatus.SENT and update.url == "http://127.0.0.1:9/hook"
