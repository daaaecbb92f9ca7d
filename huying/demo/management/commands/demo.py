"""`huying demo seed [--seed 42] [--small]` builds the demo county; `huying demo logins`
prints its sign-ins. (Room is left for `huying demo simulate`.)"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.demo.geography import SMALL, Sizes
from huying.demo.seed import demo_login_rows, demo_seed


class Command(BaseCommand):
    help = "Demo county: `seed` builds it, `logins` prints the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        seed = actions.add_parser("seed", help="Build the fictional demo county (idempotent).")
        seed.add_argument("--seed", type=int, default=42,
                          help="Random seed: the same seed gives the same county.")
        seed.add_argument("--small", action="store_true",
                          help="A small county (3 towns, 24 grids) for quick trials.")
        actions.add_parser("logins", help="Print the demo sign-ins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed":
            self.seed(options["seed"], SMALL if options["small"] else Sizes())
        elif options["action"] == "logins":
            self.logins()

    def seed(self, seed: int, sizes: Sizes) -> None:
        started = time.monotonic()
        result = demo_seed(seed=seed, sizes=sizes, now=timezone.now(), report=self.say)
        if result.created:
            self.stdout.write(self.style.SUCCESS(
                _("Demo county %(county)s built in %(seconds).1f s.")
                % {"county": result.county, "seconds": time.monotonic() - started}))

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
