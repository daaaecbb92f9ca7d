"""`huying sweep`: one pass of the SLA sweep and the evaluation autoclose, for cron."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.common.errors import ValidationFailed
from huying.supervision.sweep import sweep_run
from huying.workdays.inputs import parse_instant


class Command(BaseCommand):
    help = _("Fire due SLA warnings and breaches (and the supervision ladder), then close "
             "replied cases whose evaluation window lapsed.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help=_("Replay the sweep as of this instant (ISO 8601)."))
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, **options) -> None:
        now = self.instant(options["now"])
        self.stdout.write(_("Sweeping as of %(now)s …") % {
            "now": timezone.localtime(now).isoformat(timespec="seconds")})
        run = sweep_run(now=now, batch=options["batch"])
        self.stdout.write(_("%(examined)d clocks examined: %(half)d at 50%%, %(three)d at 75%%, "
                            "%(breached)d breached.") % {
            "examined": run.examined, "half": run.fired[1], "three": run.fired[2],
            "breached": run.fired[3]})
        self.stdout.write(_("%(closed)d of %(examined)d replied cases closed automatically.")
                          % {"closed": run.autoclosed, "examined": run.autoclose_examined})

    @staticmethod
    def instant(value: str | None) -> datetime:
        if not value:
            return timezone.now()
        try:
            return parse_instant(value)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
