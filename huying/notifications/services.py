"""Writing notifications (通知): the supervision, assessment and case code call `notify` and
its helpers inside their own transaction; a user marks what they have read.

Titles and bodies are `Message`s (common/messages.py): message keys with parameters,
rendered in the reader's language when read. Plain text is accepted and stored as a literal
for what people wrote themselves (a reason, a reply).

When `HUYING_WEBHOOK_URL` is set, each notification also gets a webhook delivery, handed to
huey only once the surrounding transaction commits (the pretix way), so a rolled-back action
sends nothing and a gateway outage never breaks the action itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import router, transaction
from django.db.models import Q, QuerySet
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils.translation import gettext as _

from huying.cases.models import Case
from huying.common.errors import NotFound, ValidationFailed
from huying.common.messages import Message, as_message, literal
from huying.notifications.models import Kind, Notification, WebhookDelivery
from huying.notifications.tasks import webhook_deliver
from huying.notifications.webhooks import payload_for
from huying.org.models import Department, OrgUnit, Role, User

log = logging.getLogger(__name__)

TITLE_MAX = 200


def _recipients(users: Iterable[User]) -> list[User]:
    """Each active user once, whatever the caller passed (a user may hold two roles)."""
    seen: set[int] = set()
    result = []
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        result.append(user)
    return result


# No savepoint: nothing here is caught and retried inside the caller's transaction, and a
# savepoint costs two statements on every business action that notifies.
@transaction.atomic(savepoint=False)
def notify(*, users: Iterable[User], kind: str, title: Message | str, body: Message | str,
           now: datetime, case: Case | None = None, link: str = "",
           dedupe_key: str | None = None) -> list[Notification]:
    """Create one notification per user; users who already have `dedupe_key` are skipped,
    so announcing the same event again (a retried job, a re-run sweep) rings once.

    Returns the notifications created by this call.
    """
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown notification kind %(kind)s.") % {"kind": kind},
                               field="kind")
    recipients = _recipients(users)
    title, body = as_message(title), as_message(body)
    # A notice must never refuse the business action because its wording ran long.
    if "text" in title.data:
        title = literal(title.data["text"][:TITLE_MAX])
    rows = [Notification(user=user, kind=kind, title=title, body=body, case=case,
                         link=link[:300], created_at=now, dedupe_key=dedupe_key)
            for user in recipients]
    if not rows:
        return []
    created = (Notification.objects.bulk_create(rows) if dedupe_key is None
               else _insert_new(rows))
    url = settings.HUYING_WEBHOOK_URL
    if url and created:
        deliveries = WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(notification=n, url=url, payload=payload_for(n),
                             next_attempt_at=now) for n in created])
        ids = [d.pk for d in deliveries if d.pk is not None]
        if len(ids) != len(deliveries):  # a backend that returns no ids from bulk_create
            ids = list(WebhookDelivery.objects.filter(notification__in=created)
                       .values_list("pk", flat=True))
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return created


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """Insert the rows whose (user, dedupe_key) is not there yet, in one statement, and
    answer those inserted with their ids: `INSERT … ON CONFLICT DO NOTHING RETURNING`
    (SQLite: `INSERT OR IGNORE … RETURNING`), which returns only the rows it wrote. A
    concurrent notify with the same key keeps its rows; ours for those users are skipped.
    Django's `bulk_create(ignore_conflicts=True)` cannot return ids, so the statement is
    compiled here by Django's own insert compiler."""
    meta = Notification._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    query = InsertQuery(Notification, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, rows)
    compiler = query.get_compiler(using=router.db_for_write(Notification))
    compiler.returning_fields = [meta.pk, meta.get_field("user")]
    with compiler.connection.cursor() as cursor:
        for sql, params in compiler.as_sql():
            cursor.execute(sql, params)
        inserted = {user_id: pk for pk, user_id in cursor.fetchall()}
    created = []
    for row in rows:
        if row.user_id in inserted:
            row.pk = inserted[row.user_id]
            row._state.adding = False
            row._state.db = compiler.using
            created.append(row)
    return created


def _enqueue(delivery_ids: list[int]) -> None:
    """Hand the deliveries to huey. If the queue is unreachable the rows stay pending and
    the periodic retry picks them up."""
    try:
        webhook_deliver(delivery_ids)
    except Exception:  # the business action has already committed; never undo it
        log.exception("could not enqueue webhook deliveries %s", delivery_ids)


def department_users(department: Department, roles: Iterable[str]) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, memberships__active=True, memberships__department=department,
        memberships__role__in=list(roles)).distinct().order_by("pk")


def role_in_unit_users(role: str, unit: OrgUnit) -> QuerySet[User]:
    """Active holders of `role` at `unit`: members of the unit itself, or of an active
    department serving exactly that unit (the county's supervisors sit in the command
    centre, whose territory is the county)."""
    return User.objects.filter(
        Q(memberships__unit=unit)
        | Q(memberships__department__unit=unit, memberships__department__active=True),
        is_active=True, memberships__active=True, memberships__role=role,
    ).distinct().order_by("pk")


def notify_department(*, department: Department,
                      roles: Iterable[str] = (Role.RESPONDER, Role.DEPT_HEAD), kind: str,
                      title: Message | str, body: Message | str, now: datetime,
                      case: Case | None = None, link: str = "",
                      dedupe_key: str | None = None) -> list[Notification]:
    """Notify everyone holding one of `roles` in `department` (by default its responders
    and its head)."""
    return notify(users=department_users(department, roles), kind=kind, title=title,
                  body=body, now=now, case=case, link=link, dedupe_key=dedupe_key)


def notify_role_in_unit(*, role: str, unit: OrgUnit, kind: str, title: Message | str,
                        body: Message | str, now: datetime, case: Case | None = None,
                        link: str = "", dedupe_key: str | None = None) -> list[Notification]:
    """Notify every holder of `role` at `unit`, e.g. the county's supervisors or a town's
    reviewers."""
    return notify(users=role_in_unit_users(role, unit), kind=kind, title=title, body=body,
                  now=now, case=case, link=link, dedupe_key=dedupe_key)


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification, now: datetime
                           ) -> Notification:
    """Mark one of the actor's own notifications read (idempotent: the first time stays)."""
    if notification.user_id != actor.pk:
        # Someone else's notification answers exactly like a missing one.
        raise NotFound(_("Notification %(id)d was not found.") % {"id": notification.pk})
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User, now: datetime) -> int:
    """Mark all the actor's unread notifications read; returns how many changed."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=now)
