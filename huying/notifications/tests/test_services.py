from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from huying.common.errors import NotFound, ValidationFailed
from huying.notifications import selectors
from huying.notifications.models import Kind, Notification, WebhookDelivery
from huying.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    notify_department,
    notify_role_in_unit,
)
from huying.org.models import Role


def test_notify_creates_one_row_per_user(world, now):
    users = [world.user("responder_d05"), world.user("head_d05"), world.user("responder_d05")]
    rows = notify(users=users, kind=Kind.NEW_WORK, title="新派单", body="请签收", now=now,
                  link="/cases/X1")
    assert len(rows) == 2
    assert {r.user.username for r in rows} == {"responder_d05", "head_d05"}
    assert all(r.read_at is None and r.created_at == now for r in rows)


def test_notify_skips_inactive_users(world, now):
    user = world.user("responder_d05")
    user.is_active = False
    user.save()
    assert notify(users=[user], kind=Kind.SYSTEM, title="t", body="", now=now) == []


def test_same_dedupe_key_notifies_each_user_once(world, now):
    a, b = world.user("responder_d05"), world.user("head_d05")
    first = notify(users=[a], kind=Kind.SLA_WARNING, title="即将超时", body="", now=now,
                   dedupe_key="sla:1:sign:75")
    again = notify(users=[a, b], kind=Kind.SLA_WARNING, title="即将超时", body="",
                   now=now + timedelta(minutes=1), dedupe_key="sla:1:sign:75")
    assert len(first) == 1
    assert [r.user for r in again] == [b]
    assert Notification.objects.filter(dedupe_key="sla:1:sign:75").count() == 2


def test_notifications_without_a_key_are_never_deduplicated(world, now):
    user = world.user("responder_d05")
    notify(users=[user], kind=Kind.SYSTEM, title="t", body="", now=now)
    notify(users=[user], kind=Kind.SYSTEM, title="t", body="", now=now)
    assert Notification.objects.filter(user=user).count() == 2


def test_unknown_kind_is_refused(world, now):
    with pytest.raises(ValidationFailed):
        notify(users=[world.user("supervisor")], kind="gossip", title="t", body="", now=now)


def test_long_titles_are_cut_rather_than_refused(world, now):
    [row] = notify(users=[world.user("supervisor")], kind=Kind.SYSTEM, title="长" * 300,
                   body="", now=now)
    assert len(str(row.title)) == 200


def test_notify_department_reaches_its_responders_and_head(world, now):
    rows = notify_department(department=world.dept("D05"), kind=Kind.NEW_WORK,
                             title="新派单", body="", now=now)
    assert {r.user.username for r in rows} == {"responder_d05", "head_d05"}


def test_notify_department_with_chosen_roles(world, now):
    rows = notify_department(department=world.dept("D05"), roles=[Role.DEPT_HEAD],
                             kind=Kind.INTERVIEW, title="约谈通知", body="", now=now)
    assert [r.user.username for r in rows] == ["head_d05"]


def test_supervisors_of_the_county_include_command_centre_members(world, now):
    rows = notify_role_in_unit(role=Role.SUPERVISOR, unit=world.county, kind=Kind.SLA_BREACH,
                               title="已超时", body="", now=now)
    assert [r.user.username for r in rows] == ["supervisor"]


def test_town_reviewer_of_one_town_only(world, now):
    rows = notify_role_in_unit(role=Role.TOWN_REVIEWER, unit=world.towns[0],
                               kind=Kind.DECISION, title="待审核", body="", now=now)
    assert [r.user.username for r in rows] == ["reviewer_a"]


def test_inactive_membership_is_not_notified(world, now):
    world.user("reviewer_a").memberships.update(active=False)
    assert notify_role_in_unit(role=Role.TOWN_REVIEWER, unit=world.towns[0],
                               kind=Kind.DECISION, title="待审核", body="", now=now) == []


def test_owner_marks_read_once(world, now):
    user = world.user("supervisor")
    [row] = notify(users=[user], kind=Kind.SYSTEM, title="t", body="", now=now)
    later = now + timedelta(hours=1)
    assert notification_mark_read(actor=user, notification=row, now=later).read_at == later
    again = notification_mark_read(actor=user, notification=row, now=later + timedelta(hours=1))
    assert again.read_at == later
    assert selectors.unread_count(user) == 0


def test_someone_elses_notification_is_not_found(world, now):
    [row] = notify(users=[world.user("supervisor")], kind=Kind.SYSTEM, title="t", body="",
                   now=now)
    with pytest.raises(NotFound):
        notification_mark_read(actor=world.user("leader"), notification=row, now=now)
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read_touches_only_the_actors_unread(world, now):
    me, other = world.user("supervisor"), world.user("leader")
    notify(users=[me, other], kind=Kind.SYSTEM, title="a", body="", now=now)
    notify(users=[me], kind=Kind.SYSTEM, title="b", body="", now=now)
    assert notifications_mark_all_read(actor=me, now=now) == 2
    assert notifications_mark_all_read(actor=me, now=now) == 0
    assert selectors.unread_count(me) == 0
    assert selectors.unread_count(other) == 1


def test_selector_lists_newest_first_and_filters_unread(world, now):
    me = world.user("supervisor")
    [old] = notify(users=[me], kind=Kind.SYSTEM, title="old", body="", now=now)
    notify(users=[me], kind=Kind.SYSTEM, title="new", body="", now=now + timedelta(minutes=1))
    notification_mark_read(actor=me, notification=old, now=now)
    assert [str(n.title) for n in selectors.notifications_for(me)] == ["new", "old"]
    assert [str(n.title) for n in selectors.notifications_for(me, unread_only=True)] == ["new"]


def test_without_a_webhook_url_nothing_is_queued(world, now, settings,
                                                 django_capture_on_commit_callbacks):
    settings.HUYING_WEBHOOK_URL = ""
    with django_capture_on_commit_callbacks() as callbacks:
        notify(users=[world.user("supervisor")], kind=Kind.SYSTEM, title="t", body="",
               now=now)
    assert callbacks == []
    assert not WebhookDelivery.objects.exists()


def test_committed_notify_sends_the_webhook(world, now, webhook_url, sender, huey_immediate,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [row] = notify(users=[world.user("supervisor")], kind=Kind.SLA_BREACH,
                       title="已超时", body="请尽快处理", now=now)
        assert sender.calls == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(sender.calls) == 1
    delivery = WebhookDelivery.objects.get(notification=row)
    assert delivery.status == "sent" and delivery.attempts == 1


def test_rolled_back_action_sends_no_webhook(world, now, webhook_url, sender, huey_immediate,
                                             django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        notify(users=[world.user("supervisor")], kind=Kind.SLA_BREACH, title="已超时",
               body="", now=now)
        raise RuntimeError("the business action failed")
    assert callbacks == []
    assert sender.calls == []
    assert not WebhookDelivery.objects.exists()
    assert not Notification.objects.exists()


def test_a_queue_outage_does_not_break_the_action(world, now, webhook_url, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    from huying.notifications import tasks

    def broken(ids):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks, "webhook_deliver", broken)
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify(users=[world.user("supervisor")], kind=Kind.SYSTEM, title="t",
                       body="", now=now)
    # The row waits for the periodic retry.
    assert WebhookDelivery.objects.get(notification=row).status == "pending"
