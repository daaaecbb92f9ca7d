"""`huying attachments prune`: remove stored files that no attachment refers to."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.attachments import attachments_prune_orphans


class Command(BaseCommand):
    help = _("Remove uploaded files left behind by rolled-back uploads.")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        prune = sub.add_parser("prune", help="delete files no attachment refers to")
        prune.add_argument("--older-than-hours", type=int, default=24)
        prune.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options) -> None:
        hours = options["older_than_hours"]
        if hours < 1:
            raise CommandError(_("--older-than-hours must be at least 1."))
        removed = attachments_prune_orphans(now=timezone.now(),
                                            older_than=timedelta(hours=hours),
                                            dry_run=options["dry_run"])
        for name in removed:
            self.stdout.write(name)
        message = (_("%(n)d orphaned files would be removed.") if options["dry_run"]
                   else _("%(n)d orphaned files removed."))
        self.stdout.write(self.style.SUCCESS(message % {"n": len(removed)}))
