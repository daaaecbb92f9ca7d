"""`huying demo seed [--seed 42] [--small]` builds the demo county; `huying demo logins`
prints its sign-ins; `huying demo simulate [--seed 42] [--weeks 4] [--until YYYY-MM-DD]`
plays a few weeks of activity in it through the case services."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import channel_label
from huying.demo.geography import SMALL, Sizes
from huying.demo.seed import demo_login_rows, demo_seed
from huying.demo.simulate import simulate, status_rows


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
        sim.add_argument("--weeks", type=int, default=4, help="How many weeks to simulate.")
        sim.add_argument("--until", type=date.fromisoformat, default=None,
                         help="The last simulated day, YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed":
            self.seed(options["seed"], SMALL if options["small"] else Sizes())
        elif options["action"] == "logins":
            self.logins()
        elif options["action"] == "simulate":
            self.simulate(options["seed"], options["weeks"], options["until"])

    def seed(self, seed: int, sizes: Sizes) -> None:
        started = time.monotonic()
        result = demo_seed(seed=seed, sizes=sizes, now=timezone.now(), report=self.say)
        if result.created:
            self.stdout.write(self.style.SUCCESS(
                _("Demo county %(county)s built in %(seconds).1f s.")
                % {"county": result.county, "seconds": time.monotonic() - started}))

    def simulate(self, seed: int, weeks: int, until: date | None) -> None:
        if weeks < 1:
            raise CommandError(_("Simulate at least one week."))
        started = time.monotonic()
        result = simulate(seed=seed, weeks=weeks, until=until or timezone.localdate(),
                          report=self.say)
        if result.refused:
            self.stdout.write(result.refused)
            return
        rows = status_rows(result.statuses)
        width = max(_display_width(label) for _code, label, _n in rows)
        self.stdout.write(_("Cases by status:"))
        for _code, label, count in rows:
            self.stdout.write(f"  {label}{' ' * (width - _display_width(label))}  {count:6d}")
        self.stdout.write(f"  {'—' * (width // 2)}  {sum(result.statuses.values()):6d}")
        self.stdout.write(_("Cases by channel:"))
        channels = [(channel_label(code), n) for code, n in result.channels.most_common()]
        width = max((_display_width(label) for label, _n in channels), default=0)
        for label, count in channels:
            self.stdout.write(f"  {label}{' ' * (width - _display_width(label))}  {count:6d}")
        self.stdout.write(_("SLA warnings %(warnings)d, breaches %(breaches)d.")
                          % {"warnings": result.warnings, "breaches": result.breaches})
        for error in result.errors:
            self.stderr.write(error)
        self.stdout.write(self.style.SUCCESS(
            _("Simulated %(days)d days, %(cases)d cases, in %(seconds).1f s.")
            % {"days": result.days, "cases": result.created,
               "seconds": time.monotonic() - started}))

    def say(self, text: str) -> None:
        self.stdout.write(text)

    def logins(self) -> None:
        rows = demo_login_rows()
        if not rows:
            self.stdout.write(_("No demo county yet: run `huying demo seed` first."))
            return
        header = (_("Role"), _("Username"), _("Where"), _("Password"))
        table = [header, *((r.role, r.username, r.place, r.password) for r in rows)]
        widths = [max(_display_width(row[i]) for row in table) for i in range(3)]
        for row in table:
            cells = [row[i] + " " * (widths[i] - _display_width(row[i])) for i in range(3)]
            self.stdout.write("  ".join([*cells, row[3]]))
        self.stdout.write(_("All demo users share the password %(password)s.")
                          % {"password": rows[0].password})


def _display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
