"""`huying token issue USERNAME --name NAME` and `huying token revoke ID`: bearer tokens for
machine clients (12345 system, grid app).

The command acts as the system (actor=None): whoever can run it on the server already
administers the platform. The token is printed once; only its SHA-256 is kept.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.common.errors import DomainError
from huying.org.auth import token_issue, token_revoke
from huying.org.models import User


class Command(BaseCommand):
    help = _("API tokens: issue one for a user (printed once) or revoke one.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a token for a user and print it once")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="what the token is for")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "issue":
                self.issue(options["username"], options["name"])
            else:
                token = token_revoke(actor=None, token_id=options["id"], now=timezone.now())
                self.stdout.write(_("Token %(id)d (%(name)s) revoked.")
                                  % {"id": token.pk, "name": token.name})
        except DomainError as error:
            raise CommandError(error.message) from error

    def issue(self, username: str, name: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user named %(username)s.") % {"username": username})
        token, plaintext = token_issue(actor=None, user=user, name=name, now=timezone.now())
        self.stdout.write(_("Token %(id)d for %(username)s (shown only this once):")
                          % {"id": token.pk, "username": username})
        self.stdout.write(plaintext)
