"""`huying analytics …`: the rollup tables behind every figure.

- `verify`: recompute every table from the cases and fail (exit 1) on any difference,
  listing the first ones.
- `rebuild`: empty the tables and fill them again from the cases (after a restore, an
  upgrade that changes a definition, or a failed `verify`). Stop writes meanwhile.
- `refresh`: apply what is queued now (what the minute job does).
"""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.rollups import rollups_rebuild, rollups_refresh_queued, rollups_verify
from huying.cases.models import Case

SHOWN = 20


class Command(BaseCommand):
    help = _("Verify, rebuild or refresh the rollup tables the figures are read from.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("verify", help=_("Recompute from the cases; fail on any difference."))
        commands.add_parser("rebuild", help=_("Rebuild every table from the cases."))
        commands.add_parser("refresh", help=_("Apply the queued changes now."))

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

    def handle(self, *args: object, command: str, **options: object) -> None:
        now = timezone.now()
        total = Case.objects.count()
        if command == "refresh":
            done = rollups_refresh_queued(now=now)
            self.stdout.write(_("%(n)d queued cases refreshed.") % {"n": done})
            return
        if command == "rebuild":
            self.stderr.write(_("Rebuilding the rollups from %(n)d cases…") % {"n": total})
            count = rollups_rebuild(now=now, progress=self._progress(total))
            self.stdout.write(_("Rollups rebuilt from %(n)d cases.") % {"n": count})
            return
        self.stderr.write(_("Recomputing the rollups from %(n)d cases…") % {"n": total})
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
