"""Reading notifications: always the signed-in user's own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from huying.common.errors import NotFound
from huying.notifications.models import Notification
from huying.org.models import User


def notifications_for(user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    rows = Notification.objects.filter(user=user).select_related("case")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get_for(user: User, notification_id: int) -> Notification:
    """One of the user's notifications; another user's answers 404 like a missing one."""
    row = Notification.objects.filter(pk=notification_id, user=user).first()
    if row is None:
        raise NotFound(_("Notification %(id)d was not found.") % {"id": notification_id})
    return row
