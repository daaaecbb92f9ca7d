"""`huying analytics …`: the rollup tables behind every figure.

- `verify`: recompute every table from the cases and fail (exit 1) on any difference,
  listing the first ones.
- `rebuild [--sql]`: empty the tables and fill them again from the cases (after a restore,
  an upgrade that changes a definition, or a failed `verify`). Stop writes meanwhile.
  `--sql` (PostgreSQL) does it inside the database, a few minutes per million cases.
- `refresh`: apply what is queued now (what the minute job does).
- `warnings [--county CODE]`: scan for early warnings now (what the hourly job does) and
  print what was found.
"""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.rollups import rollups_rebuild, rollups_refresh_queued, rollups_verify
from huying.analytics.rollups_sql import rollups_rebuild_sql
from huying.analytics.warnings import warnings_scan
from huying.cases.models import Case
from huying.common.replica import analytics_reads
from huying.org.models import Level, OrgUnit

SHOWN = 20
# `verify` on the replica waits so long for it to replay the queue just applied on the primary.
CATCH_UP_SECONDS = 30.0


class Command(BaseCommand):
    help = _("Verify, rebuild or refresh the rollup tables the figures are read from.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("verify", help=_("Recompute from the cases; fail on any difference."))
        rebuild = commands.add_parser("rebuild", help=_("Rebuild every table from the cases."))
        rebuild.add_argument("--sql", action="store_true",
                             help=_("Rebuild inside the database (PostgreSQL only): the same "
                                    "counts, much faster for a large county."))
        commands.add_parser("refresh", help=_("Apply the queued changes now."))
        scan = commands.add_parser("warnings", help=_("Scan for early warnings now."))
        scan.add_argument("--county", help=_("county code (default: every county)"))

    def _progress(self, total: int):
        started = time.monotonic()
        step = max(1000, total // 20)
        shown = [0]

        def progress(done: int) -> None:
            if done - shown[0] >= step or done >= total:
                shown[0] = done
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stderr.write(_("  %(done)d / %(total)d cases (%(rate).0f a second)")
                                  % {"done": done, "total": total, "rate": rate})
        return progress

    def _warnings(self, code: str | None, now) -> None:
        counties = OrgUnit.objects.filter(level=Level.COUNTY, active=True).order_by("code")
        if code:
            counties = counties.filter(code=code)
            if not counties.exists():
                raise CommandError(_("No county with the code %(code)s.") % {"code": code})
        for county in counties:
            self.stderr.write(_("Scanning %(county)s for early warnings…")
                              % {"county": county.name})
            report = warnings_scan(county=county, now=now)
            raised = {w.pk for w in report.raised}
            for warning in [*report.raised, *report.updated]:
                status = _("raised") if warning.pk in raised else _("still present")
                self.stdout.write(_("[%(status)s] %(kind)s: %(title)s") % {
                    "status": status, "kind": warning.get_kind_display(),
                    "title": warning.title})
                self.stdout.write(f"    {warning.explanation}")
            for warning in report.subsided:
                self.stdout.write(_("[%(status)s] %(kind)s: %(title)s") % {
                    "status": _("subsided"), "kind": warning.get_kind_display(),
                    "title": warning.title})
            self.stdout.write(_("%(county)s: %(raised)d new, %(updated)d still present, "
                                "%(subsided)d subsided, %(suppressed)d already closed.")
                              % {"county": county.name, "raised": len(report.raised),
                                 "updated": len(report.updated),
                                 "subsided": len(report.subsided),
                                 "suppressed": len(report.suppressed)})

    def _rebuild_sql(self, total: int, now) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(_("The rebuild inside the database needs PostgreSQL; run "
                                 "`huying analytics rebuild` without --sql."))
        started = time.monotonic()
        self.stderr.write(_("Rebuilding the rollups from %(n)d cases inside the database…")
                          % {"n": total})

        def say(step: str) -> None:
            self.stderr.write(f"  {time.monotonic() - started:6.1f}s  {step}")

        count = rollups_rebuild_sql(now=now, say=say)
        say(_("committed"))
        self.stdout.write(_("Rollups rebuilt from %(n)d cases.") % {"n": count})

    def handle(self, *args: object, command: str, **options: object) -> None:
        now = timezone.now()
        if command == "warnings":
            self._warnings(options.get("county"), now)  # type: ignore[arg-type]
            return
        total = Case.objects.count()
        if command == "refresh":
            done = rollups_refresh_queued(now=now)
            self.stdout.write(_("%(n)d queued cases refreshed.") % {"n": done})
            return
        if command == "rebuild" and options.get("sql"):
            self._rebuild_sql(total, now)
            return
        if command == "rebuild":
            self.stderr.write(_("Rebuilding the rollups from %(n)d cases…") % {"n": total})
            count = rollups_rebuild(now=now, progress=self._progress(total))
            self.stdout.write(_("Rollups rebuilt from %(n)d cases.") % {"n": count})
            return
        self.stderr.write(_("Recomputing the rollups from %(n)d cases…") % {"n": total})
        # The queue is applied on the primary first; the recomputation then reads the
        # replica once it has replayed that (common/replica.py).
        rollups_refresh_queued(now=now)
        with analytics_reads(catch_up_seconds=CATCH_UP_SECONDS):
            differences = rollups_verify(now=now, progress=self._progress(total))
        if not differences:
            self.stdout.write(_("The rollups agree with the %(n)d cases.") % {"n": total})
            return
        for difference in differences[:SHOWN]:
            self.stdout.write(_("%(table)s %(key)s %(measure)s: %(found)d in the table, "
                                "%(expected)d from the cases")
                              % {"table": difference.table, "key": difference.key,
                                 "measure": difference.measure, "found": difference.found,
                                 "expected": difference.expected})
        if len(differences) > SHOWN:
            self.stdout.write(_("… and %(n)d more.") % {"n": len(differences) - SHOWN})
        sys.stdout.flush()
        raise CommandError(_("%(n)d counts differ from the cases: run `huying analytics "
                             "rebuild`.") % {"n": len(differences)})
