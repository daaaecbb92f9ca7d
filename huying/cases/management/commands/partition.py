"""`huying partition setup|status|maintain`: monthly partitions of the case record
(PostgreSQL + pg_partman; cases/partitioning.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huying.cases.partitioning import (
    PREMAKE,
    PartitioningUnavailable,
    caseevents_partition,
    partitioning_active,
    partitioning_check,
    partitions_list,
    partitions_maintain,
)


class Command(BaseCommand):
    help = _("Partition the case record by month with pg_partman (PostgreSQL only).")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser("setup", help="convert cases_caseevent into monthly partitions"
                               " (one transaction; does nothing when already done)")
        setup.add_argument("--premake", type=int, default=PREMAKE,
                           help=f"months made ahead (default {PREMAKE})")
        sub.add_parser("status", help="list the partitions and their rows")
        sub.add_parser("maintain", help="make the months ahead (pg_partman maintenance)")

    def handle(self, *args, **options) -> None:
        try:
            partitioning_check()
        except PartitioningUnavailable as exc:
            raise CommandError(self._unavailable(str(exc))) from exc
        getattr(self, "_" + options["action"])(**options)

    def _unavailable(self, reason: str) -> str:
        if reason == "not_postgresql":
            return _("Partitioning needs PostgreSQL; this database is SQLite, whose tables"
                     " stay as they are.")
        return _("The pg_partman extension is not installed on the database server"
                 " (Debian: apt-get install postgresql-15-partman).")

    def _setup(self, *, premake: int, **options) -> None:
        if not 1 <= premake <= 24:
            raise CommandError(_("--premake must be between 1 and 24 months."))

        def progress(message: str, params: dict) -> None:
            self.stdout.write(_(message) % params)

        try:
            done = caseevents_partition(premake=premake, progress=progress)
        except PartitioningUnavailable as exc:
            raise CommandError(_("Cannot partition the case record: %(reason)s")
                               % {"reason": exc}) from exc
        if not done:
            self.stdout.write(_("The case record is already partitioned; nothing changed."))
            return
        self.stdout.write(self.style.SUCCESS(_("The case record is partitioned by month.")))

    def _status(self, **options) -> None:
        if not partitioning_active():
            self.stdout.write(_("The case record is not partitioned (huying partition setup)."))
            return
        partitions = partitions_list()
        for partition in partitions:
            self.stdout.write(f"{partition.name:<34}{partition.bounds:<72}{partition.rows:>10}")
        self.stdout.write(_("%(n)d partitions, %(rows)d case events.")
                          % {"n": len(partitions), "rows": sum(p.rows for p in partitions)})

    def _maintain(self, **options) -> None:
        if not partitions_maintain():
            self.stdout.write(_("The case record is not partitioned; nothing to maintain."))
            return
        self.stdout.write(self.style.SUCCESS(_("Partition maintenance done.")))
