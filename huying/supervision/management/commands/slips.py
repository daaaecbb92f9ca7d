"""`huying slips prompt|warning [--date D] [--county CODE]`: issue the morning prompt slips
or the monthly warning slips by hand (the huey jobs do it on schedule)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.common.errors import ValidationFailed
from huying.org.models import Level, OrgUnit
from huying.supervision.slips import previous_month, slip_issue_prompt, slips_issue_warning_monthly
from huying.workdays.inputs import parse_day


class Command(BaseCommand):
    help = _("Issue prompt slips (for a day) or warning slips (for a month).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["prompt", "warning"])
        parser.add_argument("--date", help=_("Prompt: the day (default today). Warning: any "
                                             "day of the month (default last month)."))
        parser.add_argument("--county", help=_("County code (default: every county)."))

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        try:
            day = parse_day(options["date"]) if options["date"] else None
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        counties = OrgUnit.objects.filter(level=Level.COUNTY, active=True)
        if options["county"]:
            counties = counties.filter(code=options["county"])
            if not counties.exists():
                raise CommandError(_("Unknown county %(code)s.") % {"code": options["county"]})
        for county in counties:
            if options["kind"] == "prompt":
                slip = slip_issue_prompt(county=county, day=day or timezone.localdate(now),
                                         now=now)
                self.stdout.write(_("%(county)s: prompt slip %(number)s, %(cases)d cases.") % {
                    "county": county.name, "number": slip.number, "cases": slip.cases.count()})
            else:
                month = day or previous_month(timezone.localdate(now))
                slips = slips_issue_warning_monthly(county=county, month=month, now=now)
                self.stdout.write(_("%(county)s: %(count)d warning slips for %(month)s.") % {
                    "county": county.name, "count": len(slips), "month": month.strftime("%Y-%m")})
                for slip in slips:
                    self.stdout.write(f"  {slip.number} {slip.department}")
