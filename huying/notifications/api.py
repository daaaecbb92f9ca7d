"""The notification API (`/api/v1/notifications`): the signed-in user's own notices."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from huying.cases.schemas import int_field
from huying.notifications import selectors
from huying.notifications import services as ns
from huying.notifications.models import Notification
from huying.org.auth import api_auth

router = Router(tags=["通知"], auth=api_auth)


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    case_number: str | None
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationListOut(Schema):
    total: int
    unread: int
    limit: int
    offset: int
    items: list[NotificationOut]


class NotificationQueryIn(Schema):
    unread: bool = False
    limit: int_field(1, 100) = 20  # type: ignore[valid-type]
    offset: int_field(0, 1_000_000) = 0  # type: ignore[valid-type]


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int
    unread: int


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(id=n.pk, kind=n.kind, kind_label=str(n.get_kind_display()),
                           title=str(n.title), body=str(n.body),
                           case_number=n.case.number if n.case_id else None, link=n.link,
                           created_at=n.created_at, read_at=n.read_at)


@router.get("", response=NotificationListOut)
def notification_list(request: HttpRequest, query: Query[NotificationQueryIn]):
    rows = selectors.notifications_for(request.user, unread_only=query.unread)
    page = rows[query.offset:query.offset + query.limit]
    return NotificationListOut(total=rows.count(), unread=selectors.unread_count(request.user),
                               limit=query.limit, offset=query.offset,
                               items=[notification_out(n) for n in page])


@router.get("/unread-count", response=UnreadCountOut)
def notification_unread_count(request: HttpRequest):
    return UnreadCountOut(unread=selectors.unread_count(request.user))


@router.post("/read-all", response=MarkedOut)
def notification_read_all(request: HttpRequest):
    marked = ns.notifications_mark_all_read(actor=request.user, now=timezone.now())
    return MarkedOut(marked=marked, unread=selectors.unread_count(request.user))


@router.post("/{int:notification_id}/read", response=NotificationOut)
def notification_read(request: HttpRequest, notification_id: int):
    row = selectors.notification_get_for(request.user, notification_id)
    return notification_out(ns.notification_mark_read(actor=request.user, notification=row,
                                                       now=timezone.now()))
