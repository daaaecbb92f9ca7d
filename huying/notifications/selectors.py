"""Reading notifications (always the signed-in user's own) and the source systems' feed."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from huying.cases.models import Channel
from huying.common.errors import NotFound, PermissionDenied
from huying.notifications.models import Notification, SourceUpdate
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


def channel_answering_back(code: str) -> Channel:
    """A channel whose sources may read their updates: 404 for an unknown code, 403 for a
    channel that is not answered back (its sources have no updates and never will)."""
    channel = Channel.objects.filter(code=code).first()
    if channel is None:
        raise NotFound(_("Unknown channel %(channel)s.") % {"channel": code[:40]},
                       field="channel")
    if not channel.must_answer_back:
        raise PermissionDenied(
            _("Channel %(channel)s is not answered back; it has no updates to read.")
            % {"channel": channel.name}, code="not_answered_back")
    return channel


def source_updates_after(*, channel: Channel, source_system: str, after: int, limit: int
                         ) -> list[SourceUpdate]:
    """The pull feed of one source system of one channel: its updates with an id above the
    cursor, oldest first (ids of one channel grow in commit order, see `SourceUpdate`)."""
    return list(SourceUpdate.objects.filter(channel=channel, source_system=source_system,
                                            pk__gt=after).order_by("pk")[:limit])
