"""Who may take reports in through a channel, and as which source system.

A token bound to a channel (`ChannelKey`) files through that channel only and only under its
own source system: the 12345 platform's key cannot post 数字城管's ids, nor 12345 ids under
another system's name. A caller without a bound key (a session, a plain token) files under
its own username, so its external ids never meet anyone else's."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from huying.cases.models import Channel, ChannelKey
from huying.cases.validation import text
from huying.common.errors import NotFound, PermissionDenied
from huying.common.models import ApiToken
from huying.org.auth import may_manage_tokens, token_issue
from huying.org.models import User


@transaction.atomic
def channel_key_issue(*, actor: User | None, user: User, channel_code: str,
                      source_system: str, now: datetime) -> tuple[ChannelKey, str]:
    """Issue `user` a token bound to a channel and a source system. Returns the key and the
    token's plaintext, shown once."""
    if not may_manage_tokens(actor):
        raise PermissionDenied(_("Only administrators may issue API tokens."))
    channel = Channel.objects.filter(code=channel_code).first()
    if channel is None:
        raise NotFound(_("Unknown or inactive channel %(channel)s.")
                       % {"channel": channel_code[:40]}, field="channel")
    source = text(source_system, field="source_system", label=_("The source system"),
                  max_length=64)
    # The name is an identifier an operator greps for, not a text shown translated.
    token, plaintext = token_issue(actor=actor, user=user,
                                   name=f"intake:{channel.code}:{source}"[:100], now=now)
    key = ChannelKey.objects.create(channel=channel, token=token, source_system=source,
                                    created_at=now)
    return key, plaintext


def intake_source(*, actor: User, token: ApiToken | None, channel: Channel,
                  source_system: str | None) -> str:
    """The source system a report is filed under, or PermissionDenied when the caller may
    not file through this channel or under that name."""
    key = (ChannelKey.objects.filter(token=token).select_related("channel").first()
           if token is not None else None)
    if key is not None:
        if key.channel_id != channel.pk:
            raise PermissionDenied(
                _("This key takes reports in through %(channel)s only.")
                % {"channel": key.channel.name}, code="channel_not_allowed")
        own = key.source_system
    else:
        own = actor.username
    if source_system not in (None, "", own):
        raise PermissionDenied(
            _("This caller files as source system %(own)s, not %(other)s.")
            % {"own": own, "other": source_system[:64]}, code="source_system_not_allowed")
    return own


def intake_matter(channel: Channel, matter: str | None, *, located: bool) -> str | None:
    """The matter a report taken in is registered under at once: its own, else the
    channel's default; None: it waits for the command centre to classify it. The default
    applies only to a report that says where it is: registering needs a place, and one
    without waits for the centre rather than failing the source system."""
    if matter:
        return matter
    return (channel.default_matter_code or None) if located else None
