"""`huying audit verify`: check every case's hash-chained record."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huying.cases.audit import chains_verify


class Command(BaseCommand):
    help = _("Verify the hash chains of the case record (工作事项全记录).")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify every case's chain and name the first broken link")

    def handle(self, *args, **options) -> None:
        def progress(done: int, total: int) -> None:
            self.stdout.write(_("Checked %(done)d of %(total)d cases")
                              % {"done": done, "total": total})

        broken = list(chains_verify(progress=progress))
        for link in broken:
            self.stderr.write(_("Case %(number)s: event %(seq)d is broken (%(reason)s)")
                              % {"number": link.case_number, "seq": link.seq,
                                 "reason": link.reason})
        if broken:
            raise CommandError(_("%(n)d case records failed verification.") % {"n": len(broken)})
        self.stdout.write(self.style.SUCCESS(_("Every case record verifies.")))
