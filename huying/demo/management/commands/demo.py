"""`huying demo seed [--seed 42] [--small]` builds the demo county; `huying demo logins`
prints its sign-ins; `huying demo simulate [--seed 42] [--weeks 4 | --months N] [--per-day K]
[--until YYYY-MM-DD]` plays weeks or months of activity in it through the case services, up to
now and never past it, with a progress line on stderr."""

from __future__ import annotations

import argparse
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import channel_label
from huying.common.errors import DomainError
from huying.common.progress import ProgressLine, display_width
from huying.demo.geography import SMALL, Sizes
from huying.demo.seed import demo_login_rows, demo_seed
from huying.demo.simulate import (
    MONTHS_RANGE,
    PER_DAY_DEFAULT,
    PER_DAY_RANGE,
    WEEKDAYS,
    WEEKS_DEFAULT,
    simulate,
    status_rows,
)


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)s is not a whole number.")
                                         % {"value": text}) from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)s is not a date (YYYY-MM-DD).")
                                         % {"value": text}) from None


class Command(BaseCommand):
    help = _("Demo county: `seed` builds it, `logins` prints the demo sign-ins, `simulate` "
            "plays a few weeks of activity in it.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        seed = actions.add_parser("seed", help="Build the fictional demo county (idempotent).")
        seed.add_argument("--seed", type=int, default=42,
                          help="Random seed: the same seed gives the same county.")
        seed.add_argument("--small", action="store_true",
                          help="A small county (3 towns, 24 grids) for quick trials.")
        actions.add_parser("logins", help="Print the demo sign-ins.")
        sim = actions.add_parser("simulate",
                                 help="Simulate weeks of reports and handling (once).")
        sim.add_argument("--seed", type=int, default=42,
                         help="Random seed: the same seed gives the same activity.")
        sim.add_argument("--weeks", type=_whole_number, default=None,
                         help=f"How many weeks to simulate (default {WEEKS_DEFAULT}).")
        sim.add_argument("--months", type=_whole_number, default=None,
                         help=f"Or how many calendar months back from the last day "
                              f"({MONTHS_RANGE[0]}-{MONTHS_RANGE[1]}).")
        sim.add_argument("--per-day", type=_whole_number, default=PER_DAY_DEFAULT,
                         help=f"Reports on an average working day across the county "
                              f"({PER_DAY_RANGE[0]}-{PER_DAY_RANGE[1]}, default "
                              f"{PER_DAY_DEFAULT}); weekends and holidays get fewer.")
        sim.add_argument("--until", type=_day, default=None,
                         help="The last simulated day, YYYY-MM-DD (default: today, up to "
                              "now; a past day ends at 18:00; never a future day).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed":
            self.seed(options["seed"], SMALL if options["small"] else Sizes())
        elif options["action"] == "logins":
            self.logins()
        elif options["action"] == "simulate":
            self.simulate(options)

    def seed(self, seed: int, sizes: Sizes) -> None:
        started = time.monotonic()
        result = demo_seed(seed=seed, sizes=sizes, now=timezone.now(), report=self.say)
        if result.created:
            self.stdout.write(self.style.SUCCESS(
                _("Demo county %(county)s built in %(seconds).1f s.")
                % {"county": result.county, "seconds": time.monotonic() - started}))

    def simulate(self, options: dict[str, Any]) -> None:
        started = time.monotonic()
        bar: ProgressLine | None = None

        def progress(done: int, total: int, day: date, cases: int) -> None:
            nonlocal bar
            if bar is None:
                bar = ProgressLine(total=total, write=self.raw_stderr,
                                   tty=self.stderr.isatty())
            rate = cases / max(time.monotonic() - started, 0.001)
            bar.step(done, _("%(day)s %(weekday)s  %(cases)d cases  %(rate).0f cases/s")
                     % {"day": day.isoformat(), "weekday": WEEKDAYS[day.weekday()],
                        "cases": cases, "rate": rate})

        try:
            result = simulate(seed=options["seed"], now=timezone.now(), until=options["until"],
                              weeks=options["weeks"], months=options["months"],
                              per_day=options["per_day"], report=self.say, progress=progress)
        except DomainError as error:
            raise CommandError(error.message) from error
        finally:
            if bar is not None:
                bar.finish()
        if result.refused:
            self.stdout.write(result.refused)
            return
        rows = status_rows(result.statuses)
        width = max(display_width(label) for _code, label, _n in rows)
        self.stdout.write(_("Cases by status:"))
        for _code, label, count in rows:
            self.stdout.write(f"  {label}{' ' * (width - display_width(label))}  {count:6d}")
        self.stdout.write(f"  {'—' * (width // 2)}  {sum(result.statuses.values()):6d}")
        self.stdout.write(_("Cases by channel:"))
        channels = [(channel_label(code), n) for code, n in result.channels.most_common()]
        width = max((display_width(label) for label, _n in channels), default=0)
        for label, count in channels:
            self.stdout.write(f"  {label}{' ' * (width - display_width(label))}  {count:6d}")
        self.stdout.write(_("SLA warnings %(warnings)d, breaches %(breaches)d.")
                          % {"warnings": result.warnings, "breaches": result.breaches})
        self.stdout.write(_("Departments that run late: %(departments)s; towns that are hard "
                            "to satisfy: %(towns)s.")
                          % {"departments": "、".join(result.late_departments) or "—",
                             "towns": "、".join(result.dissatisfied_towns) or "—"})
        for error in result.errors:
            self.stderr.write(error)
        self.stdout.write(self.style.SUCCESS(
            _("Simulated %(days)d days, %(cases)d cases, in %(seconds).1f s.")
            % {"days": result.days, "cases": result.created,
               "seconds": time.monotonic() - started}))

    def say(self, text: str) -> None:
        self.stdout.write(text)

    def raw_stderr(self, text: str) -> None:
        """Progress text as it is: no line ending added, not coloured as an error."""
        self.stderr.write(text, style_func=lambda s: s, ending="")
        self.stderr.flush()

    def logins(self) -> None:
        rows = demo_login_rows()
        if not rows:
            self.stdout.write(_("No demo county yet: run `huying demo seed` first."))
            return
        header = (_("Role"), _("Username"), _("Where"), _("Password"))
        table = [header, *((r.role, r.username, r.place, r.password) for r in rows)]
        widths = [max(display_width(row[i]) for row in table) for i in range(3)]
        for row in table:
            cells = [row[i] + " " * (widths[i] - display_width(row[i])) for i in range(3)]
            self.stdout.write("  ".join([*cells, row[3]]))
        self.stdout.write(_("All demo users share the password %(password)s.")
                          % {"password": rows[0].password})

