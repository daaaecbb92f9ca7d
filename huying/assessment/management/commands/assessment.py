"""`huying assessment …`: derive the period's deductions and export the bulletin (通报).

The command acts as the system: whoever can run it on the server administers the platform.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.periods import MONTH, PERIOD_KINDS, period_bounds, period_label
from huying.assessment.bulletins import bulletin_export
from huying.assessment.services import deductions_from_facts
from huying.common.errors import DomainError
from huying.org.models import Level, OrgUnit
from huying.workdays.inputs import parse_day


def county_for(code: str | None) -> OrgUnit:
    counties = OrgUnit.objects.filter(level=Level.COUNTY)
    if code:
        county = counties.filter(code=code).first()
        if county is None:
            raise CommandError(_("No county with code %(code)s.") % {"code": code})
        return county
    found = list(counties[:2])
    if len(found) != 1:
        raise CommandError(_("Name the county with --county (there are %(n)d).")
                           % {"n": counties.count()})
    return found[0]


class Command(BaseCommand):
    help = _("Assessment: derive deductions for a period, export the bulletin (通报).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("bulletin", "export the period's bulletin as Excel"),
                           ("deduce", "derive the period's deductions from the facts")):
            command = sub.add_parser(name, help=text)
            command.add_argument("--period", default=MONTH, choices=list(PERIOD_KINDS),
                                 help="day|week|half_month|month (default month)")
            command.add_argument("--date", required=True, help="a day in the period, YYYY-MM-DD")
            command.add_argument("--county", help="county code (default: the only county)")
            if name == "bulletin":
                command.add_argument("--output", required=True, help="the .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "handle_" + options["action"])(options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def handle_bulletin(self, options: dict[str, Any]) -> None:
        county = county_for(options["county"])
        day = parse_day(options["date"])
        data = bulletin_export(county=county, period_kind=options["period"], day=day)
        Path(options["output"]).write_bytes(data)
        self.stdout.write(_("Bulletin for %(period)s written to %(path)s.") % {
            "period": period_label(options["period"], day), "path": options["output"]})

    def handle_deduce(self, options: dict[str, Any]) -> None:
        county = county_for(options["county"])
        day = parse_day(options["date"])
        start, end = period_bounds(options["period"], day)

        def progress(done: int, total: int) -> None:
            self.stdout.write(_("%(done)d of %(total)d facts examined") % {
                "done": done, "total": total})

        run = deductions_from_facts(county=county, start=start, end=end, now=timezone.now(),
                                    progress=progress)
        self.stdout.write(_("%(period)s: %(examined)d facts examined, %(created)d new "
                            "deductions.") % {"period": period_label(options["period"], day),
                                              "examined": run.examined,
                                              "created": run.created})
