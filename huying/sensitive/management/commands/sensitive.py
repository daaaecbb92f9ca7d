"""`huying sensitive check TEXT`: what the lexicon in force flags in a text."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from huying.sensitive.models import SensitiveCategory
from huying.sensitive.selectors import matcher_in_force


class Command(BaseCommand):
    help = _("Check a text against the stability-sensitive lexicon in force.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        check = sub.add_parser("check", help=_("Which rules a text triggers, and why."))
        check.add_argument("text")

    def handle(self, *args, verb: str, text: str, **options) -> None:
        if not text.strip():
            raise CommandError(_("Give a text to check."))
        hits, people = matcher_in_force().hits(text)
        if people is not None:
            self.stdout.write(_("People mentioned: %(n)d") % {"n": people})
        if not hits:
            self.stdout.write(_("Not sensitive: no rule matched."))
            return
        for hit in hits:
            self.stdout.write(_("%(name)s (%(category)s): %(words)s") % {
                "name": hit.rule.name, "category": SensitiveCategory(hit.rule.category).label,
                "words": "、".join(hit.words)})
