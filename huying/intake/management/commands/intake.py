"""`huying intake import FILE [--mapping m.json] [--dry-run] [--source-system S]
[--county CODE] [--as USERNAME]`, `huying intake resume JOB_ID`, `huying intake status
[JOB_ID]`: batch import of 12345 work-order exports, run in this process with its progress
printed. Without --as it runs as the system; with it, as that administrator."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.catalog.selectors import county_by_code
from huying.common.errors import DomainError
from huying.intake import services
from huying.intake.models import ImportJob, ImportRow, Outcome
from huying.intake.report import field_label
from huying.org.models import User


class Command(BaseCommand):
    help = _("12345 work-order exports: import a file, resume a stopped import, show status.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("import", help="import an .xlsx or .csv export")
        run.add_argument("file")
        run.add_argument("--mapping", help="a JSON file {column header: field}")
        run.add_argument("--dry-run", action="store_true",
                         help="check every row and report, writing no case")
        run.add_argument("--source-system", default="",
                         help=f"the source system the ids belong to "
                              f"(default {services.SOURCE_SYSTEM_DEFAULT})")
        run.add_argument("--county", help="county code (default: the first county)")
        run.add_argument("--as", dest="as_user", help="the administrator the job is run as")
        run.add_argument("--batch-size", type=int, default=services.BATCH_SIZE,
                         help="rows per committed progress step")
        resume = sub.add_parser("resume", help="continue an import that stopped")
        resume.add_argument("job_id", type=int)
        resume.add_argument("--as", dest="as_user")
        resume.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)
        status = sub.add_parser("status", help="the latest imports, or one in detail")
        status.add_argument("job_id", type=int, nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def do_import(self, options: dict[str, Any]) -> None:
        actor = self.actor(options.get("as_user"))
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No file %(path)s.") % {"path": path})
        mapping = None
        if options.get("mapping"):
            try:
                mapping = json.loads(Path(options["mapping"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(_("The mapping file cannot be read: %(error)s")
                                   % {"error": error}) from error
        county = None
        if options.get("county"):
            county = county_by_code(options["county"])
            if county is None:
                raise CommandError(_("No county with code %(code)s.")
                                   % {"code": options["county"]})
        now = timezone.now()
        job = services.import_job_create(
            actor=actor, file_name=path.name, content=path.read_bytes(), now=now,
            county=county, source_system=options["source_system"],
            dry_run=options["dry_run"], mapping=mapping)
        self.stdout.write(_("Import #%(id)d: %(rows)d rows from %(name)s%(dry)s.") % {
            "id": job.pk, "rows": job.total_rows, "name": job.file_name,
            "dry": _(" (dry run: no case is written)") if job.dry_run else ""})
        job = services.import_job_start(job=job, actor=actor, now=now)
        self.run(job, options)

    def do_resume(self, options: dict[str, Any]) -> None:
        actor = self.actor(options.get("as_user"))
        job = self.job(options["job_id"])
        job = services.import_job_resume(job=job, actor=actor, now=timezone.now())
        self.stdout.write(_("Resuming import #%(id)d after %(done)d of %(rows)d rows.")
                          % {"id": job.pk, "done": job.rows_processed, "rows": job.total_rows})
        self.run(job, options)

    def do_status(self, options: dict[str, Any]) -> None:
        if options.get("job_id") is None:
            for job in ImportJob.objects.all()[:20]:
                self.stdout.write(self.line(job))
            return
        job = self.job(options["job_id"])
        self.stdout.write(self.line(job))
        for row in (ImportRow.objects.filter(job=job)
                    .exclude(outcome__in=[Outcome.CREATED, Outcome.EXISTING], has_note=False)
                    .order_by("row_number")[:200]):
            text = row.problem if row.problem else row.note
            self.stdout.write(f"  {_('row')} {row.row_number} {row.external_id} "
                              f"[{field_label(job, row.field)}] {text}")

    def run(self, job: ImportJob, options: dict[str, Any]) -> None:
        job = services.import_job_run(job=job, batch_size=options["batch_size"],
                                      progress=lambda j: self.stdout.write(self.progress(j)))
        self.stdout.write(self.line(job))
        if job.failure:
            raise CommandError(str(job.failure))

    def progress(self, job: ImportJob) -> str:
        return f"{job.rows_processed}/{job.total_rows} ({job.percent}%)"

    def line(self, job: ImportJob) -> str:
        return _("#%(id)d %(name)s %(status)s%(dry)s: %(done)d/%(rows)d, created %(created)d, "
                 "existing %(existing)d, conflicts %(conflict)d, errors %(error)d, notes "
                 "%(notes)d") % {
            "id": job.pk, "name": job.file_name, "status": job.get_status_display(),
            "dry": _(" (dry run)") if job.dry_run else "", "done": job.rows_processed,
            "rows": job.total_rows, "created": job.created_count,
            "existing": job.existing_count, "conflict": job.conflict_count,
            "error": job.error_count, "notes": job.note_count}

    def job(self, job_id: int) -> ImportJob:
        job = ImportJob.objects.select_related("county").filter(pk=job_id).first()
        if job is None:
            raise CommandError(_("No import #%(id)d.") % {"id": job_id})
        return job

    def actor(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user named %(username)s.") % {"username": username})
        return user
