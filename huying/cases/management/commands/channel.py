"""`huying channel list` and `huying channel key USERNAME --channel 12345 --source-system
省12345平台`: the channel registry at a glance, and a token bound to one channel and one
source system (printed once; only its SHA-256 is kept). Runs as the system (actor=None)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.channel_keys import channel_key_issue
from huying.cases.models import Channel
from huying.common.errors import DomainError
from huying.org.models import User


class Command(BaseCommand):
    help = _("Channels: list the registry, or issue a key bound to a channel and source system.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list the channels")
        key = sub.add_parser("key", help="issue a token bound to a channel, printed once")
        key.add_argument("username", help="the user the source system acts as")
        key.add_argument("--channel", required=True, help="channel code, e.g. 12345")
        key.add_argument("--source-system", required=True,
                         help="the source system's name, e.g. 省12345平台")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for channel in Channel.objects.all():
                state = _("active") if channel.active else _("inactive")
                self.stdout.write(f"{channel.code:<16} {channel.name}  ({state})")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No user named %(username)s.")
                               % {"username": options["username"]})
        try:
            key, plaintext = channel_key_issue(
                actor=None, user=user, channel_code=options["channel"],
                source_system=options["source_system"], now=timezone.now())
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(_("Token %(id)d for %(channel)s as %(source)s (shown only this once):")
                          % {"id": key.token_id, "channel": key.channel.name,
                             "source": key.source_system})
        self.stdout.write(plaintext)
