"""`huying reports …`: the regular reports (日碰头、周研判、月报告).

- `generate --kind daily|weekly|monthly [--date YYYY-MM-DD] [--county CODE]`: generate the
  report of the period containing the date (default: yesterday) for one county (default:
  every active county), as a new version; prints each step and the files.
- `due`: what the morning job does — issue every latest finished period not issued since
  it ended (a county that fails stops the command here, with its error).
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.models import ReportIssue, ReportKind
from huying.analytics.reports.services import report_issue_generate, reports_due
from huying.common.errors import DomainError
from huying.common.replica import analytics_reads
from huying.org.models import Level, OrgUnit


class Command(BaseCommand):
    help = _("Generate the daily, weekly and monthly reports.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        generate = commands.add_parser("generate", help=_("Generate one report now."))
        generate.add_argument("--kind", required=True, choices=ReportKind.values)
        generate.add_argument("--date", type=date.fromisoformat, default=None,
                              help=_("A day in the period (default: yesterday)."))
        generate.add_argument("--county", default=None,
                              help=_("The county's code (default: every active county)."))
        commands.add_parser("due", help=_("Issue the finished periods not issued yet."))

    def _progress(self):
        started = time.monotonic()

        def progress(step: str) -> None:
            self.stderr.write(_("  %(step)s… (%(seconds).1f s)")
                              % {"step": step, "seconds": time.monotonic() - started})
        return progress

    def _heading(self, county: OrgUnit, kind: str, day: date) -> None:
        self.stderr.write(_("%(county)s: %(kind)s containing %(day)s") % {
            "county": county.name, "kind": ReportKind(kind).label, "day": day.isoformat()})

    def _issued(self, issue: ReportIssue) -> None:
        self.stdout.write(_("%(title)s, version %(version)d: %(xlsx)s, %(docx)s") % {
            "title": issue.title, "version": issue.version, "xlsx": issue.xlsx.path,
            "docx": issue.docx.path})

    def _counties(self, code: str | None) -> list[OrgUnit]:
        counties = OrgUnit.objects.filter(level=Level.COUNTY, active=True).order_by("code")
        if code:
            counties = counties.filter(code=code)
            if not counties:
                raise CommandError(_("No active county has the code %(code)s.")
                                   % {"code": code})
        return list(counties)

    def handle(self, *args: object, command: str, **options: object) -> None:
        # The figures from the replica; each issue is written (and its version read, in the
        # transaction) on the primary (common/replica.py).
        with analytics_reads():
            self._run(command, options)

    def _run(self, command: str, options: dict[str, object]) -> None:
        now = timezone.now()
        if command == "due":
            due = reports_due(now=now)
            for item in due:
                self._heading(item.county, item.kind, item.day)
                self._issued(report_issue_generate(county=item.county, kind=item.kind,
                                                   day=item.day, actor=None, now=now,
                                                   progress=self._progress()))
            self.stdout.write(_("%(n)d reports issued.") % {"n": len(due)})
            return
        day = options["date"] or timezone.localdate(now) - timedelta(days=1)
        for county in self._counties(options["county"]):  # type: ignore[arg-type]
            self._heading(county, options["kind"], day)  # type: ignore[arg-type]
            try:
                issue = report_issue_generate(county=county, kind=options["kind"],  # type: ignore[arg-type]
                                              day=day, actor=None, now=now,  # type: ignore[arg-type]
                                              progress=self._progress())
            except DomainError as error:
                raise CommandError(error.message) from None
            self._issued(issue)
