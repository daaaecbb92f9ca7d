"""`huying catalog …`: load, export, import and publish the lists (清单) from the server.

The command acts as the system (actor=None): whoever can run it on the server already
administers the platform.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huying.catalog import excel, selectors, services
from huying.catalog.models import ListKind, ListVersion
from huying.catalog.reference import catalogue_load_reference
from huying.common.errors import DomainError
from huying.org.models import OrgUnit

KIND_HELP = "catalogue|town_duty|call|grid_admission"


def parse_kind(text: str) -> str:
    """A list kind from its code or its name (属地管理事项清单, 呼应事项清单…)."""
    for kind in ListKind:
        with translation.override("en"):
            english = str(kind.label).lower()
        if text.strip().lower() in {kind.value, str(kind.label).lower(), english}:
            return kind.value
    raise CommandError(_("Unknown list kind %(kind)s.") % {"kind": text} + " "
                       + _("Use one of: %(kinds)s.") % {"kinds": KIND_HELP})


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("Not a date (YYYY-MM-DD): %(value)s.") % {"value": text}) from error


class Command(BaseCommand):
    help = _("Lists (清单): load the reference lists, export/import Excel, publish a version.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--county", help="county code (default: the installation's county)")
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-reference", help="load the bundled reference lists")
        load.add_argument("--county", dest="sub_county", help="county code")
        load.add_argument("--effective-from", help="YYYY-MM-DD (default: today)")
        load.add_argument("--draft", action="store_true", help="leave the versions unpublished")
        export = sub.add_parser("export", help="write a list version to an .xlsx file")
        export.add_argument("kind", help=KIND_HELP)
        export.add_argument("file")
        export.add_argument("--version", type=int,
                            help="version number (default: the one in force, else the newest)")
        export.add_argument("--county", dest="sub_county", help="county code")
        imp = sub.add_parser("import", help="import an .xlsx file into a draft")
        imp.add_argument("kind", help=KIND_HELP)
        imp.add_argument("file")
        imp.add_argument("--version", type=int, help="draft to replace (default: a new draft)")
        imp.add_argument("--title")
        imp.add_argument("--effective-from", help="YYYY-MM-DD (default: today)")
        imp.add_argument("--county", dest="sub_county", help="county code")
        publish = sub.add_parser("publish", help="publish a draft version")
        publish.add_argument("kind", help=KIND_HELP)
        publish.add_argument("number", type=int)
        publish.add_argument("--county", dest="sub_county", help="county code")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "handle_" + options["action"].replace("-", "_"))(options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def county(self, options: dict[str, Any]) -> OrgUnit:
        code = options.get("sub_county") or options.get("county")
        county = selectors.county_by_code(code) if code else selectors.default_county()
        if county is None:
            if code:
                raise CommandError(_("No county with code %(code)s.") % {"code": code})
            raise CommandError(_("There is no county yet; create the organisation first."))
        return county

    def version(self, county: OrgUnit, kind: str, number: int) -> ListVersion:
        version = selectors.list_version_get(county=county, kind=kind, number=number)
        if version is None:
            raise CommandError(_("%(list)s has no version %(number)d.")
                               % {"list": ListKind(kind).label, "number": number})
        return version

    def handle_load_reference(self, options: dict[str, Any]) -> None:
        county = self.county(options)
        effective = parse_date(options["effective_from"]) if options["effective_from"] else None
        self.stdout.write(_("Loading the reference lists into %(county)s…") % {"county": county})
        result = catalogue_load_reference(
            actor=None, county=county, now=timezone.now(), effective_from=effective,
            publish=not options["draft"], progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(_("Done: %(n)d lists.")
                                             % {"n": len(result["versions"])}))

    def handle_export(self, options: dict[str, Any]) -> None:
        county = self.county(options)
        kind = parse_kind(options["kind"])
        if options["version"]:
            version = self.version(county, kind, options["version"])
        else:
            version = (selectors.list_in_force(county=county, kind=kind,
                                               on=timezone.localdate())
                       or selectors.list_version_latest(county=county, kind=kind))
            if version is None:
                raise CommandError(_("%(list)s has no version yet.")
                                   % {"list": ListKind(kind).label})
        path = Path(options["file"])
        try:
            excel.list_version_export(version, path)
        except OSError as error:
            raise CommandError(_("Cannot write %(file)s: %(error)s")
                               % {"file": path, "error": error}) from error
        self.stdout.write(self.style.SUCCESS(_("%(version)s written to %(file)s.")
                                             % {"version": version, "file": path}))

    def handle_import(self, options: dict[str, Any]) -> None:
        county = self.county(options)
        kind = parse_kind(options["kind"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(file)s.") % {"file": path})
        version = self.version(county, kind, options["version"]) if options["version"] else None
        effective = parse_date(options["effective_from"]) if options["effective_from"] else None
        self.stdout.write(_("Checking %(file)s…") % {"file": path})
        report = excel.list_version_import(
            actor=None, county=county, kind=kind, file=path, version=version,
            title=options["title"], effective_from=effective, now=timezone.now())
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(n)d errors; nothing was imported.")
                               % {"n": len(report.errors)})
        self.stdout.write(self.style.SUCCESS(
            _("%(rows)d rows imported into the draft %(version)s; to publish: %(command)s")
            % {"rows": report.rows, "version": report.version,
               "command": f"huying catalog publish {kind} {report.version.number}"}))

    def handle_publish(self, options: dict[str, Any]) -> None:
        county = self.county(options)
        kind = parse_kind(options["kind"])
        version = self.version(county, kind, options["number"])
        version = services.list_version_publish(actor=None, version=version, now=timezone.now())
        self.stdout.write(self.style.SUCCESS(_("%(version)s published.") % {"version": version}))
