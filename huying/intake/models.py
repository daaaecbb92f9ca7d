"""A batch import of a 12345 work-order export (工单导出) and what became of each row.

The job keeps the file (under HUYING_VAR_DIR/imports/, with its SHA-256, so a resume reads
exactly what the first run read), the column mapping, and its progress, committed once per
batch of rows. Each row's outcome commits with the row's own transaction, so after a crash
the rows already taken in are known exactly and a resume continues after them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.common.messages import MessageField, empty


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("Uploaded, not started")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    CSV = "csv", "CSV"


class ImportJob(models.Model):
    """One import of one export file (批量导入任务)."""

    county = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    file_name = models.CharField(_("file name"), max_length=200)
    # Relative to HUYING_VAR_DIR, so a moved data directory still finds its files.
    file_path = models.CharField(_("stored file"), max_length=300)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    file_format = models.CharField(_("format"), max_length=8, choices=FileFormat.choices)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    headers = models.JSONField(_("headers"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    dry_run = models.BooleanField(_("dry run"), default=False)
    source_system = models.CharField(_("source system"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices,
                              default=JobStatus.DRAFT)
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    existing_count = models.PositiveIntegerField(_("already taken in"), default=0)
    conflict_count = models.PositiveIntegerField(_("conflicts"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    note_count = models.PositiveIntegerField(_("remarks"), default=0)
    failure = MessageField(_("failure"), default=empty, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("by"))
    created_at = models.DateTimeField(_("uploaded at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("12345 import")
        verbose_name_plural = _("12345 imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, self.rows_processed * 100 // self.total_rows)


class Outcome(models.TextChoices):
    CREATED = "created", _("Created")
    EXISTING = "existing", _("Already taken in")
    CONFLICT = "conflict", _("Conflict")
    ERROR = "error", _("Error")


class ImportRow(models.Model):
    """What became of one data row of the file. In a dry run, what would become of it."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows",
                            verbose_name=_("import"))
    row_number = models.PositiveIntegerField(_("row"))  # the spreadsheet's row, header = 1
    external_id = models.CharField(_("work-order number"), max_length=64, blank=True)
    outcome = models.CharField(_("result"), max_length=16, choices=Outcome.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("case"))
    field = models.CharField(_("field"), max_length=32, blank=True)
    problem = MessageField(_("problem"), default=empty, blank=True)
    # A remark that is not an error: the 12345 type matched no matter type of the county.
    note = MessageField(_("remark"), default=empty, blank=True)
    has_note = models.BooleanField(_("has a remark"), default=False)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["job", "row_number"]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"],
                                               name="intake_row_unique_job_row")]


class HotlineCall(models.Model):
    """When the citizen called the hotline (来电时间), as the source system says.

    The case's own times and its hash-chained record say when huying took the report in;
    they are never back-dated. The source's time of the call is kept here, once per
    (channel, source system, work-order number) like the intake record it accompanies."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="hotline_call", verbose_name=_("case"))
    channel = models.CharField(_("channel"), max_length=32)
    source_system = models.CharField(_("source system"), max_length=64)
    external_id = models.CharField(_("work-order number"), max_length=64)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    job = models.ForeignKey(ImportJob, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", verbose_name=_("import"))

    class Meta:
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        constraints = [models.UniqueConstraint(fields=["channel", "source_system", "external_id"],
                                               name="intake_call_unique_source_id")]
