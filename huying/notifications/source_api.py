"""The pull feed of source updates (`GET /api/v1/intake/{channel}/updates`), for source
systems that poll instead of receiving the webhook. The caller reads as the source system
it files under (`cases.channel_keys.intake_source`: a channel key's own system, anyone
else's username), so one system never reads another's answers."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from huying.cases.channel_keys import intake_source
from huying.common.errors import ValidationFailed
from huying.notifications import selectors
from huying.notifications.source_webhook import source_item
from huying.org.auth import api_auth, request_token

router = Router(tags=["回复来源系统"], auth=api_auth)

LIMIT_MAX = 500
LIMIT_DEFAULT = 100
CURSOR_DIGITS = 18


class SourceUpdateOut(Schema):
    id: int
    channel: str
    source_system: str
    external_id: str
    case_number: str
    master_number: str | None
    status: str
    status_label: str | None
    result: str
    rating: str | None
    event: str
    event_at: str
    record_hash: str
    master_status: str | None = None
    master_status_label: str | None = None
    master_result: str | None = None


class SourceFeedOut(Schema):
    items: list[SourceUpdateOut]
    next: str
    has_more: bool


def cursor_parse(value: str | None) -> int:
    if value in (None, ""):
        return 0
    if not (value.isascii() and value.isdigit() and len(value) <= CURSOR_DIGITS):
        raise ValidationFailed(_("The cursor must be the `next` of an earlier answer."),
                               field="after")
    return int(value)


def limit_parse(value: str | None) -> int:
    if value in (None, ""):
        return LIMIT_DEFAULT
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= LIMIT_MAX):
        raise ValidationFailed(_("The limit must be a whole number from 1 to %(max)d.")
                               % {"max": LIMIT_MAX}, field="limit")
    return int(value)


@router.get("/{channel}/updates", response=SourceFeedOut)
def source_updates(request: HttpRequest, channel: str, after: str | None = None,
                   limit: str | None = None):
    """The caller's updates after `after` (the `next` of the previous answer; none: from
    the start), oldest first, at most `limit` (1–500, default 100). Poll again with `next`;
    an empty page answers the same cursor."""
    cursor, size = cursor_parse(after), limit_parse(limit)
    source = selectors.channel_answering_back(channel)
    source_system = intake_source(actor=request.user, token=request_token(request),
                                  channel=source, source_system=None)
    rows = selectors.source_updates_after(channel=source, source_system=source_system,
                                          after=cursor, limit=size + 1)
    page = rows[:size]
    return SourceFeedOut(items=[SourceUpdateOut(**source_item(u)) for u in page],
                         next=str(page[-1].pk if page else cursor), has_more=len(rows) > size)
