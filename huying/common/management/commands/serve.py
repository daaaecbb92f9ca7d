"""`huying serve`: gunicorn and the huey consumers of this node (huying/common/serving.py)."""

from __future__ import annotations

import argparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huying.common.serving import (
    KILL_MARGIN_SECONDS,
    ServeOptions,
    command_line,
    serve_plan,
    serve_refusals,
    serve_run,
)


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(
                _("%(value)s is not a whole number of at least %(minimum)d.")
                % {"value": text, "minimum": minimum})
        return value
    return parse


class Command(BaseCommand):
    help = _("Run this node in production: gunicorn and the huey consumers (exactly one of "
             "them schedules the periodic jobs), supervised, stopped gracefully on SIGTERM.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=settings.HUYING_BIND,
                            help=_("Address gunicorn listens on (HUYING_BIND)."))
        parser.add_argument("--workers", type=_count(1), default=settings.HUYING_WEB_WORKERS,
                            help=_("gunicorn worker processes (HUYING_WEB_WORKERS)."))
        parser.add_argument("--threads", type=_count(1), default=settings.HUYING_WEB_THREADS,
                            help=_("Threads per gunicorn worker (HUYING_WEB_THREADS)."))
        parser.add_argument("--timeout", type=_count(1), default=settings.HUYING_WEB_TIMEOUT,
                            help=_("Seconds before a silent gunicorn worker is restarted "
                                   "(HUYING_WEB_TIMEOUT)."))
        parser.add_argument("--graceful-timeout", type=_count(1),
                            default=settings.HUYING_WEB_GRACEFUL_TIMEOUT,
                            help=_("Seconds the requests in flight get on a stop "
                                   "(HUYING_WEB_GRACEFUL_TIMEOUT)."))
        parser.add_argument("--consumers", type=_count(0),
                            default=settings.HUYING_HUEY_CONSUMERS,
                            help=_("huey consumer processes on this node "
                                   "(HUYING_HUEY_CONSUMERS)."))
        parser.add_argument("--huey-workers", type=_count(1),
                            default=settings.HUYING_HUEY_WORKERS,
                            help=_("Worker threads per huey consumer (HUYING_HUEY_WORKERS)."))
        parser.add_argument("--no-periodic", action="store_true",
                            help=_("No consumer of this node schedules the periodic jobs "
                                   "(every node but one)."))
        parser.add_argument("--no-web", action="store_true",
                            help=_("Run no gunicorn on this node (a worker node)."))
        parser.add_argument("--allow-sqlite", action="store_true",
                            help=_("Allow the demo profile: SQLite, no Redis, the "
                                   "development SECRET_KEY."))
        parser.add_argument("--dry-run", action="store_true",
                            help=_("Print the command lines without starting anything."))

    def say(self, text: str) -> None:
        # At once: under systemd the journal should see each line when it happens.
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, **options) -> None:
        problems = serve_refusals(allow_sqlite=options["allow_sqlite"])
        if problems:
            raise CommandError("\n".join([
                _("Not a production configuration; huying serve will not start:"),
                *(f"  - {p}" for p in problems),
                _("For the demo on SQLite, add --allow-sqlite.")]), returncode=2)
        if options["no_web"] and options["consumers"] == 0:
            raise CommandError(_("Nothing to run: --no-web with --consumers 0."), returncode=2)
        plan = serve_plan(ServeOptions(
            bind=options["bind"], workers=options["workers"], threads=options["threads"],
            timeout=options["timeout"], graceful_timeout=options["graceful_timeout"],
            consumers=options["consumers"], huey_workers=options["huey_workers"],
            periodic=not options["no_periodic"], web=not options["no_web"]))
        if options["dry_run"]:
            for child in plan:
                self.stdout.write(f"# {child.description}\n{command_line(child)}")
            return
        code = serve_run(plan, grace_seconds=options["graceful_timeout"] + KILL_MARGIN_SECONDS,
                         write=self.say)
        if code:
            raise CommandError(_("huying serve stopped because a process failed."),
                               returncode=code)
