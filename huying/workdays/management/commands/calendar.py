"""`huying calendar …`: the working calendar for operators on the server.

The command acts as the system (actor=None): whoever can run it on the server already
administers the platform.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.common.errors import DomainError
from huying.workdays.inputs import parse_amount, parse_instant, parse_unit, parse_year
from huying.workdays.seeding import SeedReport
from huying.workdays.selectors import calendar_year_status, work_calendar
from huying.workdays.services import (
    calendar_override_clear,
    calendar_override_set,
    calendar_seed_from_library,
)


class Command(BaseCommand):
    help = _("Working calendar: compute a due time, check a year's holiday schedule, seed from "
            "the chinesecalendar library, set or clear a day.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="print the due instant of a time limit")
        due.add_argument("start", help='start, e.g. "2025-09-30 10:00" or ISO 8601')
        due.add_argument("amount", help="e.g. 5 or 0.5")
        due.add_argument("unit", help="natural_hours|working_hours|working_days "
                                      "(自然小时|工作小时|工作日)")
        check = sub.add_parser("check", help="is a year's holiday schedule present? "
                                             "exit code 1 when missing")
        check.add_argument("year")
        seed = sub.add_parser("seed", help="load the library's schedule (never overwrites "
                                           "administrator entries)")
        seed.add_argument("--years", nargs="*", help="default: every year the library covers")
        set_ = sub.add_parser("set", help="declare a day a working day or a rest day")
        set_.add_argument("date", help="YYYY-MM-DD")
        set_.add_argument("status", help="work|rest (上班|休息)")
        set_.add_argument("--reason", required=True, help="e.g. the State Council notice")
        set_.add_argument("--name", default="", help="e.g. 元旦")
        clear = sub.add_parser("clear", help="remove an administrator entry")
        clear.add_argument("date", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "handle_" + options["action"])(options)
        except DomainError as error:
            raise CommandError(error.message) from error
        except ValueError as error:  # from the arithmetic: e.g. a calendar with no workday
            raise CommandError(str(error)) from error

    def handle_due(self, options: dict[str, Any]) -> None:
        start = parse_instant(options["start"])
        amount = parse_amount(options["amount"])
        unit = parse_unit(options["unit"])
        due = work_calendar().add(start, amount, unit)
        self.stdout.write(due.isoformat(sep=" ", timespec="minutes"))

    def handle_check(self, options: dict[str, Any]) -> None:
        covered, message = calendar_year_status(parse_year(options["year"]))
        if not covered:
            raise CommandError(message, returncode=1)
        self.stdout.write(self.style.SUCCESS(message))

    def handle_seed(self, options: dict[str, Any]) -> None:
        years = None if not options["years"] else [parse_year(y) for y in options["years"]]

        def progress(year: int, report: SeedReport) -> None:
            self.stdout.write(_(
                "%(year)d seeded (so far: %(created)d created, %(updated)d updated, %(removed)d removed, %(kept)d administrator entries kept)"  # noqa: E501
            ) % {
                "year": year, "created": report.created, "updated": report.updated,
                "removed": report.removed, "kept": report.kept_admin})

        report = calendar_seed_from_library(years=years, now=timezone.now(), progress=progress)
        for year in report.years_not_covered:
            self.stderr.write(self.style.WARNING(
                _("%(year)d is not covered by the calendar library: enter its schedule by hand.")
                % {"year": year}))
        self.stdout.write(self.style.SUCCESS(_("Done: %(years)d years seeded.") % {
            "years": len(report.years_seeded)}))

    def handle_set(self, options: dict[str, Any]) -> None:
        row = calendar_override_set(actor=None, day=options["date"],
                                    is_workday=options["status"], reason=options["reason"],
                                    name=options["name"], now=timezone.now())
        self.stdout.write(self.style.SUCCESS(_("Saved: %(day)s") % {"day": row}))

    def handle_clear(self, options: dict[str, Any]) -> None:
        restored = calendar_override_clear(actor=None, day=options["date"], now=timezone.now())
        if restored is None:
            self.stdout.write(self.style.SUCCESS(
                _("Cleared: %(day)s now follows the weekday rule.") % {"day": options["date"]}))
        else:
            self.stdout.write(self.style.SUCCESS(
                _("Cleared: the library entry applies again: %(day)s") % {"day": restored}))
