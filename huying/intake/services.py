"""Batch import of 12345 work-order exports (12345工单批量导入).

Every row enters as the 12345 hotline itself would send it: through `flows.case_report_filed`
on the 12345 channel, keyed by (channel, the job's source system, 工单编号). So a re-run or a
resume never duplicates: a row taken in before with the same content answers "existing", a
different content under the same number is a conflict, reported for that row.

Each row is its own transaction and its outcome row commits with it, so a crash leaves every
row either wholly taken in and recorded, or not at all. The job's counters are committed
once per batch; a resume skips the rows already recorded and goes on from there.

Cases are filed by the system on behalf of the source system (actor None, as the channel's
own intake would be); the job records the administrator who started it."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from huying.cases import flows
from huying.cases.models import Case, Channel
from huying.cases.validation import text
from huying.catalog.selectors import default_county
from huying.common.batch import batch_mode
from huying.common.errors import (
    DomainError,
    IntakeConflict,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from huying.common.messages import Message, join, literal, message
from huying.intake.mapping import mapping_clean, mapping_default
from huying.intake.models import HotlineCall, ImportJob, ImportRow, JobStatus, Outcome
from huying.intake.parsing import Lookups, ParsedRow, RowProblem, external_id_of, row_parse
from huying.intake.reading import data_rows, file_check
from huying.org.models import Level, OrgUnit, User
from huying.org.selectors import is_admin

log = logging.getLogger(__name__)

CHANNEL = Channel.HOTLINE_12345
SOURCE_SYSTEM_DEFAULT = "12345导入"
BATCH_SIZE = 50
IMPORT_DIR = "imports"

Clock = Callable[[], datetime]


def ensure_may_import(actor: User | None) -> None:
    """Imports are for administrators; None is the system (the command without --as)."""
    if actor is not None and not is_admin(actor):
        raise PermissionDenied(_("Only administrators may import 12345 work orders."))


def file_path(job: ImportJob) -> Path:
    return Path(settings.VAR_DIR) / job.file_path


@transaction.atomic
def import_job_create(*, actor: User | None, file_name: str, content: bytes, now: datetime,
                      county: OrgUnit | None = None, source_system: str = "",
                      dry_run: bool = False, mapping: dict[str, str] | None = None
                      ) -> ImportJob:
    """Keep an uploaded export and read its headers: a job waiting to be started, with the
    default mapping (or the one given, checked against the headers)."""
    ensure_may_import(actor)
    table = file_check(file_name, content)
    county = county or default_county()
    if county is None or county.level != Level.COUNTY:
        raise ValidationFailed(_("The case must belong to a county."), field="county")
    source = text(source_system or SOURCE_SYSTEM_DEFAULT, field="source_system",
                  label=_("The source system"), max_length=64)
    cleaned = mapping_clean(mapping if mapping is not None else mapping_default(table.headers),
                            table.headers)
    digest = hashlib.sha256(content).hexdigest()
    safe = re.sub(r"[^\w.\-]+", "_", Path(file_name).name)[-80:]
    relative = Path(IMPORT_DIR) / f"{timezone.localdate(now):%Y%m}" / f"{digest[:16]}-{safe}"
    target = Path(settings.VAR_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(content)
    total = sum(1 for _row in data_rows(target, table.file_format, table.encoding,
                                        table.headers))
    return ImportJob.objects.create(
        county=county, file_name=Path(file_name).name[:200], file_path=str(relative),
        file_sha256=digest, file_format=table.file_format, encoding=table.encoding,
        headers=table.headers, mapping=cleaned, dry_run=dry_run, source_system=source,
        total_rows=total, created_by=actor, created_at=now)


@transaction.atomic
def import_job_configure(*, job: ImportJob, actor: User | None, mapping: dict[str, str],
                         dry_run: bool, now: datetime) -> ImportJob:
    """Edit the mapping and the dry-run switch of a job not yet started."""
    ensure_may_import(actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.DRAFT:
        raise TransitionNotAllowed(_("This import has already been started."))
    job.mapping = mapping_clean(mapping, job.headers)
    job.dry_run = dry_run
    job.save(update_fields=["mapping", "dry_run"])
    return job


@transaction.atomic
def import_job_start(*, job: ImportJob, actor: User | None, now: datetime) -> ImportJob:
    """Queue a job for its first run (draft → queued); the caller hands it to a worker."""
    ensure_may_import(actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.DRAFT:
        raise TransitionNotAllowed(_("This import has already been started."))
    job.status = JobStatus.QUEUED
    job.save(update_fields=["status"])
    return job


@transaction.atomic
def import_job_resume(*, job: ImportJob, actor: User | None, now: datetime) -> ImportJob:
    """Queue again a job whose run stopped: failed, or left running by a process that died.
    The rows already recorded are not taken again."""
    ensure_may_import(actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.DONE:
        raise TransitionNotAllowed(_("This import is already done."))
    if job.status == JobStatus.DRAFT:
        raise TransitionNotAllowed(_("This import has not been started yet."))
    job.status = JobStatus.QUEUED
    job.save(update_fields=["status"])
    return job


def import_job_run(*, job: ImportJob, clock: Clock = timezone.now,
                   batch_size: int = BATCH_SIZE,
                   progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Run a queued job to its end. Claims the job with a conditional UPDATE (queued →
    running), so two workers never run one job; answers the job as it stands."""
    now = clock()
    claimed = (ImportJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED)
               .update(status=JobStatus.RUNNING, finished_at=None, failure=literal("")))
    job = ImportJob.objects.select_related("county").get(pk=job.pk)
    if not claimed:
        return job
    if job.started_at is None:
        ImportJob.objects.filter(pk=job.pk).update(started_at=now)
        job.started_at = now
    try:
        # Batch mode: the figures of the imported cases are refreshed by the minute job, a
        # chunk at a time, not one after-commit task per row.
        with batch_mode():
            _run(job, clock=clock, batch_size=max(1, batch_size), progress=progress)
    except _JobFailed as failure:
        return _finish(job, JobStatus.FAILED, clock(), failure.problem)
    except DatabaseError as error:
        # The database itself failed: the rows recorded so far stand; resume later.
        log.exception("import %s stopped", job.pk)
        _finish(job, JobStatus.FAILED, clock(), message(gettext_noop(
            "The database refused a write (%(error)s); resume the import."),
            error=str(error)[:200]))
        raise
    return _finish(job, JobStatus.DONE, clock(), None)


class _JobFailed(Exception):
    def __init__(self, problem: Message) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _RolledBack(Exception):
    """Raised to undo a dry run's row after it did everything a real run would."""


def _run(job: ImportJob, *, clock: Clock, batch_size: int,
         progress: Callable[[ImportJob], None] | None) -> None:
    path = file_path(job)
    if not path.exists():
        raise _JobFailed(message(gettext_noop("The imported file %(name)s is missing from "
                                              "the server."), name=job.file_name))
    if hashlib.sha256(path.read_bytes()).hexdigest() != job.file_sha256:
        raise _JobFailed(message(gettext_noop("The imported file %(name)s was changed on the "
                                              "server since it was uploaded."),
                                 name=job.file_name))
    channel = Channel.objects.filter(code=CHANNEL, active=True).first()
    if channel is None:
        raise _JobFailed(message(gettext_noop("The 12345 channel is switched off; switch it on "
                                              "in the channel registry first.")))
    lookups = Lookups(job.county, on=timezone.localdate(clock()))
    first_of = _first_rows(job)
    done = set(ImportRow.objects.filter(job=job).values_list("row_number", flat=True))
    pending = 0
    for number, cells in _rows(job):
        if number in done:
            continue
        _row_take(job, number, cells, lookups=lookups, channel=channel, first_of=first_of,
                  now=clock())
        pending += 1
        if pending >= batch_size:
            _progress_commit(job)
            pending = 0
            if progress:
                progress(job)
    _progress_commit(job)
    if progress:
        progress(job)


def _rows(job: ImportJob) -> Iterator[tuple[int, dict[str, Any]]]:
    return data_rows(file_path(job), job.file_format, job.encoding, job.headers)


def _first_rows(job: ImportJob) -> dict[str, int]:
    """The first row of each work-order number in the file: a later one is a duplicate."""
    first: dict[str, int] = {}
    for number, cells in _rows(job):
        key = external_id_of(cells, job.mapping)
        if key:
            first.setdefault(key, number)
    return first


def _row_take(job: ImportJob, number: int, cells: dict[str, Any], *, lookups: Lookups,
              channel: Channel, first_of: dict[str, int], now: datetime) -> None:
    """Take one row in, in its own transaction with its outcome; a dry run undoes it."""
    external_id = external_id_of(cells, job.mapping)[:64]
    outcome: dict[str, Any] = {}
    try:
        parsed = row_parse(cells, job.mapping, lookups, now=now)
        external_id = parsed.external_id
        first = first_of.get(external_id, number)
        if first != number:
            raise RowProblem("external_id", message(gettext_noop(
                "The work-order number %(id)s already appears in row %(row)s of this file."),
                id=external_id, row=first))
        with transaction.atomic():
            outcome = _file(job, number, parsed, channel=channel, now=now)
            if job.dry_run:
                raise _RolledBack
    except _RolledBack:
        # Everything the real run would write is undone; what it would answer is kept.
        outcome["case"] = None if outcome["outcome"] == Outcome.CREATED else outcome["case"]
        ImportRow.objects.create(**outcome)
        return
    except IntakeConflict as conflict:
        _record(job, number, external_id, Outcome.CONFLICT, field="",
                problem=message(gettext_noop(
                    "Work order %(id)s was already taken in as case %(case)s with different "
                    "content."), id=external_id, case=conflict.details.get("case", "")),
                case=Case.objects.filter(number=conflict.details.get("case", "")).first())
    except _CallTimeConflict as conflict:
        _record(job, number, external_id, Outcome.CONFLICT, field="called_at",
                problem=conflict.problem, case=conflict.case)
    except RowProblem as problem:
        _record(job, number, external_id, Outcome.ERROR, field=problem.field,
                problem=problem.problem)
    except DomainError as error:
        # The case services' own refusals (too long a name, a place outside the county):
        # their text is already rendered in the running language, kept as it is.
        _record(job, number, external_id, Outcome.ERROR,
                field=str(error.details.get("field", ""))[:32], problem=literal(error.message))
    except DatabaseError:
        raise
    except Exception as error:
        log.exception("import %s row %s", job.pk, number)
        _record(job, number, external_id, Outcome.ERROR, field="", problem=message(
            gettext_noop("Unexpected error while taking the row in: %(error)s"),
            error=f"{type(error).__name__}: {error}"[:200]))


class _CallTimeConflict(Exception):
    def __init__(self, problem: Message, case: Any) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.case = case


def _file(job: ImportJob, number: int, parsed: ParsedRow, *, channel: Channel,
          now: datetime) -> dict[str, Any]:
    report = dict(parsed.report)
    located = report["longitude"] is not None or parsed.town is not None
    # The hotline's coordinates find the grid; a town alone places the case in the town.
    unit = parsed.town if report["longitude"] is None else None
    notes = list(parsed.notes)
    matter = parsed.matter_code or channel.default_matter_code or None
    if matter and not located:
        # Registering needs a place: the centre registers it once it is located.
        if parsed.matter_code:
            notes.append(message(gettext_noop(
                "The row gives no town and no coordinates: the case waits for the command "
                "centre to locate and register it.")))
        matter = None
    case, created = flows.case_report_filed(
        actor=None, county=job.county, now=now, matter_code=matter, unit=unit,
        channel=channel.code, external_ref=parsed.external_id,
        source_system=job.source_system, **report)
    if created:
        HotlineCall.objects.create(case=case, channel=channel.code,
                                   source_system=job.source_system,
                                   external_id=parsed.external_id, called_at=parsed.called_at,
                                   job=job)
    else:
        call = HotlineCall.objects.filter(case=case).first()
        if call is not None and call.called_at != parsed.called_at:
            raise _CallTimeConflict(message(gettext_noop(
                "Work order %(id)s was already taken in as case %(case)s with another time of "
                "the call."), id=parsed.external_id, case=case.number), case)
    # "Awaits classification" is news only for a case this row made.
    notes = notes if created else []
    row = {"job": job, "row_number": number, "external_id": parsed.external_id,
           "outcome": Outcome.CREATED if created else Outcome.EXISTING, "case": case,
           "note": join(notes, " ") if notes else literal(""), "has_note": bool(notes),
           "field": ("matter" if parsed.notes else "town") if notes else ""}
    if not job.dry_run:
        ImportRow.objects.create(**row)
    return row


def _record(job: ImportJob, number: int, external_id: str, outcome: str, *, field: str,
            problem: Message, case: Any = None) -> None:
    ImportRow.objects.create(job=job, row_number=number, external_id=external_id[:64],
                             outcome=outcome, field=field, problem=problem, case=case)


def _progress_commit(job: ImportJob) -> None:
    """The job's counters from its recorded rows: exact whatever happened before a crash."""
    counts = ImportRow.objects.filter(job=job).aggregate(
        processed=Count("pk"),
        created=Count("pk", filter=Q(outcome=Outcome.CREATED)),
        existing=Count("pk", filter=Q(outcome=Outcome.EXISTING)),
        conflict=Count("pk", filter=Q(outcome=Outcome.CONFLICT)),
        error=Count("pk", filter=Q(outcome=Outcome.ERROR)),
        notes=Count("pk", filter=Q(has_note=True)))
    job.rows_processed = counts["processed"]
    job.created_count = counts["created"]
    job.existing_count = counts["existing"]
    job.conflict_count = counts["conflict"]
    job.error_count = counts["error"]
    job.note_count = counts["notes"]
    ImportJob.objects.filter(pk=job.pk).update(
        rows_processed=job.rows_processed, created_count=job.created_count,
        existing_count=job.existing_count, conflict_count=job.conflict_count,
        error_count=job.error_count, note_count=job.note_count)


def _finish(job: ImportJob, status: str, now: datetime, problem: Message | None) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, finished_at=now, failure=problem or literal(""))
    return ImportJob.objects.select_related("county", "created_by").get(pk=job.pk)
