"""`huying duplicates judge FILE`: score pairs of reports as duplicate finding does.

FILE is a JSON list of pairs {"a": {...}, "b": {...}}, each side {"text", "channel",
"longitude", "latitude", "reported_at" (ISO 8601)} and optionally "matter" (a code), and
"grid" / "community" (unit codes, for sides without a point). Prints a JSON list of
{"duplicate": true|false, "score": 0.0-1.0, "reasons": [...]}, one per pair, in order;
"duplicate" is the score against HUYING_DUPLICATE_SUGGEST_SCORE.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huying.cases.models import channel_label
from huying.catalog.models import MatterType
from huying.catalog.selectors import matter_relations
from huying.common.messages import render
from huying.duplicates.evaluation import BadPair, pairs_from_json
from huying.duplicates.matters import matter_guesser
from huying.duplicates.scoring import Side, judge
from huying.duplicates.selectors import limits


class Command(BaseCommand):
    help = _("Judge pairs of reports: duplicate or not, with the score and the reasons.")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        judge_parser = sub.add_parser("judge", help="score the pairs of a JSON file")
        judge_parser.add_argument("file", help="a JSON list of {\"a\": {...}, \"b\": {...}}")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise CommandError(_("No such file: %(path)s") % {"path": path}) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(_("%(path)s is not a JSON file: %(error)s")
                               % {"path": path, "error": error}) from None
        try:
            pairs = pairs_from_json(data)
        except BadPair as error:
            raise CommandError(_("%(path)s: %(error)s") % {"path": path, "error": error}
                               ) from None
        names = dict(MatterType.objects.order_by("version__effective_from", "version__number")
                     .values_list("code", "name"))
        relations, within, guess = matter_relations(), limits(), matter_guesser()
        threshold = settings.HUYING_DUPLICATE_SUGGEST_SCORE

        def named(side: Side) -> Side:
            return replace(side, channel_name=channel_label(side.channel) if side.channel
                           else "", matter_name=names.get(side.matter or "", ""))

        out = []
        for a, b in pairs:
            judgement = judge(named(a), named(b), relations=relations, limits=within,
                              guess=guess)
            out.append({"duplicate": judgement.score >= threshold, "score": judgement.score,
                        "reasons": [render(r) for r in judgement.reasons]})
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
