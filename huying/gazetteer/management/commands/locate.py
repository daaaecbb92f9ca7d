"""`huying locate TEXT [--county CODE] [--address ADDR]`: where the gazetteer puts a report
with these words. Prints the unit's code, its path (县 › 镇 › 社区 › 网格), the matched
words and the confidence; "未能定位" and the reason when the words do not say. Exit status
0 when located, 1 when not (so scripts can tell), 2 for a bad argument."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from huying.gazetteer.locating import locate_text, min_confidence
from huying.org.models import Level, OrgUnit


class Command(BaseCommand):
    help = _("Locate a report by its words: prints the unit, its path, the matched words.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", help="The report's text (description).")
        parser.add_argument("--county", default="",
                            help="The county's code (needed when there are several).")
        parser.add_argument("--address", default="", help="The address field, if any.")
        parser.add_argument("--threshold", type=float, default=None,
                            help="Minimum confidence (default HUYING_LOCATE_MIN_CONFIDENCE).")

    def handle(self, *args: Any, **options: Any) -> None:
        county = self.county(options["county"])
        threshold = options["threshold"]
        if threshold is not None and not 0 <= threshold <= 1:
            raise CommandError(_("The threshold must lie between 0 and 1."))
        result = locate_text(county, options["text"], options["address"],
                             threshold=min_confidence() if threshold is None else threshold)
        write = self.stdout.write
        words = "、".join(result.words) or "—"
        if result.unit is None:
            write(_("Not located: %(reason)s") % {"reason": result.reason})
            write(_("Matched words: %(words)s") % {"words": words})
            raise SystemExit(1)
        write(_("Unit: %(code)s") % {"code": result.unit.code})
        write(_("Path: %(path)s") % {"path": " › ".join(result.path)})
        write(_("Matched words: %(words)s") % {"words": words})
        write(_("Confidence: %(confidence).2f") % {"confidence": result.confidence})
        write(_("Reason: %(reason)s") % {"reason": result.reason})

    def county(self, code: str) -> OrgUnit:
        counties = OrgUnit.objects.filter(level=Level.COUNTY, active=True).order_by("code")
        if code:
            county = counties.filter(code=code).first()
            if county is None:
                raise CommandError(_("No county with the code %(code)s.") % {"code": code})
            return county
        found = list(counties[:2])
        if not found:
            raise CommandError(_("There is no county yet: run `huying demo seed` first."))
        if len(found) > 1:
            raise CommandError(_("There are several counties: name one with --county CODE."))
        return found[0]
